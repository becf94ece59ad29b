import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zlibSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DccCredential, ParseError } from '../../../../../domain/credentials/credential.js';
import { encodeBase45 } from '../../../../../domain/encoding/base45.js';
import { encodeCbor } from '../../../../../domain/credentials/dcc/cbor-encode.js';
import { DCC_ERRORS, DCC_PROBLEMS } from '../../../../../domain/credentials/dcc/dcc-errors.js';
import { isDccCandidate, parseDcc } from '../../../../../domain/credentials/dcc/parse-dcc.js';
import type { DccTrustList, VerificationContext } from '../../../../../domain/credentials/verification.js';
import { DirectoryDccSchemaValidator } from '../../../../../main/trust/dcc-schema-validator.js';
import { dccTrustListFromCertificates } from '../../../../../main/trust/dcc-trust-list.js';
import { buildCose, buildDcc, createDccSigner, cwtPayload, EKU, vaccinationHcert, type DccOptions, type DccSigner } from '../../../../support/dcc-fixtures.js';

/** Our own signed DCCs, end to end: keys and certificates made here, checked by the real ports. */

const at = (iso: string): number => Date.parse(iso);
const seconds = (iso: string): number => at(iso) / 1000;
const NOW = at('2021-10-15T08:00:00Z');
const SIGNER_VALIDITY = { notBefore: new Date('2021-01-01T00:00:00Z'), notAfter: new Date('2023-01-01T00:00:00Z') };
const ISSUED = seconds('2021-10-02T00:00:00Z');
const EXPIRES = seconds('2022-10-02T00:00:00Z');

let es256: DccSigner;
let ps256: DccSigner;
let testOnly: DccSigner;
let stranger: DccSigner;
let trust: DccTrustList;
let schemaDir: string;
let context: VerificationContext;

beforeAll(() => {
  es256 = createDccSigner({ ...SIGNER_VALIDITY, extendedKeyUsage: [EKU.vaccination, EKU.test] });
  ps256 = createDccSigner({ ...SIGNER_VALIDITY, alg: 'PS256' });
  testOnly = createDccSigner({ ...SIGNER_VALIDITY, extendedKeyUsage: [EKU.test] });
  stranger = createDccSigner(SIGNER_VALIDITY);
  trust = dccTrustListFromCertificates([es256, ps256, testOnly].map((signer) => signer.certificateBase64));
  schemaDir = mkdtempSync(join(tmpdir(), 'chot-dcc-schema-'));
  const schema = (extra: object): string =>
    JSON.stringify({ $schema: 'https://json-schema.org/draft/2020-12/schema', type: 'object', required: ['ver', 'nam', 'dob'], ...extra });
  mkdirSync(join(schemaDir, '1.0.0'));
  writeFileSync(join(schemaDir, '1.0.0', 'DGC.combined-schema.json'), schema({}));
  mkdirSync(join(schemaDir, '1.3.0'));
  writeFileSync(
    join(schemaDir, '1.3.0', 'DCC.combined-schema.json'),
    schema({ properties: { dob: { type: 'string', format: 'date' }, nam: { type: 'object', required: ['fnt'] } } }),
  );
  mkdirSync(join(schemaDir, 'not-a-version'));
  context = { now: NOW, dccTrust: trust, dccSchemas: new DirectoryDccSchemaValidator(schemaDir) };
});

afterAll(() => {
  rmSync(schemaDir, { recursive: true, force: true });
});

const dcc = (options: Partial<DccOptions> = {}): string =>
  buildDcc({ signer: es256, hcert: vaccinationHcert(), issuedAt: ISSUED, expiresAt: EXPIRES, ...options });
const asCredential = (result: DccCredential | ParseError): DccCredential => {
  if (result.kind === 'error') throw new Error(`expected a credential, got ${result.code}`);
  return result;
};
/** Flips the lowest bit of byte `index` (negative: from the end), in place. */
const flipBit = (bytes: Uint8Array, index: number): Uint8Array => {
  const at = index < 0 ? bytes.length + index : index;
  bytes[at] = (bytes[at] as number) ^ 0x01;
  return bytes;
};
const problemCodes = (result: DccCredential | ParseError): string[] => asCredential(result).problems.map((problem) => problem.code);

