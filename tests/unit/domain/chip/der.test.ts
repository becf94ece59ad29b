import { describe, expect, it } from 'vitest';
import {
  contextTag,
  decodeInteger,
  decodeOid,
  decodeSmallInteger,
  DER,
  DerError,
  derChildren,
  encodeOid,
  expectTag,
  readDerElement,
} from '../../../../domain/chip/der.js';
import { TlvError } from '../../../../domain/chip/tlv.js';
import { bytesOfHex, hexOfBytes } from '../../../support/hex.js';

const hex = bytesOfHex;
const toHex = hexOfBytes;

describe('DER object identifiers', () => {
  it.each([
    // id-PACE-ECDH-GM-AES-CBC-CMAC-128 (ICAO 9303-11 §9.2.1 / BSI TR-03110).
    ['04007f00070202040202', '0.4.0.127.0.7.2.2.4.2.2'],
    // sha256 (NIST): a two-byte arc (840) and a one-byte arc past 127 split in two groups.
    ['608648016503040201', '2.16.840.1.101.3.4.2.1'],
    // id-ecPublicKey (X9.62).
    ['2a8648ce3d0201', '1.2.840.10045.2.1'],
    // 2.999: the first subidentifier itself runs over two octets.
    ['8837', '2.999'],
  ])('decodes and encodes %s as %s', (content, dotted) => {
    expect(decodeOid(hex(content))).toBe(dotted);
    expect(toHex(encodeOid(dotted))).toBe(content);
  });

  it('keeps arcs beyond 2^53 exact (UUID-based OIDs under 2.25)', () => {
    const dotted = '2.25.329800735698586629295641978511506172918';
    expect(decodeOid(encodeOid(dotted))).toBe(dotted);
  });

  it.each([
    ['empty', ''],
    ['a subidentifier with a leading 0x80 group', '2a808648'],
    ['content ending inside a subidentifier', '2a86'],
  ])('refuses %s', (_what, content) => {
    expect(() => decodeOid(hex(content))).toThrow(DerError);
  });

  it.each(['', '3.1', '1', '1.40', '0.4.01', '1.2.x'])('refuses to encode "%s"', (dotted) => {
    expect(() => encodeOid(dotted)).toThrow(RangeError);
  });
});

describe('DER integers', () => {
  it.each([
    ['00', 0n],
    ['7f', 127n],
    ['0080', 128n],
    ['ff', -1n],
    ['80', -128n],
    ['ff7f', -129n],
    ['00ffffffffffffffffffffffff', (1n << 96n) - 1n],
  ])('decodes %s as %s', (content, value) => {
    expect(decodeInteger(hex(content))).toBe(value);
  });

  it.each(['', '0001', 'ff80'])('refuses "%s" (empty, or not in its shortest form)', (content) => {
    expect(() => decodeInteger(hex(content))).toThrow(DerError);
  });

  it('reads small non-negative numbers and refuses negative or huge ones', () => {
    expect(decodeSmallInteger(hex('0d'), 'parameter id')).toBe(13);
    expect(() => decodeSmallInteger(hex('ff'), 'parameter id')).toThrow(/parameter id: -1/);
    expect(() => decodeSmallInteger(hex('0100000000000000'), 'version')).toThrow(DerError);
  });
});

describe('DER structure', () => {
  it('walks a SET of SEQUENCEs and checks tags on the way', () => {
    // A SecurityInfos holding one PACEInfo: SET { SEQUENCE { OID, INTEGER 2, INTEGER 13 } }.
    const file = hex('3114 3012 060a 04007f00070202040202 020102 02010d');
    const set = readDerElement(file, 'EF.CardAccess');
    const [info] = derChildren(set, DER.SET, 'SecurityInfos');
    const [oid, version, parameterId] = derChildren(info!, DER.SEQUENCE, 'SecurityInfo');
    expect(decodeOid(expectTag(oid!, DER.OBJECT_IDENTIFIER, 'protocol').value)).toBe('0.4.0.127.0.7.2.2.4.2.2');
    expect(decodeSmallInteger(version!.value, 'version')).toBe(2);
    expect(decodeSmallInteger(parameterId!.value, 'parameterId')).toBe(13);
    expect(() => derChildren(set, DER.SEQUENCE, 'SecurityInfos')).toThrow(/SecurityInfos: tag 31 where 30 was expected/);
  });

  it('refuses bytes after the element, and malformed lengths as the TLV reader does', () => {
    expect(() => readDerElement(hex('020101 00'), 'file')).toThrow(/1 bytes after the element/);
    expect(() => readDerElement(hex('3005 020101'), 'file')).toThrow(TlvError);
  });

  it('builds context-specific constructed tags', () => {
    expect(contextTag(0)).toBe(0xa0);
    expect(contextTag(3)).toBe(0xa3);
    expect(() => contextTag(31)).toThrow(RangeError);
  });
});
