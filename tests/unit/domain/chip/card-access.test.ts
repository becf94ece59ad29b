import { describe, expect, it } from 'vitest';
import { CardAccessError, choosePaceOffer, parseCardAccess } from '../../../../domain/chip/card-access.js';
import { encodeOid } from '../../../../domain/chip/der.js';
import { encodeTlv } from '../../../../domain/chip/tlv.js';
import { bytesOfHex } from '../../../support/hex.js';

const hex = bytesOfHex;

const oid = (dotted: string): Uint8Array => encodeTlv(0x06, encodeOid(dotted));
const integer = (value: number): Uint8Array => encodeTlv(0x02, Uint8Array.of(value));
const sequence = (...parts: Uint8Array[]): Uint8Array => encodeTlv(0x30, ...parts);
const cardAccess = (...infos: Uint8Array[]): Uint8Array => encodeTlv(0x31, ...infos);
const paceInfo = (protocol: string, version: number, parameterId?: number): Uint8Array =>
  sequence(oid(protocol), integer(version), ...(parameterId === undefined ? [] : [integer(parameterId)]));

const ECDH_GM_AES_128 = '0.4.0.127.0.7.2.2.4.2.2';
const ECDH_GM_AES_256 = '0.4.0.127.0.7.2.2.4.2.4';
const ECDH_GM_3DES = '0.4.0.127.0.7.2.2.4.2.1';

