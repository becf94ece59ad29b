import { createHash, X509Certificate } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeOid } from '../../../../domain/chip/der.js';
import { LdsError } from '../../../../domain/chip/lds/lds-error.js';
import { readAlgorithmIdentifier, signatureSchemeOf } from '../../../../domain/chip/signature-algorithms.js';
import { ID_LDS_SECURITY_OBJECT, parseSod, type SecurityObject } from '../../../../domain/chip/sod.js';
import { encodeTlv, readTlv, readTlvs } from '../../../../domain/chip/tlv.js';
import { parseCertificate } from '../../../../domain/chip/x509.js';
import { certificateDer, chipSamplesUnavailable, generateSod, makeVnSample, temporaryDirectory } from '../../../support/chip-samples.js';
import { hexOfBytes } from '../../../support/hex.js';

const hex = hexOfBytes;
const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

const unavailable = chipSamplesUnavailable();
describe.skipIf(unavailable !== null)(
  `EF.SOD and certificates from the card emulator's generator${unavailable === null ? '' : ` (skipped: ${unavailable})`}`,
  () => {
    const work = temporaryDirectory();
    const pki = join(work.dir, 'pki');
    let dg1: Uint8Array;
    let dg13: Uint8Array;
    let sod: SecurityObject;
    afterAll(() => work.remove());
    beforeAll(() => {
      ({ dg1, dg13 } = makeVnSample(work.dir));
      sod = parseSod(generateSod(pki, { 1: dg1, 13: dg13 }, 'brainpoolP256r1'));
    });

    it('reads the LDSSecurityObject: version, hash algorithm and the hash of each data group', () => {
      expect(sod.version).toBe(0);
      expect(sod.hash).toBe('SHA-256');
      expect([...sod.dataGroupHashes.keys()]).toEqual([1, 13]);
      expect(hex(sod.dataGroupHashes.get(1) as Uint8Array)).toBe(sha256(dg1));
      expect(hex(sod.dataGroupHashes.get(13) as Uint8Array)).toBe(sha256(dg13));
      expect(sod.contentType).toBe(ID_LDS_SECURITY_OBJECT);
    });

    it('reads the signer: digest, signed attributes as a SET, content type, message digest, ECDSA signature', () => {
      expect(sod.signer.digest).toBe('SHA-256');
      expect(sod.signer.signedAttributes[0]).toBe(0x31);
      expect(readTlv(sod.signer.signedAttributes).end).toBe(sod.signer.signedAttributes.length);
      expect(sod.signer.contentType).toBe(ID_LDS_SECURITY_OBJECT);
      expect(hex(sod.signer.messageDigest as Uint8Array)).toBe(sha256(sod.content));
      expect(signatureSchemeOf(sod.signer.signatureAlgorithm, sod.signer.digest)).toEqual({ kind: 'ecdsa', hash: 'SHA-256', encoding: 'der' });
    });

    it('finds the document signer certificate the signer identifier names, read as OpenSSL reads it', () => {
      const signer = sod.documentSigner;
      expect(signer).toBeDefined();
      const expected = new X509Certificate(Buffer.from(certificateDer(join(pki, 'ds.pem'))));
      expect(Buffer.from(signer?.der ?? []).equals(expected.raw)).toBe(true);
      expect(signer?.notBefore).toBe(Date.parse(expected.validFrom));
      expect(signer?.notAfter).toBe(Date.parse(expected.validTo));
      expect(hex(signer?.serialNumber ?? new Uint8Array())).toBe(expected.serialNumber.toLowerCase().padStart(2, '0'));
      expect(Buffer.from(signer?.publicKey.der ?? []).equals(expected.publicKey.export({ type: 'spki', format: 'der' }))).toBe(true);
      expect(signer?.publicKey.keyType).toBe('ec');
      const csca = parseCertificate(certificateDer(join(pki, 'csca.pem')));
      expect(hex(csca.subject)).toBe(hex(signer?.issuer ?? new Uint8Array()));
      expect(hex(csca.subjectKeyIdentifier ?? new Uint8Array())).toBe(hex(signer?.authorityKeyIdentifier ?? Uint8Array.of(1)));
      expect(expected.verify(new X509Certificate(Buffer.from(csca.der)).publicKey)).toBe(true);
    });

    /** `sod` with SignedData's parts (version … signerInfos) replaced by what `change` makes of them. */
    function withSignedDataParts(bytes: Uint8Array, change: (parts: Uint8Array[]) => Uint8Array[]): Uint8Array {
      const contentInfo = readTlv(readTlv(bytes).value);
      const [type, explicit] = readTlvs(contentInfo.value);
      if (type === undefined || explicit === undefined) throw new Error('not a ContentInfo');
      const signedData = readTlv(explicit.value);
      const parts = readTlvs(signedData.value).map((part) => signedData.value.subarray(part.start, part.end));
      return encodeTlv(0x77, encodeTlv(0x30, contentInfo.value.subarray(type.start, type.end), encodeTlv(0xa0, encodeTlv(0x30, ...change(parts)))));
    }

    it('reads a SOD rebuilt unchanged, and refuses unexpected parts in SignedData or its SignerInfo', () => {
      const bytes = generateSod(pki, { 1: dg1 });
      expect(hex(withSignedDataParts(bytes, (parts) => parts))).toBe(hex(bytes));
      const extra = encodeTlv(0xa5, Uint8Array.of(1));
      const inSignedData = withSignedDataParts(bytes, (parts) => [...parts.slice(0, -1), extra, ...parts.slice(-1)]);
      expect(() => parseSod(inSignedData)).toThrow(/^EF\.SOD: SignedData holds unexpected parts/);
      const inSignerInfo = withSignedDataParts(bytes, (parts) => {
        const signerInfo = readTlv(readTlv(parts[parts.length - 1] as Uint8Array).value);
        return [...parts.slice(0, -1), encodeTlv(0x31, encodeTlv(0x30, signerInfo.value, extra))];
      });
      expect(() => parseSod(inSignerInfo)).toThrow(/^EF\.SOD: SignerInfo holds unexpected parts/);
    });

    it.each([
      ['a truncated object', (bytes: Uint8Array) => bytes.subarray(0, bytes.length - 10)],
      ['another file', (bytes: Uint8Array) => Uint8Array.from([0x76, ...bytes.subarray(1)])],
    ])('refuses %s, naming EF.SOD', (_case, change) => {
      const bytes = generateSod(pki, { 1: dg1 });
      expect(() => parseSod(change(bytes))).toThrow(LdsError);
      expect(() => parseSod(change(bytes))).toThrow(/^EF\.SOD: /);
    });
  },
);

