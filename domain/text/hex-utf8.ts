/**
 * Hex-encoded UTF-8 text, as the health-insurance (BHYT) QR stores names and addresses
 * (`4e677579e1bb856e` → `Nguyễn`). The domain has no Buffer, so bytes are decoded here.
 */
export type HexUtf8Result = { readonly ok: true; readonly text: string } | { readonly ok: false; readonly reason: 'not-hex' | 'not-utf8' };

// One character class and one quantifier: linear, whatever the input.
const HEX_DIGITS = /^[0-9A-Fa-f]*$/;

// fatal: invalid byte sequences are refused instead of being replaced by U+FFFD,
// so a corrupted or mis-encoded field never turns into a plausible-looking name.
const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true });

/** Callers bound `hex.length` first: this allocates half its length in bytes. */
export function decodeHexUtf8(hex: string): HexUtf8Result {
  if (hex.length % 2 !== 0 || !HEX_DIGITS.test(hex)) return { ok: false, reason: 'not-hex' };
  const bytes = new Uint8Array(hex.length / 2);
  for (let index = 0; index < bytes.length; index += 1) {
    bytes[index] = Number.parseInt(hex.slice(index * 2, index * 2 + 2), 16);
  }
  try {
    return { ok: true, text: STRICT_UTF8.decode(bytes) };
  } catch {
    return { ok: false, reason: 'not-utf8' };
  }
}

/** The inverse, for tests and fixtures: `Nguyễn` → `4e677579e1bb856e`. */
export function encodeHexUtf8(text: string): string {
  let hex = '';
  for (const byte of new TextEncoder().encode(text)) hex += byte.toString(16).padStart(2, '0');
  return hex;
}
