import type { ChipCrypto } from './chip-crypto.js';
import { concatBytes } from './bytes.js';

/** The block ciphers of BAC, PACE and secure messaging; the name fixes hash and key length. */
export type ChipCipher = '3DES' | 'AES-128' | 'AES-192' | 'AES-256';

/** ICAO 9303-11 §9.7.1: counter 1 gives the encryption key, 2 the MAC key, 3 the PACE password key. */
export type KdfCounter = 1 | 2 | 3;

export const KDF_ENC: KdfCounter = 1;
export const KDF_MAC: KdfCounter = 2;
export const KDF_PACE_PASSWORD: KdfCounter = 3;

/** Key length in bytes: 3DES is two-key (K1 ‖ K2). */
export function keyLengthOf(cipher: ChipCipher): number {
  return cipher === '3DES' ? 16 : cipher === 'AES-128' ? 16 : cipher === 'AES-192' ? 24 : 32;
}

/** Block length in bytes, which is also the SSC length of secure messaging. */
export function blockLengthOf(cipher: ChipCipher): 8 | 16 {
  return cipher === '3DES' ? 8 : 16;
}

/**
 * The ICAO key derivation function (9303-11 §9.7.1): keydata = H(secret ‖ counter as 32-bit
 * big-endian), SHA-1 for 3DES and AES-128, SHA-256 for AES-192 and AES-256, truncated to the
 * key length. 3DES keys get their DES parity bits set, as §9.7.1.1 requires (the ICAO worked
 * examples print them so).
 */
export function deriveKey(secret: Uint8Array, counter: KdfCounter, cipher: ChipCipher, crypto: ChipCrypto): Uint8Array {
  const hashName = cipher === '3DES' || cipher === 'AES-128' ? 'SHA-1' : 'SHA-256';
  const keydata = crypto.hash(hashName, concatBytes(secret, Uint8Array.of(0, 0, 0, counter)));
  const key = keydata.slice(0, keyLengthOf(cipher));
  return cipher === '3DES' ? adjustDesParity(key) : key;
}

/** Each byte's lowest bit set so the byte has odd parity, as DES keys are defined. */
export function adjustDesParity(key: Uint8Array): Uint8Array {
  return key.map((byte) => {
    let ones = 0;
    for (let bit = 1; bit < 0x100; bit <<= 1) if ((byte & bit) !== 0 && bit !== 1) ones++;
    return (byte & 0xfe) | (ones % 2 === 0 ? 1 : 0);
  });
}
