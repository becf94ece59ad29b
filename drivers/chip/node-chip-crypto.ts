import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import type { ChipCrypto, ChipHash } from '../../domain/chip/chip-crypto.js';

const HASH_NAMES: Record<ChipHash, string> = { 'SHA-1': 'sha1', 'SHA-224': 'sha224', 'SHA-256': 'sha256', 'SHA-384': 'sha384', 'SHA-512': 'sha512' };

function run(cipherName: string, direction: 'encrypt' | 'decrypt', key: Uint8Array, iv: Uint8Array | null, data: Uint8Array, block: number): Uint8Array {
  if (data.length % block !== 0) throw new RangeError(`${cipherName}: ${data.length} bytes is not a whole number of ${block}-byte blocks`);
  const cipher = direction === 'encrypt' ? createCipheriv(cipherName, key, iv) : createDecipheriv(cipherName, key, iv);
  cipher.setAutoPadding(false);
  return new Uint8Array(Buffer.concat([cipher.update(data), cipher.final()]));
}

function tripleKey(key: Uint8Array): Uint8Array {
  if (key.length !== 16) throw new RangeError(`two-key triple DES takes 16 bytes, got ${key.length}`);
  // K1 ‖ K2 ‖ K1: OpenSSL 3's default provider has three-key DES-EDE3 but not the two-key form.
  const out = new Uint8Array(24);
  out.set(key, 0);
  out.set(key.subarray(0, 8), 16);
  return out;
}

function aesName(key: Uint8Array, mode: 'cbc' | 'ecb'): string {
  if (key.length !== 16 && key.length !== 24 && key.length !== 32) throw new RangeError(`AES takes a 16-, 24- or 32-byte key, got ${key.length}`);
  return `aes-${key.length * 8}-${mode}`;
}

/** ChipCrypto on node:crypto (OpenSSL). */
export const nodeChipCrypto: ChipCrypto = {
  hash: (algorithm, data) => new Uint8Array(createHash(HASH_NAMES[algorithm]).update(data).digest()),
  tripleDesCbc: (direction, key, iv, data) => run('des-ede3-cbc', direction, tripleKey(key), iv, data, 8),
  desBlock(direction, key, block) {
    if (key.length !== 8) throw new RangeError(`DES takes an 8-byte key, got ${key.length}`);
    // Single DES is in OpenSSL 3's legacy provider only; EDE with K ‖ K ‖ K is the same cipher.
    const triple = new Uint8Array(24);
    triple.set(key, 0);
    triple.set(key, 8);
    triple.set(key, 16);
    return run('des-ede3', direction, triple, null, block, 8);
  },
  aesCbc: (direction, key, iv, data) => run(aesName(key, 'cbc'), direction, key, iv, data, 16),
  aesBlock: (direction, key, block) => run(aesName(key, 'ecb'), direction, key, null, block, 16),
  randomBytes: (length) => new Uint8Array(randomBytes(length)),
};