describe('parseDcc with our own signed certificates', () => {
  it('reads and authenticates a valid ES256 vaccination certificate', () => {
    const result = asCredential(parseDcc(dcc(), context));
    expect(result).toMatchObject({
      kind: 'dcc',
      authenticity: 'signed-valid',
      identifiers: {},
      problems: [],
      subject: { name: 'Nguyễn Văn An', birthDate: '1989-03-15' },
      embeddedFacts: { doses: [{ dose: 2, totalDoses: 2, date: '2021-10-01', product: 'EU/1/20/1528' }], tests: [], quarantine: [] },
      dcc: {
        stages: { unprefix: true, base45: true, inflate: true, cose: true, cbor: true },
        signature: 'valid',
        expired: false,
        schemaValid: true,
        keyUsageOk: true,
        issuer: 'VN',
        issuedAt: '2021-10-02T00:00:00.000Z',
        expiresAt: '2022-10-02T00:00:00.000Z',
      },
    });
    expect(result.dcc.hcert).toEqual(vaccinationHcert());
  });

  it('authenticates PS256 (RSA-PSS, SHA-256, 32-byte salt)', () => {
    expect(parseDcc(dcc({ signer: ps256 }), context)).toMatchObject({ authenticity: 'signed-valid', dcc: { signature: 'valid', keyUsageOk: true } });
  });

  it.each([
    ['the kid in the unprotected header', { kidIn: 'unprotected' as const }],
    ['an untagged COSE_Sign1', { envelope: 'untagged' as const }],
    ['a COSE_Sign1 inside the CWT tag 61', { envelope: 'cwt-tag-61' as const }],
  ])('accepts %s', (_name, options) => {
    expect(parseDcc(dcc(options), context)).toMatchObject({ authenticity: 'signed-valid' });
  });

  it('reads an uncompressed certificate, and says it was not compressed', () => {
    expect(parseDcc(dcc({ compress: false }), context)).toMatchObject({ authenticity: 'signed-valid', dcc: { stages: { inflate: false, cose: true } } });
  });

  it('flags a flipped signature byte as an invalid signature', () => {
    const tampered = dcc({ tamper: (cose) => void flipBit(cose[3] as Uint8Array, 10) });
    const result = asCredential(parseDcc(tampered, context));
    expect(result).toMatchObject({ authenticity: 'invalid', dcc: { signature: 'invalid', keyUsageOk: null } });
    expect(result.problems).toEqual([{ code: 'dcc.signature-invalid', message: DCC_PROBLEMS['dcc.signature-invalid'] }]);
    // Still readable, so staff can see whose certificate it claims to be.
    expect(result.subject.name).toBe('Nguyễn Văn An');
  });

  it('flags a changed payload as an invalid signature', () => {
    const forged = dcc({
      tamper: (cose) => void (cose[2] = cwtPayload({ hcert: vaccinationHcert({ dob: '1990-01-01' }), issuedAt: ISSUED, expiresAt: EXPIRES })),
    });
    expect(parseDcc(forged, context)).toMatchObject({ authenticity: 'invalid', dcc: { signature: 'invalid' }, subject: { birthDate: '1990-01-01' } });
  });

  it('says unknown-key for a signer the trust list does not have, or a kid it does not know', () => {
    expect(parseDcc(dcc({ signer: stranger }), context)).toMatchObject({ authenticity: 'invalid', dcc: { signature: 'unknown-key' } });
    expect(problemCodes(parseDcc(dcc({ kid: Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8) }), context))).toEqual(['dcc.unknown-key']);
    expect(problemCodes(parseDcc(dcc({ kidIn: 'none' }), context))).toEqual(['dcc.unknown-key']);
  });

  it('says so when there is no trust list at all', () => {
    expect(parseDcc(dcc(), { now: NOW })).toMatchObject({
      authenticity: 'invalid',
      dcc: { signature: 'unknown-key', schemaValid: null, keyUsageOk: null, expired: null },
    });
    expect(problemCodes(parseDcc(dcc(), { now: NOW }))).toEqual(['dcc.no-trust-list']);
  });

  it('refuses a signature under an algorithm the DCC does not allow, or the wrong one for the key', () => {
    expect(problemCodes(parseDcc(dcc({ headerAlg: -35 }), context))).toEqual(['dcc.algorithm']);
    expect(parseDcc(dcc({ headerAlg: -37 }), context)).toMatchObject({ dcc: { signature: 'invalid' } });
  });

  it('checks the validity period inclusively', () => {
    expect(parseDcc(dcc(), { ...context, now: ISSUED * 1000 })).toMatchObject({ authenticity: 'signed-valid', dcc: { expired: false } });
    expect(parseDcc(dcc(), { ...context, now: EXPIRES * 1000 })).toMatchObject({ authenticity: 'signed-valid', dcc: { expired: false } });
    const expired = parseDcc(dcc(), { ...context, now: EXPIRES * 1000 + 1 });
    expect(expired).toMatchObject({ authenticity: 'invalid', dcc: { expired: true, signature: 'valid' } });
    expect(problemCodes(expired)).toEqual(['dcc.expired']);
    expect(problemCodes(parseDcc(dcc(), { ...context, now: ISSUED * 1000 - 1 }))).toEqual(['dcc.not-yet-valid']);
  });

  it('refuses a certificate whose validity outlasts its signer', () => {
    const result = parseDcc(dcc({ expiresAt: seconds('2023-06-01T00:00:00Z') }), context);
    expect(result).toMatchObject({ authenticity: 'invalid', dcc: { expired: true } });
    expect(problemCodes(result)).toEqual(['dcc.outside-signer-validity']);
  });

  it('needs both iat and exp', () => {
    const result = parseDcc(dcc({ expiresAt: Number.NaN }), context);
    expect(result).toMatchObject({ authenticity: 'invalid', dcc: { expired: null } });
    expect(problemCodes(result)).toEqual(['dcc.no-validity']);
  });

  it('checks the signer may sign this type of certificate', () => {
    const result = parseDcc(dcc({ signer: testOnly }), context);
    expect(result).toMatchObject({ authenticity: 'invalid', dcc: { signature: 'valid', keyUsageOk: false } });
    expect(problemCodes(result)).toEqual(['dcc.key-usage']);
  });

  it('validates the schema of the certificate version, and holds it to one entry', () => {
    const noFnt = vaccinationHcert({ nam: { fn: 'Nguyễn', gn: 'An' } });
    expect(problemCodes(parseDcc(dcc({ hcert: noFnt }), context))).toEqual(['dcc.schema-invalid']);
    // The same content as version 1.2.1 is held to the 1.0.0 schema, which does not need fnt.
    expect(parseDcc(dcc({ hcert: { ...noFnt, ver: '1.2.1' } }), context)).toMatchObject({ authenticity: 'signed-valid', dcc: { schemaValid: true } });
    // No schema at or below 0.9.0: not checked, and not held against it.
    expect(parseDcc(dcc({ hcert: { ...noFnt, ver: '0.9.0' } }), context)).toMatchObject({ authenticity: 'signed-valid', dcc: { schemaValid: null } });
    const twoDoses = vaccinationHcert({ v: [...(vaccinationHcert()['v'] as object[]), ...(vaccinationHcert()['v'] as object[])] });
    expect(parseDcc(dcc({ hcert: twoDoses }), context)).toMatchObject({ authenticity: 'invalid', dcc: { schemaValid: false } });
    expect(problemCodes(parseDcc(dcc({ hcert: twoDoses }), context))).toEqual(['dcc.not-one-certificate']);
    expect(problemCodes(parseDcc(dcc({ hcert: { ...vaccinationHcert(), ver: 1 } }), context))).toEqual(['dcc.schema-invalid']);
  });

  it('lists every problem at once', () => {
    const result = parseDcc(dcc({ signer: testOnly, hcert: vaccinationHcert({ dob: '15/03/1989' }) }), { ...context, now: EXPIRES * 1000 + 1000 });
    expect(problemCodes(result)).toEqual(['dcc.expired', 'dcc.key-usage', 'dcc.schema-invalid']);
  });

  it('survives ports that throw', () => {
    const throwing: VerificationContext = {
      now: NOW,
      dccTrust: {
        byKid: () => [
          {
            kid: es256.kid,
            notBefore: 0,
            notAfter: Infinity,
            extendedKeyUsage: [],
            verify: () => {
              throw new Error('boom');
            },
          },
        ],
      },
      dccSchemas: {
        validate: () => {
          throw new Error('boom');
        },
      },
    };
    expect(parseDcc(dcc(), throwing)).toMatchObject({ authenticity: 'invalid', dcc: { signature: 'invalid', schemaValid: null } });
    expect(
      parseDcc(dcc(), {
        now: NOW,
        dccTrust: {
          byKid: () => {
            throw new Error('boom');
          },
        },
      }),
    ).toMatchObject({ dcc: { signature: 'unknown-key' } });
  });
});

