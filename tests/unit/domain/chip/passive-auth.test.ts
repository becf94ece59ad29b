import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chipAuthenticity, passiveAuthenticate, type PassiveAuthInput } from '../../../../domain/chip/passive-auth.js';
import { UnsupportedKeyError, type ChipSignatureVerifier } from '../../../../domain/chip/signature-verifier.js';
import { parseSod } from '../../../../domain/chip/sod.js';
import { parseCertificate, type Certificate } from '../../../../domain/chip/x509.js';
import { nodeChipCrypto } from '../../../../drivers/chip/node-chip-crypto.js';
import { nodeChipSignatureVerifier } from '../../../../drivers/chip/node-signature-verifier.js';
import { certificateDer, chipSamplesUnavailable, generateSod, makeVnSample, temporaryDirectory, type VnSample } from '../../../support/chip-samples.js';

/**
 * Passive authentication against EF.SODs signed by the card emulator's generator (gen_sod.py:
 * openssl CMS under a throw-away CSCA), so signing and checking are independent code.
 */
const unavailable = chipSamplesUnavailable();
const ports = { crypto: nodeChipCrypto, verifier: nodeChipSignatureVerifier };
const flipBit = (bytes: Uint8Array, at: number): void => {
  bytes[at] = (bytes[at] ?? 0) ^ 0x01;
};

