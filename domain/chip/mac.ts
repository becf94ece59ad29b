import type { ChipCrypto } from './chip-crypto.js';
import { concatBytes, xorBytes } from './bytes.js';
import { padIso9797 } from './padding.js';

/**
 * ISO/IEC 9797-1 MAC algorithm 3 ("retail MAC") with padding method 2, single DES, IV zero:
 * the 8-byte MAC of BAC and of 3DES secure messaging and the PACE 3DES token. It pads the data
 * itself (ICAO 9303-11 names the MAC together with its padding), so callers pass the bytes to
 * protect, unpadded. Key is K1 ‖ K2: CBC-DES under K1 over every block, then the last block is
 * decrypted under K2 and encrypted again under K1.
 */
export function retailMac(key: Uint8Array, data: Uint8Array, crypto: ChipCrypto): Uint8Array {
  if (key.length !== 16) throw new RangeError(`retail MAC takes a 16-byte key, got ${key.length}`);
  const k1 = key.subarray(0, 8);
  const k2 = key.subarray(8, 16);
  // CBC-DES under K1 is two-key 3DES-CBC with K1 ‖ K1 (E-D-E with one key is single DES):
  // one cipher call for the whole input instead of one per block.
  const chained = crypto.tripleDesCbc('encrypt', concatBytes(k1, k1), new Uint8Array(8), padIso9797(data, 8));
  const chain = chained.subarray(chained.length - 8);
  return crypto.desBlock('encrypt', k1, crypto.desBlock('decrypt', k2, chain));
}

/** Doubling in GF(2^128) with the CMAC constant 0x87: the subkey step of RFC 4493 §2.3. */
function doubleBlock(block: Uint8Array): Uint8Array {
  const out = new Uint8Array(16);
  for (let i = 0; i < 16; i++) out[i] = (((block[i] ?? 0) << 1) | ((block[i + 1] ?? 0) >>> 7)) & 0xff;
  if (((block[0] ?? 0) & 0x80) !== 0) out[15] = (out[15] ?? 0) ^ 0x87;
  return out;
}

/**
 * AES-CMAC (RFC 4493, NIST SP 800-38B), the full 16 bytes. It applies CMAC's own padding only:
 * AES secure messaging pads with ISO/IEC 9797-1 method 2 before calling it and keeps the first
 * 8 bytes; the PACE token is the first 8 bytes of the CMAC over the unpadded public key object.
 */
export function aesCmac(key: Uint8Array, data: Uint8Array, crypto: ChipCrypto): Uint8Array {
  const k1 = doubleBlock(crypto.aesBlock('encrypt', key, new Uint8Array(16)));
  const k2 = doubleBlock(k1);
  const blocks = Math.max(1, Math.ceil(data.length / 16));
  const complete = data.length > 0 && data.length % 16 === 0;
  const last = complete ? xorBytes(data.subarray(data.length - 16), k1) : xorBytes(padIso9797(data.subarray((blocks - 1) * 16), 16), k2);
  const message = concatBytes(data.subarray(0, (blocks - 1) * 16), last);
  const encrypted = crypto.aesCbc('encrypt', key, new Uint8Array(16), message);
  return encrypted.slice(encrypted.length - 16);
}
