import { describe, expect, it } from 'vitest';
import { multiplyPoint } from '../../../../../domain/chip/ec/arithmetic.js';
import { EcError } from '../../../../../domain/chip/ec/curve.js';
import { bigintToBytes, bytesToBigint, decodePoint, encodePoint } from '../../../../../domain/chip/ec/encoding.js';
import { STANDARD_CURVES } from '../../../../../domain/chip/ec/standard-curves.js';
import { bytesOfHex, hexOfBytes } from '../../../../support/hex.js';

const hex = bytesOfHex;
const toHex = (bytes: Uint8Array): string => hexOfBytes(bytes).toUpperCase();

// The card's mapping public key of ICAO 9303-11 Appendix G.1 (brainpoolP256r1).
const CARD_MAPPING_KEY = '04824FBA91C9CBE26BEF53A0EBE7342A3BF178CEA9F45DE0B70AA601651FBA3F5730D8C879AAA9C9F73991E61B58F4D52EB87A0A0C709A49DC63719363CCD13C54';
const curve = STANDARD_CURVES.brainpoolP256r1;

describe('octet strings', () => {
  it('encodes integers at a fixed length, leading zeros kept', () => {
    expect(toHex(bigintToBytes(0x0102n, 4))).toBe('00000102');
    expect(bytesToBigint(hex('00000102'))).toBe(0x102n);
    expect(() => bigintToBytes(0x10000n, 2)).toThrow(RangeError);
    expect(() => bigintToBytes(-1n, 2)).toThrow(RangeError);
  });

  it('keeps the full length of a secp521r1 coordinate (66 bytes, top byte mostly zero)', () => {
    const p521 = STANDARD_CURVES.secp521r1;
    const encoded = encodePoint(p521, p521.g);
    expect(encoded.length).toBe(1 + 2 * 66);
    expect(decodePoint(p521, encoded, 'G')).toEqual(p521.g);
  });
});

describe('uncompressed points', () => {
  it('round-trips the ICAO G.1 card mapping key', () => {
    const point = decodePoint(curve, hex(CARD_MAPPING_KEY), 'PK_map_IC');
    expect(point.x).toBe(0x824fba91c9cbe26bef53a0ebe7342a3bf178cea9f45de0b70aa601651fba3f57n);
    expect(toHex(encodePoint(curve, point))).toBe(CARD_MAPPING_KEY);
  });

  const valid = hex(CARD_MAPPING_KEY);
  // The last byte of y with its lowest bit flipped: same x, a y that does not solve the equation.
  const offCurve = Uint8Array.from([...valid.subarray(0, valid.length - 1), (valid.at(-1) ?? 0) ^ 0x01]);
  const xTooBig = encodeRaw(curve.p, 1n);
  const compressed = Uint8Array.from([0x02, ...valid.subarray(1, 33)]);
  const otherCurvePoint = encodePoint(STANDARD_CURVES.secp256r1, STANDARD_CURVES.secp256r1.g);

  it.each([
    ['the point at infinity', hex('00'), /the point at infinity/],
    ['a compressed point', compressed, /not an uncompressed point/],
    ['an empty string', new Uint8Array(0), /not an uncompressed point/],
    ['one byte short', valid.subarray(0, valid.length - 1), /64 bytes where brainpoolP256r1 points take 65|bytes where/],
    ['one byte long', Uint8Array.from([...valid, 0]), /bytes where brainpoolP256r1 points take 65/],
    ['a point off the curve', offCurve, /not a point of brainpoolP256r1/],
    ['x not below p', xTooBig, /not a point of brainpoolP256r1/],
    ['a P-256 point offered for brainpoolP256r1', otherCurvePoint, /not a point of brainpoolP256r1/],
  ])('refuses %s', (_what, bytes, message) => {
    expect(() => decodePoint(curve, bytes, 'PK_map_IC')).toThrow(EcError);
    expect(() => decodePoint(curve, bytes, 'PK_map_IC')).toThrow(message);
  });

  it('accepts every multiple of G it encodes', () => {
    for (const k of [2n, 3n, curve.n - 2n]) {
      const point = multiplyPoint(curve, k, curve.g);
      if (point === null) throw new Error('unexpected infinity');
      expect(decodePoint(curve, encodePoint(curve, point), 'kG')).toEqual(point);
    }
  });
});

function encodeRaw(x: bigint, y: bigint): Uint8Array {
  return Uint8Array.from([0x04, ...bigintToBytes(x, curve.size), ...bigintToBytes(y, curve.size)]);
}
