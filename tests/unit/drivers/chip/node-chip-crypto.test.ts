import { describe, expect, it } from 'vitest';
import { nodeChipCrypto as crypto } from '../../../../drivers/chip/node-chip-crypto.js';
import { bytesOfHex, hexOfBytes } from '../../../support/hex.js';

const hex = bytesOfHex;
const toHex = hexOfBytes;

describe('ChipCrypto on node:crypto', () => {
  it('single DES: the FIPS 81 / NBS known answer', () => {
    // Key 0123456789ABCDEF, plaintext "Now is t" → 3FA40E8A984D4815.
    expect(toHex(crypto.desBlock('encrypt', hex('0123456789abcdef'), new TextEncoder().encode('Now is t')))).toBe('3fa40e8a984d4815');
    expect(new TextDecoder().decode(crypto.desBlock('decrypt', hex('0123456789abcdef'), hex('3fa40e8a984d4815')))).toBe('Now is t');
  });

  it('two-key triple DES equals single DES when K1 = K2', () => {
    const key = hex('0123456789abcdef');
    const twice = new Uint8Array([...key, ...key]);
    expect(toHex(crypto.tripleDesCbc('encrypt', twice, new Uint8Array(8), new TextEncoder().encode('Now is t')))).toBe('3fa40e8a984d4815');
  });

  it('AES-128: the FIPS 197 appendix C.1 known answer, ECB block and CBC with a zero IV', () => {
    const key = hex('000102030405060708090a0b0c0d0e0f');
    const plain = hex('00112233445566778899aabbccddeeff');
    expect(toHex(crypto.aesBlock('encrypt', key, plain))).toBe('69c4e0d86a7b0430d8cdb78070b4c55a');
    expect(toHex(crypto.aesCbc('encrypt', key, new Uint8Array(16), plain))).toBe('69c4e0d86a7b0430d8cdb78070b4c55a');
    expect(toHex(crypto.aesBlock('decrypt', key, hex('69c4e0d86a7b0430d8cdb78070b4c55a')))).toBe(toHex(plain));
  });

  it('refuses data that is not whole blocks and keys of the wrong size', () => {
    expect(() => crypto.aesCbc('encrypt', new Uint8Array(16), new Uint8Array(16), new Uint8Array(15))).toThrow(RangeError);
    expect(() => crypto.tripleDesCbc('encrypt', new Uint8Array(24), new Uint8Array(8), new Uint8Array(8))).toThrow(RangeError);
    expect(() => crypto.desBlock('encrypt', new Uint8Array(16), new Uint8Array(8))).toThrow(RangeError);
  });

  it('hashes by the names ICAO uses', () => {
    expect(toHex(crypto.hash('SHA-1', new TextEncoder().encode('abc')))).toBe('a9993e364706816aba3e25717850c26c9cd0d89d');
    expect(toHex(crypto.hash('SHA-256', new Uint8Array()))).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });
});