describe.skipIf(unavailable !== null)(`passive authentication of the card emulator's EF.SOD${unavailable === null ? '' : ` (skipped: ${unavailable})`}`, () => {
  const work = temporaryDirectory();
  let sample: VnSample;
  let dataGroups: Map<number, Uint8Array>;
  const sods = new Map<string, { sod: Uint8Array; csca: Certificate }>();
  /** After the certificates were made: openssl dates them from the second they were issued. */
  let scanTime = 0;
  afterAll(() => work.remove());

  beforeAll(() => {
    sample = makeVnSample(work.dir);
    dataGroups = new Map([
      [1, sample.dg1],
      [13, sample.dg13],
    ]);
    for (const key of ['rsa', 'brainpoolP256r1', 'brainpoolP512r1']) {
      const pki = join(work.dir, `pki-${key}`);
      const sod = generateSod(pki, Object.fromEntries(dataGroups), key);
      sods.set(key, { sod, csca: parseCertificate(certificateDer(join(pki, 'csca.pem'))) });
    }
    scanTime = Date.now();
  });

  const input = (key: string, changes: Partial<PassiveAuthInput> = {}): PassiveAuthInput => {
    const signed = sods.get(key);
    if (signed === undefined) throw new Error(`no SOD for ${key}`);
    return { sod: signed.sod, dataGroups, trustedCscas: [signed.csca], now: scanTime, ...changes };
  };

  it.each(['rsa', 'brainpoolP256r1', 'brainpoolP512r1'])('verifies a good SOD of a %s document signer under the test CSCA', (key) => {
    const result = passiveAuthenticate(input(key), ports);
    expect(result).toEqual({
      outcome: 'chip-verified',
      reason: { code: 'chip.pa.verified', vi: 'Chip hợp lệ: dữ liệu do cơ quan cấp thẻ ký', en: 'Chip verified: the data is signed by the issuing authority' },
      checkedDataGroups: [1, 13],
    });
    expect(chipAuthenticity(result.outcome)).toBe('chip-verified');
  });

  it('verifies a SOD signed with RSASSA-PSS by the same generator', () => {
    const pki = join(work.dir, 'pki-rsa');
    const sod = generateSod(pki, Object.fromEntries(dataGroups), 'rsa', { pss: true });
    expect(parseSod(sod).signer.signatureAlgorithm.oid).toBe('1.2.840.113549.1.1.10');
    expect(passiveAuthenticate(input('rsa', { sod }), ports)).toMatchObject({ outcome: 'chip-verified', checkedDataGroups: [1, 13] });
    const flipped = Uint8Array.from(sod);
    const signature = parseSod(flipped).signer.signature;
    flipBit(signature, 7);
    expect(passiveAuthenticate(input('rsa', { sod: flipped }), ports).outcome).toBe('chip-altered');
  });

  it('finds the data intact but its issuer unknown under another CSCA, or none', () => {
    const other = sods.get('brainpoolP256r1')?.csca as Certificate;
    const result = passiveAuthenticate(input('rsa', { trustedCscas: [other] }), ports);
    expect(result.outcome).toBe('chip-integrity-only');
    expect(result.reason.code).toBe('chip.pa.csca-unknown');
    expect(result.checkedDataGroups).toEqual([1, 13]);
    expect(chipAuthenticity(result.outcome)).toBe('unsigned');
    expect(passiveAuthenticate(input('rsa', { trustedCscas: [] }), ports).outcome).toBe('chip-integrity-only');
  });

  it('checks the signer certificate’s signature: a CSCA of the same name and key identifier but another key does not vouch for it', () => {
    const real = sods.get('rsa')?.csca as Certificate;
    const impostor: Certificate = { ...real, publicKey: (sods.get('brainpoolP256r1')?.csca as Certificate).publicKey };
    const result = passiveAuthenticate(input('rsa', { trustedCscas: [impostor] }), ports);
    expect(result).toMatchObject({ outcome: 'chip-integrity-only', reason: { code: 'chip.pa.csca-unknown' } });
    expect(passiveAuthenticate(input('rsa', { trustedCscas: [impostor, real] }), ports).outcome).toBe('chip-verified');
  });

  it('names DG13 when it was altered after signing', () => {
    const altered = Uint8Array.from(sample.dg13);
    const name = Buffer.from(altered).indexOf('Nguyễn Văn A', 0, 'utf8');
    altered[name + Buffer.byteLength('Nguyễn Văn ')] = 'B'.charCodeAt(0);
    const result = passiveAuthenticate(input('brainpoolP256r1', { dataGroups: new Map([...dataGroups, [13, altered]]) }), ports);
    expect(result).toMatchObject({ outcome: 'chip-altered', dataGroup: 13, checkedDataGroups: [1] });
    expect(result.reason).toEqual({
      code: 'chip.pa.dg-hash-mismatch',
      vi: 'Dữ liệu chip đã bị thay đổi sau khi ký (DG13)',
      en: 'Chip data was altered after it was signed (DG13)',
    });
    expect(chipAuthenticity(result.outcome)).toBe('invalid');
  });

  it('finds a SOD whose signature has a flipped byte altered', () => {
    for (const key of ['rsa', 'brainpoolP512r1']) {
      const sod = Uint8Array.from(sods.get(key)?.sod ?? []);
      const signature = parseSod(sod).signer.signature; // a view into `sod`
      flipBit(signature, signature.length >> 1);
      const result = passiveAuthenticate(input(key, { sod }), ports);
      expect(result.outcome).toBe('chip-altered');
      expect(result.reason.code).toBe('chip.pa.signature-invalid');
    }
  });

  it('finds a signed hash changed inside the SOD altered: the signed digest no longer matches', () => {
    const sod = Uint8Array.from(sods.get('rsa')?.sod ?? []);
    const dg13Hash = parseSod(sod).dataGroupHashes.get(13) as Uint8Array;
    flipBit(dg13Hash, 0);
    const result = passiveAuthenticate(input('rsa', { sod, dataGroups: new Map([[1, sample.dg1]]) }), ports);
    expect(result.outcome).toBe('chip-altered');
    expect(result.reason.code).toBe('chip.pa.content-mismatch');
  });

  it('finds a data group the SOD does not sign altered', () => {
    const dg2 = Uint8Array.from([0x75, 0x00]);
    const result = passiveAuthenticate(input('rsa', { dataGroups: new Map([...dataGroups, [2, dg2]]) }), ports);
    expect(result).toMatchObject({ outcome: 'chip-altered', dataGroup: 2, reason: { code: 'chip.pa.dg-not-signed' } });
  });

  it('does not verify a signer certificate outside its validity at the scan', () => {
    const signer = parseSod(sods.get('rsa')?.sod as Uint8Array).documentSigner as Certificate;
    for (const now of [signer.notBefore - 1000, signer.notAfter + 1000]) {
      const result = passiveAuthenticate(input('rsa', { now }), ports);
      expect(result.outcome).toBe('chip-integrity-only');
      expect(result.reason.code).toBe('chip.pa.signer-outside-validity');
    }
  });

  it('refuses to call a chip verified when no data group was given', () => {
    expect(() => passiveAuthenticate(input('rsa', { dataGroups: new Map() }), ports)).toThrow(RangeError);
  });

  it('proves nothing either way from an unreadable SOD or a key the port cannot load', () => {
    const truncated = (sods.get('rsa')?.sod as Uint8Array).subarray(0, 200);
    expect(passiveAuthenticate(input('rsa', { sod: truncated }), ports)).toMatchObject({
      outcome: 'chip-unverified',
      reason: { code: 'chip.pa.sod-unreadable' },
    });
    const cannotLoad: ChipSignatureVerifier = {
      verify: () => {
        throw new UnsupportedKeyError('explicit curve parameters');
      },
    };
    const result = passiveAuthenticate(input('brainpoolP256r1'), { ...ports, verifier: cannotLoad });
    expect(result).toMatchObject({ outcome: 'chip-unverified', reason: { code: 'chip.pa.unsupported' } });
    expect(chipAuthenticity(result.outcome)).toBe('unsigned');
  });
});
