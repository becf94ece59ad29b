import { describe, expect, it } from 'vitest';
import { encodeLength, encodeTlv, findTlv, isConstructed, readTlv, readTlvs, TlvError, tlvTotalLength } from '../../../../domain/chip/tlv.js';
import { bytesOfHex, hexOfBytes } from '../../../support/hex.js';

const hex = bytesOfHex;
const toHex = hexOfBytes;

describe('BER-TLV', () => {
  it('reads one- and two-byte tags and short and long lengths', () => {
    // EF.COM of ICAO 9303-10 §4.6.1 in shape: 60 { 5F01 "0107", 5F36 "040000", 5C tag list }.
    const com = hex('60 16 5F01 04 30313037 5F36 06 303430303030 5C 04 6175636D');
    const outer = readTlv(com);
    expect(outer.tag).toBe(0x60);
    expect(outer.end).toBe(com.length);
    const inner = readTlvs(outer.value);
    expect(inner.map((tlv) => tlv.tag)).toEqual([0x5f01, 0x5f36, 0x5c]);
    expect(toHex(findTlv(outer.value, 0x5c)?.value ?? new Uint8Array())).toBe('6175636d');
    const long = new Uint8Array([0x75, 0x82, 0x01, 0x00, ...new Uint8Array(256)]);
    expect(readTlv(long).value.length).toBe(256);
    expect(readTlv(hex('7F49 03 860100')).tag).toBe(0x7f49);
  });

  it('says how long a file is from its first bytes, or that it needs more', () => {
    expect(tlvTotalLength(hex('75 82 79 4F'))).toBe(4 + 0x794f);
    expect(tlvTotalLength(hex('6D 81 80'))).toBe(3 + 0x80);
    expect(tlvTotalLength(hex('75 82 79'))).toBeUndefined();
    expect(tlvTotalLength(hex('5F'))).toBeUndefined();
  });

  it.each([
    ['a value past the end', '61 05 0102'],
    ['a truncated length', '61 82 01'],
    ['indefinite length', '61 80 0000'],
    ['five length bytes', '61 85 0000000001 00'],
    ['a tag longer than three bytes', '7F FF FF 01 00'],
    ['a length beyond the cap', '61 84 7FFFFFFF'],
  ])('refuses %s', (_label, bytes) => {
    expect(() => readTlvs(hex(bytes))).toThrow(TlvError);
  });

  it('encodes as DER: shortest lengths, tags as given', () => {
    expect(toHex(encodeLength(0x7f))).toBe('7f');
    expect(toHex(encodeLength(0x80))).toBe('8180');
    expect(toHex(encodeLength(0x1234))).toBe('821234');
    expect(toHex(encodeTlv(0x7f49, hex('06 02 0400'), hex('86 01 04')))).toBe('7f4907060204008601 04'.replace(/\s/g, ''));
    const big = encodeTlv(0x87, new Uint8Array(300));
    expect(toHex(big.subarray(0, 4))).toBe('8782012c');
    expect(readTlv(big).value.length).toBe(300);
  });

  it('knows constructed tags', () => {
    expect(isConstructed(0x7c)).toBe(true);
    expect(isConstructed(0x7f49)).toBe(true);
    expect(isConstructed(0x87)).toBe(false);
    expect(isConstructed(0x5f1f)).toBe(false);
  });
});
