import { constants, createHash, createPublicKey, sign } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  dccSigningCertificateFromDer,
  dccTrustListFromCertificates,
  loadDccTrustList,
  parseDccTrustListFile,
} from '../../../../../main/trust/dcc-trust-list.js';
import { createDccSigner, EKU, type DccSigner } from '../../../../support/dcc-fixtures.js';

const notBefore = new Date('2021-05-03T18:00:00Z');
const notAfter = new Date('2023-05-03T18:00:00Z');
const DATA = new TextEncoder().encode('["Signature1", …]');

let ec: DccSigner;
let rsa: DccSigner;
let p384: DccSigner;
let dir: string;

beforeAll(() => {
  ec = createDccSigner({ notBefore, notAfter, extendedKeyUsage: [EKU.test, '1.3.6.1.4.1.0.1847.2021.1.2'] });
  rsa = createDccSigner({ notBefore, notAfter, alg: 'PS256' });
  p384 = createDccSigner({ notBefore, notAfter, curve: 'P-384' });
  dir = mkdtempSync(join(tmpdir(), 'chot-dcc-trust-'));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('a DCC signing certificate from DER (node:crypto)', () => {
  it('has the kid, the validity period and the extended key usage of the certificate', () => {
    const certificate = dccSigningCertificateFromDer(ec.certificateDer);
    expect(certificate.kid).toEqual(new Uint8Array(createHash('sha256').update(ec.certificateDer).digest().subarray(0, 8)));
    expect(certificate.notBefore).toBe(notBefore.getTime());
    expect(certificate.notAfter).toBe(notAfter.getTime());
    expect(certificate.extendedKeyUsage).toEqual([EKU.test, '1.3.6.1.4.1.0.1847.2021.1.2']);
    expect(dccSigningCertificateFromDer(rsa.certificateDer).extendedKeyUsage).toEqual([]);
  });

  it('verifies ES256 as raw r‖s only, on P-256 only', () => {
    const certificate = dccSigningCertificateFromDer(ec.certificateDer);
    const raw = sign('sha256', DATA, { key: ec.privateKey, dsaEncoding: 'ieee-p1363' });
    expect(certificate.verify(-7, DATA, raw)).toBe(true);
    expect(certificate.verify(-7, DATA, sign('sha256', DATA, ec.privateKey))).toBe(false); // DER-encoded signature
    expect(certificate.verify(-7, Uint8Array.from([...DATA, 0]), raw)).toBe(false);
    expect(certificate.verify(-37, DATA, raw)).toBe(false);
    expect(certificate.verify(-35, DATA, raw)).toBe(false);
    const onP384 = dccSigningCertificateFromDer(p384.certificateDer);
    expect(onP384.verify(-7, DATA, sign('sha256', DATA, { key: p384.privateKey, dsaEncoding: 'ieee-p1363' }))).toBe(false);
  });

  it('verifies PS256 with a 32-byte salt, and refuses the wrong algorithm for an RSA key', () => {
    const certificate = dccSigningCertificateFromDer(rsa.certificateDer);
    const signature = sign('sha256', DATA, { key: rsa.privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 });
    expect(certificate.verify(-37, DATA, signature)).toBe(true);
    expect(certificate.verify(-7, DATA, signature)).toBe(false);
  });

  it('refuses what is not a certificate', () => {
    expect(() => dccTrustListFromCertificates(['bm90IGEgY2VydGlmaWNhdGU='])).toThrow(/certificate 1 is not a readable X.509 certificate/);
  });
});

describe('the trust list and its file', () => {
  it('finds certificates by kid', () => {
    const trust = dccTrustListFromCertificates([ec.certificateBase64, rsa.certificateBase64]);
    expect(trust.byKid(ec.kid).map((c) => c.notAfter)).toEqual([notAfter.getTime()]);
    expect(trust.byKid(rsa.kid)).toHaveLength(1);
    expect(trust.byKid(p384.kid)).toEqual([]);
    expect(trust.byKid(new Uint8Array(0))).toEqual([]);
  });

  it('reads a file of base64 strings and {certificate} objects, plus certificates given directly', () => {
    const file = join(dir, 'dcc-trust-list.json');
    writeFileSync(file, JSON.stringify([ec.certificateBase64, { certificate: rsa.certificateBase64, country: 'VN' }]));
    const trust = loadDccTrustList({ files: [file], base64Certificates: [p384.certificateBase64] });
    for (const signer of [ec, rsa, p384]) expect(trust.byKid(signer.kid)).toHaveLength(1);
  });

  it('indexes a certificate under the key id its list entry gives (the gateway form, rawData), not the default id', () => {
    // The id of a raw key wrapped in a certificate: computed over the public key, not the certificate.
    const spkiKid = createHash('sha256').update(publicKeyDer(ec)).digest().subarray(0, 8);
    const file = join(dir, 'gateway.json');
    writeFileSync(file, JSON.stringify([{ kid: spkiKid.toString('base64'), country: 'VN', certificateType: 'DSC', rawData: ec.certificateBase64 }]));
    const trust = loadDccTrustList({ files: [file] });
    expect(trust.byKid(new Uint8Array(spkiKid))).toHaveLength(1);
    expect(trust.byKid(ec.kid)).toEqual([]);
  });

  it.each([
    ['[{"certificate": "AAAA", "kid": 12}]', /entry 1 has a "kid" that is not a base64 string/],
    ['[{"certificate": "AAAA", "kid": "not base64!"}]', /entry 1 has a kid that is not a base64 key id/],
    ['[{"certificate": "AAAA", "kid": ""}]', /entry 1 has a kid that is not a base64 key id/],
  ])('refuses a list entry with an unusable kid: %s', (content, message) => {
    expect(() => dccTrustListFromCertificates(parseDccTrustListFile(content))).toThrow(message);
  });

  it.each([
    ['{"certificates": []}', /expected a JSON array/],
    ['[42]', /entry 1 is neither/],
    ['[{"cert": "x"}]', /entry 1 is neither/],
    ['not json', /JSON/],
  ])('refuses the file %s loudly', (content, message) => {
    expect(() => parseDccTrustListFile(content)).toThrow(message);
    const file = join(dir, 'bad.json');
    writeFileSync(file, content);
    expect(() => loadDccTrustList({ files: [file] })).toThrow(file);
  });

  it('is empty with nothing to load', () => {
    expect(loadDccTrustList({}).byKid(ec.kid)).toEqual([]);
  });
});

describe('DCC schemas at start', () => {
  it('compileAll reads and compiles every version up front, so the first scan compiles nothing', async () => {
    const { mkdirSync, mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { DirectoryDccSchemaValidator } = await import('../../../../../main/trust/dcc-schema-validator.js');
    const dir = mkdtempSync(join(tmpdir(), 'chot-schemas-'));
    for (const version of ['1.0.0', '1.3.0']) {
      mkdirSync(join(dir, version));
      writeFileSync(join(dir, version, 'DCC.combined-schema.json'), JSON.stringify({ type: 'object', required: ['ver'] }));
    }
    const validator = new DirectoryDccSchemaValidator(dir);
    expect(validator.compiledCount()).toBe(0);
    expect(validator.compileAll()).toBe(2);
    // The files are no longer needed: validation runs from the compiled schemas.
    rmSync(dir, { recursive: true });
    expect(validator.validate({ ver: '1.3.0' }, '1.3.0')).toBe(true);
    expect(validator.validate({}, '1.0.5')).toBe(false);
    expect(validator.compiledCount()).toBe(2);
  });
});

function publicKeyDer(signer: DccSigner): Buffer {
  return createPublicKey(signer.privateKey).export({ type: 'spki', format: 'der' });
}
