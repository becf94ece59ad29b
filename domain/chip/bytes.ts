/** Byte helpers the ICAO 9303 protocols share (pure; no Buffer, so the domain stays free of Node). */

export function concatBytes(...parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/**
 * Equal length and bytes, comparing every byte whatever the first difference: MACs and
 * cryptograms are checked with it, and an early exit would tell an attacker how many bytes
 * of a forged MAC were right.
 */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return difference === 0;
}

export function xorBytes(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length !== b.length) throw new RangeError(`xor of ${a.length} and ${b.length} bytes`);
  return a.map((byte, i) => byte ^ (b[i] ?? 0));
}

/** Upper-case hex for error messages about protocol bytes (status words, tags), never for personal data. */
export function hexOf(bytes: Uint8Array): string {
  return Array.from(bytes, (byte) => byte.toString(16).toUpperCase().padStart(2, '0')).join('');
}