describe('parseDcc errors: a stable code, both languages, and how far it got', () => {
  const stagesOf = (result: DccCredential | ParseError): object | undefined => result.dcc?.stages;
  const zlibOf = (bytes: Uint8Array): string => `HC1:${encodeBase45(zlibSync(bytes))}`;

  it.each([
    ['too long', () => `HC1:${'0'.repeat(9000)}`, 'dcc.too-long', { unprefix: false }],
    ['no prefix', () => dcc().slice(4), 'dcc.prefix-missing', { unprefix: false }],
    ['another context', () => `HC2:${dcc().slice(4)}`, 'dcc.prefix-unsupported', { unprefix: false }],
    ['bad base45', () => `${dcc()}=`, 'dcc.base45', { unprefix: true, base45: false }],
    [
      'a trailing single character',
      () => {
        const b = dcc().slice(4);
        return `HC1:${b.slice(0, b.length - (b.length % 3))}A`;
      },
      'dcc.base45',
      { base45: false },
    ],
    [
      'corrupt zlib',
      () => `HC1:${encodeBase45(flipBit(zlibSync(buildCose({ signer: es256, hcert: vaccinationHcert(), issuedAt: ISSUED, expiresAt: EXPIRES })), -1))}`,
      'dcc.inflate',
      { base45: true, inflate: false },
    ],
    ['a zip bomb', () => zlibOf(new Uint8Array(1 << 20)), 'dcc.too-large', { base45: true, inflate: false }],
    ['not COSE', () => zlibOf(encodeCbor([1, 2, 3])), 'dcc.cose', { inflate: true, cose: false }],
    ['a payload that is not CBOR', () => dcc({ tamper: (cose) => void (cose[2] = Uint8Array.of(0xff)) }), 'dcc.cbor', { cose: true, cbor: false }],
    ['no health certificate', () => dcc({ tamper: (cose) => void (cose[2] = encodeCbor(new Map([[1, 'VN']]))) }), 'dcc.hcert', { cose: true, cbor: true }],
  ] as const)('%s → %s', (_name, input, code, stages) => {
    const result = parseDcc(input(), context) as ParseError;
    expect(result).toMatchObject({ kind: 'error', code, credentialKind: 'dcc', message: DCC_ERRORS[code] });
    expect(stagesOf(result)).toMatchObject(stages);
  });

  it('still reports the signature when the payload cannot be read', () => {
    const result = parseDcc(dcc({ tamper: (cose) => void (cose[2] = Uint8Array.of(0xff)) }), context);
    expect(result).toMatchObject({ kind: 'error', dcc: { signature: 'invalid' } });
  });

  it('has Vietnamese and English text for every code', () => {
    for (const table of [DCC_ERRORS, DCC_PROBLEMS]) {
      for (const [code, message] of Object.entries(table)) {
        expect(code).toMatch(/^dcc\.[a-z0-9-]+$/);
        expect(message.vi.length).toBeGreaterThan(0);
        expect(message.en.length).toBeGreaterThan(0);
      }
    }
  });
});