describe('EF.CardAccess', () => {
  it('reads the ICAO 9303-11 Appendix G.1 file: ECDH-GM-AES-128 on brainpoolP256r1', () => {
    const access = parseCardAccess(hex('31143012060A04007F0007020204020202010202010D'));
    expect(access.refused).toEqual([]);
    expect(access.ambiguousDomainParameters).toBe(false);
    expect(access.offers).toHaveLength(1);
    const [offer] = access.offers;
    expect(offer?.oid).toBe(ECDH_GM_AES_128);
    expect(offer?.cipher).toBe('AES-128');
    expect(offer?.parameterId).toBe(13);
    expect(offer?.curve.name).toBe('brainpoolP256r1');
  });

  it('reads a 3DES offer (the New Zealand passport file of gmrtd pace/pace_test.go)', () => {
    const [offer] = parseCardAccess(hex('31143012060a04007f0007020204020102010202010d')).offers;
    expect(offer?.oid).toBe(ECDH_GM_3DES);
    expect(offer?.cipher).toBe('3DES');
  });

  it('keeps generic mapping and refuses chip authentication mapping beside it (gmrtd pace/pace_test.go, German ID card)', () => {
    const access = parseCardAccess(hex('31283012060a04007f000702020402040201020201103012060a04007f00070202040604020102020110'));
    expect(access.offers.map((offer) => [offer.oid, offer.cipher, offer.curve.name])).toEqual([[ECDH_GM_AES_256, 'AES-256', 'brainpoolP384r1']]);
    expect(access.refused).toEqual([
      expect.objectContaining({ oid: '0.4.0.127.0.7.2.2.4.6.4', parameterId: 16, reason: 'chip-authentication-mapping-not-supported' }),
    ]);
    // Both PACEInfos name parameter set 16: nothing is ambiguous.
    expect(access.ambiguousDomainParameters).toBe(false);
  });

  it.each([
    ['DH generic mapping', paceInfo('0.4.0.127.0.7.2.2.4.1.2', 2, 0), 'dh-not-supported'],
    ['DH integrated mapping', paceInfo('0.4.0.127.0.7.2.2.4.3.2', 2, 1), 'dh-not-supported'],
    ['ECDH integrated mapping', paceInfo('0.4.0.127.0.7.2.2.4.4.2', 2, 13), 'integrated-mapping-not-supported'],
    ['ECDH chip authentication mapping', paceInfo('0.4.0.127.0.7.2.2.4.6.2', 2, 13), 'chip-authentication-mapping-not-supported'],
    ['an unassigned family', paceInfo('0.4.0.127.0.7.2.2.4.5.2', 2, 13), 'unknown-pace-protocol'],
    ['an unassigned cipher', paceInfo('0.4.0.127.0.7.2.2.4.2.9', 2, 13), 'unknown-pace-protocol'],
    ['version 1', paceInfo(ECDH_GM_AES_128, 1, 13), 'unsupported-version'],
    ['no parameterId (explicit domain parameters)', paceInfo(ECDH_GM_AES_128, 2), 'missing-parameter-id'],
    ['a MODP group id under ECDH', paceInfo(ECDH_GM_AES_128, 2, 2), 'unsupported-parameter-id'],
    ['a reserved id', paceInfo(ECDH_GM_AES_128, 2, 5), 'unsupported-parameter-id'],
    ['a proprietary id', paceInfo(ECDH_GM_AES_128, 2, 32), 'unsupported-parameter-id'],
  ])('refuses %s with a reason', (_what, info, reason) => {
    const access = parseCardAccess(cardAccess(info));
    expect(access.offers).toEqual([]);
    expect(access.refused).toHaveLength(1);
    expect(access.refused[0]?.reason).toBe(reason);
    expect(access.refused[0]?.detail.length).toBeGreaterThan(10);
    expect(choosePaceOffer(access)).toBeUndefined();
  });

  it('skips SecurityInfos that are not PACEInfos', () => {
    const access = parseCardAccess(
      cardAccess(
        // ChipAuthenticationInfo (id-CA-ECDH-AES-CBC-CMAC-128, version 1) and TerminalAuthenticationInfo.
        sequence(oid('0.4.0.127.0.7.2.2.3.2.2'), integer(1)),
        sequence(oid('0.4.0.127.0.7.2.2.2'), integer(1)),
        // PACEDomainParameterInfo (id-PACE-ECDH-GM with an AlgorithmIdentifier): explicit parameters.
        sequence(oid('0.4.0.127.0.7.2.2.4.2'), sequence(oid('1.2.840.10045.2.1')), integer(32)),
        paceInfo(ECDH_GM_AES_128, 2, 12),
      ),
    );
    expect(access.offers.map((offer) => offer.curve.name)).toEqual(['secp256r1']);
    expect(access.refused).toEqual([]);
  });

  it('calls several parameter sets ambiguous and chooses the strongest cipher, then the larger curve', () => {
    const access = parseCardAccess(
      cardAccess(paceInfo(ECDH_GM_3DES, 2, 18), paceInfo(ECDH_GM_AES_128, 2, 12), paceInfo(ECDH_GM_AES_128, 2, 13), paceInfo(ECDH_GM_AES_128, 2, 16)),
    );
    expect(access.ambiguousDomainParameters).toBe(true);
    const chosen = choosePaceOffer(access);
    expect([chosen?.cipher, chosen?.parameterId]).toEqual(['AES-128', 16]);
    const sameStrength = parseCardAccess(cardAccess(paceInfo(ECDH_GM_AES_128, 2, 13), paceInfo(ECDH_GM_AES_128, 2, 12)));
    expect(choosePaceOffer(sameStrength)?.parameterId).toBe(13);
  });

  it.each([
    ['an empty file', ''],
    ['a SEQUENCE where the SET belongs', '30053003020102'],
    ['a truncated file', '31143012060A04007F00070202040202020102'],
    ['bytes after the SET', '3100 00'],
    ['a SecurityInfo that is not a SEQUENCE', '3103020102'],
    ['a SecurityInfo without its protocol', '31023000'],
    ['a protocol that is not an OID', '3105300302010d'],
    ['a PACEInfo without its version', '310E300C060A04007F00070202040202'],
    ['a version that is not an INTEGER', '3111300F060A04007F000702020402020401FF'],
    ['a negative parameterId', '31143012060A04007F000702020402020201020201FF'],
  ])('refuses %s as malformed', (_what, file) => {
    expect(() => parseCardAccess(hex(file))).toThrow(CardAccessError);
  });
});
