import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MAX_DCC_SIGNERS, MAX_VALUE_SET_CODES, type DccTrustPayloads } from '../../../../domain/trust/dcc-trust-kinds.js';
import { trustFileSignedBytes, verifySignedTrustFile, type TrustFileKind } from '../../../../domain/trust/signed-trust-file.js';
import { hubSigningKeyFrom } from '../../../../hub/keys/hub-signing-key.js';
import { signTrustFile } from '../../../../hub/trust/trust-publisher.js';
import { hubKeyStoreFromKeys } from '../../../../main/trust/hub-key-store.js';
import { createDccSigner } from '../../../support/dcc-fixtures.js';

const hubKey = hubSigningKeyFrom(generateKeyPairSync('ed25519').privateKey);
const pinned = hubKeyStoreFromKeys([Buffer.from(hubKey.publicKeyRaw).toString('base64')]);
const dsc = createDccSigner({ notBefore: new Date('2025-01-01'), notAfter: new Date('2027-01-01'), country: 'DE' });
const signer = { kid: Buffer.from(dsc.kid).toString('base64'), country: 'DE', certificate: dsc.certificateBase64 };
const schema = { $schema: 'https://json-schema.org/draft/2020-12/schema', type: 'object' };
const valueSet = {
  id: 'vaccines-covid-19-names',
  date: '2023-05-23',
  values: { 'EU/1/20/1528': { display: 'Comirnaty' }, CVnCoV: { display: 'CVnCoV', active: false } },
};

function signedAs<K extends keyof DccTrustPayloads>(kind: K, payload: unknown): Record<string, unknown> {
  // Signed as the hub would, whatever the payload: the content check comes after the signature.
  const unsigned = { format: 'chot-trust/1', kind, version: 1_765_000_000, issuedAt: '2025-12-06T05:46:40.000Z', ...(payload as object) };
  return { ...unsigned, signature: { keyId: hubKey.keyId, value: Buffer.from(hubKey.sign(trustFileSignedBytes(unsigned))).toString('base64') } };
}

const badContent = (kind: keyof DccTrustPayloads, payload: unknown): unknown => verifySignedTrustFile(signedAs(kind, payload), pinned);

describe('the DCC trust file kinds', () => {
  it('accepts a signed DSC list, schema set and value-set file', () => {
    for (const [kind, payload] of [
      ['dcc-dsc', { signers: [signer] }],
      ['dcc-schemas', { schemas: [{ version: '1.3.0', schema }] }],
      ['dcc-value-sets', { valueSets: [valueSet] }],
    ] as const) {
      const document = signTrustFile(hubKey, { format: 'chot-trust/1', kind, version: 7, issuedAt: '2025-12-06T05:46:40.000Z', ...payload } as never);
      expect(verifySignedTrustFile(document, pinned)).toEqual({ ok: true, file: document });
    }
  });

  it('refuses a signer whose certificate, kid or country was changed after signing', () => {
    const document = signedAs('dcc-dsc', { signers: [signer] });
    const other = createDccSigner({ notBefore: new Date('2025-01-01'), notAfter: new Date('2027-01-01') });
    for (const changed of [
      { ...signer, certificate: other.certificateBase64 },
      { ...signer, kid: 'AAAAAAAAAAA=' },
      { ...signer, country: 'FR' },
    ])
      expect(verifySignedTrustFile({ ...document, signers: [changed] }, pinned)).toMatchObject({ ok: false, error: { code: 'trust.signature-invalid' } });
  });

  it.each([
    ['dcc-dsc', { signers: {} }, 'signers is not a list'],
    ['dcc-dsc', { signers: [{ ...signer, country: 'Deutschland' }] }, 'country is not two capital letters'],
    ['dcc-dsc', { signers: [{ ...signer, kid: '' }] }, 'kid is not 1–32 bytes'],
    ['dcc-dsc', { signers: [{ ...signer, certificate: 'AAAA' }] }, 'does not parse'],
    ['dcc-dsc', { signers: [{ ...signer, certificate: 'A'.repeat(20_000) }] }, 'at most 16384'],
    ['dcc-dsc', { signers: Array.from({ length: MAX_DCC_SIGNERS + 1 }, () => 0) }, `more than ${MAX_DCC_SIGNERS}`],
    ['dcc-schemas', { schemas: [{ version: '1.3', schema }] }, 'major.minor.patch'],
    [
      'dcc-schemas',
      {
        schemas: [
          { version: '1.3.0', schema },
          { version: '1.3.0', schema },
        ],
      },
      'given twice',
    ],
    ['dcc-schemas', { schemas: [{ version: '1.3.0', schema: 'no' }] }, 'not a JSON object'],
    ['dcc-schemas', { schemas: [{ version: '1.3.0', schema: { big: 'x'.repeat(1_100_000) } }] }, 'larger than'],
    ['dcc-value-sets', { valueSets: [{ ...valueSet, id: 'a b' }] }, 'id is not'],
    ['dcc-value-sets', { valueSets: [{ ...valueSet, date: 'May 2023' }] }, 'date is not YYYY-MM-DD'],
    ['dcc-value-sets', { valueSets: [{ ...valueSet, values: { X: { display: '' } } }] }, 'display is not'],
    ['dcc-value-sets', { valueSets: [{ ...valueSet, values: { X: { display: 'x', active: 'no' } } }] }, 'active is not'],
    [
      'dcc-value-sets',
      { valueSets: [{ ...valueSet, values: Object.fromEntries(Array.from({ length: MAX_VALUE_SET_CODES + 1 }, (_, i) => [`c${i}`, { display: 'x' }])) }] },
      `more than ${MAX_VALUE_SET_CODES}`,
    ],
  ] as const)('%s: bad or unbounded content is refused (%s)', (kind, payload, detail) => {
    expect(badContent(kind, payload)).toMatchObject({ ok: false, error: { code: 'trust.bad-content', detail: expect.stringContaining(detail) as unknown } });
  });

  it('the kinds are known to the envelope', () => {
    const kinds: TrustFileKind[] = ['dcc-dsc', 'dcc-schemas', 'dcc-value-sets'];
    for (const kind of kinds)
      expect(verifySignedTrustFile(signedAs(kind as keyof DccTrustPayloads, {}), pinned)).toMatchObject({ error: { code: 'trust.bad-content' } });
  });
});