describe('isDccCandidate: what the dispatcher routes to parseDcc', () => {
  it.each<readonly [string, () => string, boolean]>([
    ['an HC1 code', () => dcc(), true],
    ['another HCERT context, to be told it is unsupported', () => `HC2:${dcc().slice(4)}`, true],
    ['an HL0: context', () => `HL0:${dcc().slice(4)}`, true],
    ['a bare base45 DCC (prefix dropped)', () => dcc().slice(4), true],
    ['a bare base45 uncompressed DCC', () => dcc({ compress: false }).slice(4), true],
    ['a 12-digit ID number', () => '056089001234', false],
    ['a long all-digit text', () => '1'.repeat(100), false],
    ['a CCCD QR', () => '056089001234|225123456|Nguyễn Văn An|15031989|Nam|Số 1 Trần Phú|10072021', false],
    ['empty text', () => '', false],
    ['a URL', () => 'HTTPS://EXAMPLE.COM/', false],
  ])('%s → %s', (_name, input, expected) => {
    expect(isDccCandidate(input())).toBe(expected);
  });
});

describe('DirectoryDccSchemaValidator', () => {
  it('lists the versions it found, highest first, ignoring other folders', () => {
    expect(new DirectoryDccSchemaValidator(schemaDir).versions()).toEqual(['1.3.0', '1.0.0']);
  });

  it.each([
    ['1.3.0', true],
    ['1.3.5', true],
    ['2.0.0', true],
    ['1.2.1', true],
    ['1.0.0', true],
    ['0.9.9', null],
    ['garbage', null],
  ] as const)('validates a certificate of version %s (%s)', (version, expected) => {
    expect(new DirectoryDccSchemaValidator(schemaDir).validate(vaccinationHcert({ ver: version }), version)).toBe(expected);
  });

  it('applies date formats', () => {
    const validator = new DirectoryDccSchemaValidator(schemaDir);
    expect(validator.validate(vaccinationHcert({ dob: '1989-02-30' }), '1.3.0')).toBe(false);
    expect(validator.validate(vaccinationHcert({ dob: '1989-02-28' }), '1.3.0')).toBe(true);
  });
});
