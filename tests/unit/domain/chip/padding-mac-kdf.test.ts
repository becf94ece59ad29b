import { describe, expect, it } from 'vitest';
import { nodeChipCrypto as crypto } from '../../../../drivers/chip/node-chip-crypto.js';
import { adjustDesParity, deriveKey } from '../../../../domain/chip/kdf.js';
import { aesCmac, retailMac } from '../../../../domain/chip/mac.js';
import { padIso9797, PaddingError, unpadIso9797 } from '../../../../domain/chip/padding.js';
import { bytesOfHex, hexOfBytes } from '../../../support/hex.js';

const hex = bytesOfHex;
const toHex = (bytes: Uint8Array): string => hexOfBytes(bytes).toUpperCase();

describe('ISO/IEC 9797-1 padding method 2', () => {
  it('adds 0x80 then zeros to the next block, a whole block when the data fills blocks', () => {
    expect(toHex(padIso9797(hex('011E'), 8))).toBe('011E800000000000');
    expect(toHex(padIso9797(hex('0102030405060708'), 8))).toBe('01020304050607088000000000000000');
    expect(toHex(padIso9797(new Uint8Array(), 16))).toBe('80000000000000000000000000000000');
  });

  it('unpads, and refuses bytes that are not padded', () => {
    expect(toHex(unpadIso9797(hex('60145F0180000000')))).toBe('60145F01');
    expect(toHex(unpadIso9797(hex('80')))).toBe('');
    expect(() => unpadIso9797(hex('60145F0100000000'))).toThrow(PaddingError);
    expect(() => unpadIso9797(hex('0000'))).toThrow(PaddingError);
    expect(() => unpadIso9797(new Uint8Array())).toThrow(PaddingError);
  });
});

describe('retail MAC (ISO/IEC 9797-1 MAC algorithm 3, padding method 2)', () => {
  it('ICAO 9303-11 Appendix D.3: M.IFD over E.IFD under Kmac', () => {
    const kMac = hex('7962D9ECE03D1ACD4C76089DCE131543');
    const eIfd = hex('72C29C2371CC9BDB65B779B8E8D37B29ECC154AA56A8799FAE2F498F76ED92F2');
    expect(toHex(retailMac(kMac, eIfd, crypto))).toBe('5F1448EEA8AD90A7');
  });

  it('ICAO 9303-11 Appendix D.4: CC of the protected SELECT EF.COM (N given unpadded, the MAC pads)', () => {
    const ksMac = hex('F1CB1F1FB5ADF208806B89DC579DC1F8');
    const n = hex('887022120C06C227 0CA4020C80000000 8709016375432908C044F6');
    expect(toHex(retailMac(ksMac, n, crypto))).toBe('BF8B92D635FF24F8');
  });

  it('refuses a key that is not K1 ‖ K2', () => {
    expect(() => retailMac(new Uint8Array(8), new Uint8Array(8), crypto)).toThrow(RangeError);
  });
});

describe('AES-CMAC: RFC 4493 §4 test vectors', () => {
  const key = hex('2b7e151628aed2a6abf7158809cf4f3c');
  const message = hex('6bc1bee22e409f96e93d7e117393172a ae2d8a571e03ac9c9eb76fac45af8e51 30c81c46a35ce411e5fbc1191a0a52ef f69f2445df4f9b17ad2b417be66c3710');
  it.each([
    [0, 'BB1D6929E95937287FA37D129B756746'],
    [16, '070A16B46B4D4144F79BDD9DD04A287C'],
    [40, 'DFA66747DE9AE63030CA32611497C827'],
    [64, '51F0BEBF7E3B9D92FC49741779363CFE'],
  ])('message of %i bytes', (length, expected) => {
    expect(toHex(aesCmac(key, message.subarray(0, length), crypto))).toBe(expected);
  });
});

describe('ICAO key derivation (9303-11 §9.7.1)', () => {
  it('Appendix D.2: Kenc and Kmac from the BAC key seed, parity adjusted', () => {
    const seed = hex('239AB9CB282DAF66231DC5A4DF6BFBAE');
    expect(toHex(deriveKey(seed, 1, '3DES', crypto))).toBe('AB94FDECF2674FDFB9B391F85D7F76F2');
    expect(toHex(deriveKey(seed, 2, '3DES', crypto))).toBe('7962D9ECE03D1ACD4C76089DCE131543');
  });

  it('Appendix D.3: BAC session keys from K.IC xor K.IFD', () => {
    const seed = hex('0036D272F5C350ACAC50C3F572D23600');
    expect(toHex(deriveKey(seed, 1, '3DES', crypto))).toBe('979EC13B1CBFE9DCD01AB0FED307EAE5');
    expect(toHex(deriveKey(seed, 2, '3DES', crypto))).toBe('F1CB1F1FB5ADF208806B89DC579DC1F8');
  });

  it('Appendix G.1: PACE AES-128 password key and session keys', () => {
    expect(toHex(deriveKey(hex('7E2D2A41C74EA0B38CD36F863939BFA8E9032AAD'), 3, 'AES-128', crypto))).toBe('89DED1B26624EC1E634C1989302849DD');
    const shared = hex('28768D20701247DAE81804C9E780EDE582A9996DB4A315020B2733197DB84925');
    expect(toHex(deriveKey(shared, 1, 'AES-128', crypto))).toBe('F5F0E35C0D7161EE6724EE513A0D9A7F');
    expect(toHex(deriveKey(shared, 2, 'AES-128', crypto))).toBe('FE251C7858B356B24514B3BD5F4297D1');
  });

  it('AES-192 and AES-256 take SHA-256 (vectors of gmrtd, cryptoutils/kdf_test.go)', () => {
    expect(toHex(deriveKey(hex('7E2D2A41C74EA0B38CD36F863939BFA8E9032AAD12345678'), 3, 'AES-192', crypto))).toBe(
      '4487BB60D75E55928AB2406733D060BB600C7FA4AEEAB92B',
    );
    expect(toHex(deriveKey(hex('7E2D2A41C74EA0B38CD36F863939BFA8E9032AAD12345678ABCDEF1234567890'), 3, 'AES-256', crypto))).toBe(
      'AC92515EDD0F4714CBB46C683CC1A66DEBB68B3CC34F29904DB757AC88988D31',
    );
  });

  it('DES parity: each byte gets odd parity in its lowest bit', () => {
    expect(toHex(adjustDesParity(hex('00 01 FE FF 80 AB94FCED')))).toBe('0101FEFE80AB94FDEC');
  });
});
