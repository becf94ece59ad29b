/**
 * The block ciphers, hashes and randomness the ICAO 9303 protocols (BAC, PACE, secure
 * messaging, passive and active authentication) need. The domain has no crypto of its own:
 * the core injects an implementation (drivers/chip/node-chip-crypto.ts, on node:crypto), and
 * tests inject one with fixed randomness to replay the ICAO worked examples value by value.
 *
 * Every cipher call is unpadded: the protocols pad themselves (ISO/IEC 9797-1 method 2), and a
 * length that is not a whole number of blocks is a programming error the implementation refuses.
 */
export type ChipHash = 'SHA-1' | 'SHA-224' | 'SHA-256' | 'SHA-384' | 'SHA-512';

export interface ChipCrypto {
  hash(algorithm: ChipHash, data: Uint8Array): Uint8Array;
  /** Two-key triple DES (K1 ‖ K2, 16 bytes) in CBC mode, as BAC and 3DES secure messaging use it. */
  tripleDesCbc(direction: 'encrypt' | 'decrypt', key: Uint8Array, iv: Uint8Array, data: Uint8Array): Uint8Array;
  /** Single DES, one 8-byte block (ECB): the inner steps of the ISO/IEC 9797-1 algorithm 3 retail MAC. */
  desBlock(direction: 'encrypt' | 'decrypt', key: Uint8Array, block: Uint8Array): Uint8Array;
  /** AES (16-, 24- or 32-byte key) in CBC mode. */
  aesCbc(direction: 'encrypt' | 'decrypt', key: Uint8Array, iv: Uint8Array, data: Uint8Array): Uint8Array;
  /** AES, one 16-byte block (ECB): the IV of AES secure messaging, E(KSenc, SSC), and CMAC. */
  aesBlock(direction: 'encrypt' | 'decrypt', key: Uint8Array, block: Uint8Array): Uint8Array;
  /** Fresh random bytes (challenges, nonces, ephemeral keys): the one source of randomness. */
  randomBytes(length: number): Uint8Array;
}
