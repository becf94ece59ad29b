/**
 * Base45 (RFC 9285), the alphabet of QR alphanumeric mode, which is why the DCC uses it:
 * three characters carry two bytes, the densest encoding a QR code reads natively.
 * Strict on purpose: a tolerant decoder would accept a mistyped or tampered code
 * and fail later with a less useful reason.
 */
const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:';

/** Character code → value, -1 outside the alphabet (lower case included: RFC 9285 has none). */
const VALUES: Int8Array = (() => {
  const table = new Int8Array(128).fill(-1);
  for (let i = 0; i < ALPHABET.length; i++) table[ALPHABET.charCodeAt(i)] = i;
  return table;
})();

function valueAt(text: string, index: number): number {
  const code = text.charCodeAt(index);
  return code < 128 ? (VALUES[code] as number) : -1;
}

/**
 * The bytes `text` encodes, or null when it is not valid base45: a character outside
 * the alphabet, a lone trailing character, or a group whose value does not fit
 * (a triplet above 65535, a final pair above 255).
 */
export function decodeBase45(text: string): Uint8Array | null {
  const remainder = text.length % 3;
  if (remainder === 1) return null;
  const out = new Uint8Array(Math.floor(text.length / 3) * 2 + (remainder === 2 ? 1 : 0));
  let o = 0;
  let i = 0;
  for (; i + 3 <= text.length; i += 3) {
    const c = valueAt(text, i);
    const d = valueAt(text, i + 1);
    const e = valueAt(text, i + 2);
    if (c < 0 || d < 0 || e < 0) return null;
    const n = c + d * 45 + e * 45 * 45;
    if (n > 0xffff) return null;
    out[o++] = n >> 8;
    out[o++] = n & 0xff;
  }
  if (remainder === 2) {
    const c = valueAt(text, i);
    const d = valueAt(text, i + 1);
    if (c < 0 || d < 0) return null;
    const n = c + d * 45;
    if (n > 0xff) return null;
    out[o] = n;
  }
  return out;
}

/** The base45 text of `bytes` (used by tests and tools that build codes; the kiosk only decodes). */
export function encodeBase45(bytes: Uint8Array): string {
  let text = '';
  for (let i = 0; i + 1 < bytes.length; i += 2) {
    const n = (bytes[i] as number) * 256 + (bytes[i + 1] as number);
    text += ALPHABET.charAt(n % 45) + ALPHABET.charAt(Math.floor(n / 45) % 45) + ALPHABET.charAt(Math.floor(n / 2025));
  }
  if (bytes.length % 2 === 1) {
    const n = bytes[bytes.length - 1] as number;
    text += ALPHABET.charAt(n % 45) + ALPHABET.charAt(Math.floor(n / 45));
  }
  return text;
}

/** Whether every character of `text` is in the base45 alphabet (no decoding). */
export function isBase45Text(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (valueAt(text, i) < 0) return false;
  return true;
}
