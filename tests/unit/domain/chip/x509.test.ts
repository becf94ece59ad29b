import { describe, expect, it } from 'vitest';
import { DerError } from '../../../../domain/chip/der.js';
import { encodeTlv, readTlv } from '../../../../domain/chip/tlv.js';
import { parseCertificate, timeOf } from '../../../../domain/chip/x509.js';
import { makeCertificate, makeCsca } from '../../../support/test-certificates.js';

const time = (tag: number, text: string) => readTlv(encodeTlv(tag, new TextEncoder().encode(text)));

describe('certificate times', () => {
  it('reads UTCTime with RFC 5280’s century rule and GeneralizedTime', () => {
    expect(timeOf(time(0x17, '491231235959Z'))).toBe(Date.UTC(2049, 11, 31, 23, 59, 59));
    expect(timeOf(time(0x17, '500101000000Z'))).toBe(Date.UTC(1950, 0, 1));
    expect(timeOf(time(0x18, '20510228120000Z'))).toBe(Date.UTC(2051, 1, 28, 12));
  });

  it.each([
    ['a local time', 0x17, '491231235959'],
    ['an offset', 0x18, '20510228120000+0700'],
    ['a day that does not exist', 0x17, '250230000000Z'],
    ['an hour past 23', 0x18, '20250101240000Z'],
    ['another tag', 0x13, '491231235959Z'],
  ])('refuses %s', (_case, tag, text) => {
    expect(() => timeOf(time(tag, text))).toThrow(DerError);
  });
});

describe('certificate extensions a CSCA is checked by', () => {
  it('reads basicConstraints cA and the keyUsage bits set', () => {
    const csca = parseCertificate(makeCsca('CSCA Test').der);
    expect(csca.basicConstraintsCa).toBe(true);
    expect(csca.keyUsage).toEqual(['keyCertSign', 'cRLSign']);
    const leaf = parseCertificate(makeCertificate({ cn: 'Leaf', ca: false, keyUsageBits: [0] }).der);
    expect(leaf.basicConstraintsCa).toBe(false);
    expect(leaf.keyUsage).toEqual(['digitalSignature']);
    const decipher = parseCertificate(makeCertificate({ cn: 'Bit 8', ca: true, keyUsageBits: [8] }).der);
    expect(decipher.keyUsage).toEqual(['decipherOnly']);
  });

  it('leaves both absent when the certificate has no such extension', () => {
    const bare = parseCertificate(makeCertificate({ cn: 'Bare' }).der);
    expect(bare.basicConstraintsCa).toBeUndefined();
    expect(bare.keyUsage).toBeUndefined();
  });
});
