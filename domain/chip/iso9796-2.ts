import { bytesEqual, concatBytes } from './bytes.js';
import type { ChipCrypto, ChipHash } from './chip-crypto.js';

/**
 * ISO/IEC 9796-2 digital signature scheme 1 with partial message recovery, as Active
 * Authentication uses it with RSA (ICAO 9303-11 §6.1): the chip signs the message
 * representative F = header ‖ M1 ‖ H ‖ trailer, where M1 is recoverable from the signature
 * and M2 — the terminal's challenge — is not, and H = hash(M1 ‖ M2). Verifying recovers F
 * with the public key (plain bigint arithmetic: no library needed) and recomputes H.
 */

/** ISO/IEC 10118-3 hash identifiers in the two-byte trailer "xx CC". */
const TRAILER_HASHES: ReadonlyMap<number, ChipHash> = new Map([
  [0x33, 'SHA-1'],
  [0x34, 'SHA-256'],
  [0x35, 'SHA-512'],
  [0x36, 'SHA-384'],
  [0x38, 'SHA-224'],
]);
const HASH_LENGTHS: Readonly<Record<ChipHash, number>> = { 'SHA-1': 20, 'SHA-224': 28, 'SHA-256': 32, 'SHA-384': 48, 'SHA-512': 64 };

/** 8 192 bits: chips use 1 024–3 072; a bigger modulus from a hostile DG15 would only cost time. */
const MAX_MODULUS_BYTES = 1024;

export interface RsaPublicKey {
  readonly modulus: bigint;
  readonly exponent: bigint;
}

/** Whether `signature` is a scheme-1 signature with recovery of some M1, over M1 ‖ `nonRecoverable`. */
export function verifyIso9796Scheme1(key: RsaPublicKey, signature: Uint8Array, nonRecoverable: Uint8Array, crypto: Pick<ChipCrypto, 'hash'>): boolean {
  const length = byteLength(key.modulus);
  if (length > MAX_MODULUS_BYTES || signature.length !== length) return false;
  const sigma = toBigInt(signature);
  if (sigma <= 0n || sigma >= key.modulus) return false;
  const opened = modPow(sigma, key.exponent, key.modulus);
  // The signer may publish min(J^d, n − J^d); the trailer's low nibble (C) tells which was sent.
  const representative = (opened & 0xfn) === 0xcn ? opened : ((key.modulus - opened) & 0xfn) === 0xcn ? key.modulus - opened : undefined;
  if (representative === undefined) return false;
  const f = toBytes(representative, length);
  const trailer = trailerOf(f);
  if (trailer === undefined) return false;
  const start = recoverableStart(f);
  if (start === undefined) return false;
  const hashLength = HASH_LENGTHS[trailer.hash];
  const hashStart = f.length - trailer.size - hashLength;
  if (hashStart < start) return false;
  const recovered = f.subarray(start, hashStart);
  return bytesEqual(crypto.hash(trailer.hash, concatBytes(recovered, nonRecoverable)), f.subarray(hashStart, hashStart + hashLength));
}

/** BC: SHA-1 implied (option 1); xx CC: the hash xx names (option 2). */
function trailerOf(f: Uint8Array): { hash: ChipHash; size: number } | undefined {
  const last = f[f.length - 1];
  if (last === 0xbc) return { hash: 'SHA-1', size: 1 };
  if (last !== 0xcc) return undefined;
  const hash = TRAILER_HASHES.get(f[f.length - 2] ?? -1);
  return hash === undefined ? undefined : { hash, size: 2 };
}

/**
 * Where M1 starts. The first two bits are 01; the third says partial recovery (1), which
 * Active Authentication needs since the challenge is not in F; then either A (no padding,
 * M1 at byte 1) or B…BA padding nibbles.
 */
function recoverableStart(f: Uint8Array): number | undefined {
  const header = f[0] ?? 0;
  if ((header & 0xe0) !== 0x60) return undefined;
  if ((header & 0x0f) === 0x0a) return 1;
  if ((header & 0x0f) !== 0x0b) return undefined;
  let at = 1;
  while (f[at] === 0xbb) at++;
  return f[at] === 0xba ? at + 1 : undefined;
}

export function modPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
  let result = 1n;
  let b = base % modulus;
  for (let e = exponent; e > 0n; e >>= 1n) {
    if (e & 1n) result = (result * b) % modulus;
    b = (b * b) % modulus;
  }
  return result;
}

function byteLength(value: bigint): number {
  return Math.ceil(value.toString(16).length / 2);
}

function toBigInt(bytes: Uint8Array): bigint {
  let value = 0n;
  for (const byte of bytes) value = (value << 8n) | BigInt(byte);
  return value;
}

function toBytes(value: bigint, length: number): Uint8Array {
  const out = new Uint8Array(length);
  let rest = value;
  for (let i = length - 1; i >= 0; i--) {
    out[i] = Number(rest & 0xffn);
    rest >>= 8n;
  }
  return out;
}