describe('signature algorithm identifiers', () => {
  const oid = (dotted: string): Uint8Array => encodeTlv(0x06, encodeOid(dotted));
  const algorithm = (dotted: string, ...parameters: Uint8Array[]) => readAlgorithmIdentifier(readTlv(encodeTlv(0x30, oid(dotted), ...parameters)), 'test');
  const sha = (dotted: string): Uint8Array => encodeTlv(0x30, oid(dotted));

  it('reads RSASSA-PSS parameters: hash, MGF1 hash, salt length; refuses a mask hash unlike the message hash', () => {
    const pss = (maskHash: string) =>
      encodeTlv(
        0x30,
        encodeTlv(0xa0, sha('2.16.840.1.101.3.4.2.1')),
        encodeTlv(0xa1, encodeTlv(0x30, oid('1.2.840.113549.1.1.8'), sha(maskHash))),
        encodeTlv(0xa2, encodeTlv(0x02, Uint8Array.of(32))),
      );
    expect(signatureSchemeOf(algorithm('1.2.840.113549.1.1.10', pss('2.16.840.1.101.3.4.2.1')))).toEqual({ kind: 'rsa-pss', hash: 'SHA-256', saltLength: 32 });
    expect(signatureSchemeOf(algorithm('1.2.840.113549.1.1.10', pss('1.3.14.3.2.26')))).toBeUndefined();
    expect(signatureSchemeOf(algorithm('1.2.840.113549.1.1.10', encodeTlv(0x30)))).toEqual({ kind: 'rsa-pss', hash: 'SHA-1', saltLength: 20 });
  });

  it('takes the hash of a key-type-only algorithm from the digest algorithm, and knows the named ones', () => {
    expect(signatureSchemeOf(algorithm('1.2.840.113549.1.1.1'), 'SHA-512')).toEqual({ kind: 'rsa-pkcs1-v1_5', hash: 'SHA-512' });
    expect(signatureSchemeOf(algorithm('1.2.840.113549.1.1.1'))).toBeUndefined();
    expect(signatureSchemeOf(algorithm('1.2.840.113549.1.1.11'))).toEqual({ kind: 'rsa-pkcs1-v1_5', hash: 'SHA-256' });
    expect(signatureSchemeOf(algorithm('1.2.840.10045.4.3.4'))).toEqual({ kind: 'ecdsa', hash: 'SHA-512', encoding: 'der' });
    expect(signatureSchemeOf(algorithm('1.2.840.10045.2.1'), 'SHA-224')).toEqual({ kind: 'ecdsa', hash: 'SHA-224', encoding: 'der' });
    expect(signatureSchemeOf(algorithm('1.3.101.112'))).toBeUndefined();
  });
});
