import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { verifySignedTrustFile, type SignedTrustFile, type TrustFileKind } from '../../../domain/trust/signed-trust-file.js';
import { PUBLISHED_TRUST_DIR } from '../../../hub/trust/trust-publisher.js';
import { hubKeyStoreFromKeys } from '../../../main/trust/hub-key-store.js';
import { temporaryDirectory } from '../../support/chip-samples.js';
import { chotInProcess } from '../../support/chot-in-process.js';
import { createDccSigner, type DccSigner } from '../../support/dcc-fixtures.js';
import { tempDataDir } from '../../support/kiosk-process.js';

const work = temporaryDirectory();
afterAll(() => work.remove());
const now = Date.now();
const year = 365 * 86_400_000;
const signer = (country?: string, notAfter = new Date(now + year)): DccSigner =>
  createDccSigner({ notBefore: new Date(now - year), notAfter, ...(country === undefined ? {} : { country }) });
const kidOf = (s: DccSigner): string => Buffer.from(s.kid).toString('base64');
const thumbprintOf = (s: DccSigner): string => createHash('sha256').update(s.certificateDer).digest('hex');

function file(name: string, content: unknown): string {
  const path = join(work.dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

async function published<K extends TrustFileKind>(data: string, kind: K): Promise<SignedTrustFile<K>> {
  const document = JSON.parse(readFileSync(join(data, PUBLISHED_TRUST_DIR, `${kind}.json`), 'utf8')) as unknown;
  const key = (await chotInProcess('hub', 'public-key', '--data', data)).stdout.trim();
  const verified = verifySignedTrustFile(document, hubKeyStoreFromKeys([key]));
  if (!verified.ok) throw new Error(`the published ${kind} does not verify: ${verified.error.code}`);
  return verified.file as unknown as SignedTrustFile<K>;
}

/** An entry of the EU gateway's `GET /trustList`, as the DGCG serves it. */
const gatewayEntry = (s: DccSigner, fields: Record<string, unknown> = {}): Record<string, unknown> => ({
  kid: kidOf(s),
  timestamp: '2025-06-01T10:00:00Z',
  country: 'DE',
  certificateType: 'DSC',
  thumbprint: thumbprintOf(s),
  signature: 'MIAGCSqGSIb3DQEHAqCAMIACAQExDzANBglghkgBZQMEAgEFADCABgkqhkiG9w0BBwEAAKCAMIIB',
  rawData: s.certificateBase64,
  ...fields,
});

describe('chot hub trust import dcc-dsc', () => {
  it('takes the EU gateway’s DSC entries whose thumbprint and kid are their certificate’s, and lists every one it skips', async () => {
    const data = tempDataDir('chot-hub-dcc-');
    const [good, other, swapped, upload, expired] = [signer(), signer(), signer(), signer(), signer('DE', new Date(now - 86_400_000))];
    const list = file('trustList.json', [
      gatewayEntry(good),
      gatewayEntry(other, { thumbprint: thumbprintOf(good) }),
      gatewayEntry(swapped, { kid: kidOf(good) }),
      gatewayEntry(upload, { certificateType: 'UPLOAD' }),
      gatewayEntry(expired),
    ]);
    const run = await chotInProcess('hub', 'trust', 'import', 'dcc-dsc', list, '--data', data);
    // No trust anchor given: the gateway's own signatures are not checked, and it says so.
    expect(run.stderr).toMatch(/^chot hub trust import: WARN: the EU gateway's signatures on 1 document signer\(s\) were NOT checked/);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('trustList.json#2: its thumbprint is not the SHA-256 of its certificate');
    expect(run.stdout).toContain(`trustList.json#3: its kid ${kidOf(good)} is not its certificate's`);
    expect(run.stdout).toContain('trustList.json#4: a UPLOAD certificate, not a DSC');
    expect(run.stdout).toMatch(/trustList\.json#5: expired \d{4}-\d{2}-\d{2}/);
    expect(run.stdout).toMatch(/published dcc-dsc version \d+: 1 document signer\(s\)/);
    expect((await published(data, 'dcc-dsc')).signers).toEqual([{ kid: kidOf(good), country: 'DE', certificate: good.certificateBase64 }]);
  });

  it('takes a national {kid: [certificates]} list and PEM, the country from the subject; --add keeps what was published', async () => {
    const data = tempDataDir('chot-hub-dcc-');
    const [vn, fr, noCountry, pem] = [signer('VN'), signer('FR'), signer(), signer('NL')];
    await chotInProcess('hub', 'trust', 'import', 'dcc-dsc', file('de.json', [gatewayEntry(signer())]), '--data', data);
    const national = file('national.json', {
      [kidOf(vn)]: [vn.certificateBase64],
      [kidOf(fr)]: [fr.certificateBase64],
      [kidOf(noCountry)]: [noCountry.certificateBase64],
      AAAAAAAAAAA: [pem.certificateBase64],
    });
    const pemFile = file('nl.pem', `-----BEGIN CERTIFICATE-----\n${pem.certificateBase64.replace(/(.{64})/g, '$1\n')}\n-----END CERTIFICATE-----\n`);
    const run = await chotInProcess('hub', 'trust', 'import', 'dcc-dsc', national, pemFile, '--add', '--data', data);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`national.json[${kidOf(noCountry)}]#1: no country`);
    expect(run.stdout).toContain('national.json[AAAAAAAAAAA]#1: its kid AAAAAAAAAAA is not its certificate');
    const signers = (await published(data, 'dcc-dsc')).signers;
    expect(signers.map((s) => s.country)).toEqual(['DE', 'VN', 'FR', 'NL']);
    // Without --add the files given replace the list.
    await chotInProcess('hub', 'trust', 'import', 'dcc-dsc', pemFile, '--data', data);
    expect((await published(data, 'dcc-dsc')).signers.map((s) => s.country)).toEqual(['NL']);
  });

  it('refuses a file that is no trust list and publishes nothing', async () => {
    const data = tempDataDir('chot-hub-dcc-');
    const run = await chotInProcess('hub', 'trust', 'import', 'dcc-dsc', file('notes.txt', 'hello'), '--data', data);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/refused, nothing published: .*notes\.txt: neither a DCC trust list/);
    expect(existsSync(join(data, PUBLISHED_TRUST_DIR, 'dcc-dsc.json'))).toBe(false);
  });
});

describe('chot hub trust import dcc-schemas and dcc-value-sets', () => {
  const schemaDir = join('..', 'shared', 'test-data', 'dcc-schema');

  it('imports the schema repository’s folders by version, or one combined schema file', async () => {
    const data = tempDataDir('chot-hub-dcc-');
    const run = await chotInProcess('hub', 'trust', 'import', 'dcc-schemas', schemaDir, '--data', data);
    expect(run.stderr).toBe('');
    const schemas = (await published(data, 'dcc-schemas')).schemas;
    expect(schemas.map((s) => s.version).sort()).toEqual(['1.0.0', '1.0.1', '1.3.0', '1.3.3']);
    expect(schemas.find((s) => s.version === '1.3.0')?.schema).toEqual(JSON.parse(readFileSync(join(schemaDir, '1.3.0', 'DCC.combined-schema.json'), 'utf8')));
    await chotInProcess('hub', 'trust', 'import', 'dcc-schemas', join(schemaDir, '1.3.3', 'DCC.combined-schema.json'), '--data', data);
    expect((await published(data, 'dcc-schemas')).schemas.map((s) => s.version)).toEqual(['1.3.3']);
    const refused = await chotInProcess('hub', 'trust', 'import', 'dcc-schemas', file('x.json', { title: 'not a schema' }), '--data', data);
    expect(refused).toMatchObject({ code: 1, stderr: expect.stringContaining('not a JSON schema') as unknown });
  });

  it('refuses to publish more than a kiosk takes in one file, though each schema is within bounds', async () => {
    const data = tempDataDir('chot-hub-dcc-');
    const large = Array.from({ length: 9 }, (_, index) =>
      file(`large-${index}.json`, {
        $schema: 'https://json-schema.org/draft/2020-12/schema',
        $comment: `Schema version 1.0.${index}`,
        description: 'x'.repeat(1_000_000),
      }),
    );
    const run = await chotInProcess('hub', 'trust', 'import', 'dcc-schemas', ...large, '--data', data);
    expect(run).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/refused, nothing published: \d+ bytes of JSON, more than the 8388608 a kiosk takes/) as unknown,
    });
    expect(existsSync(join(data, PUBLISHED_TRUST_DIR, 'dcc-schemas.json'))).toBe(false);
  });

  it('imports EU value-set files keeping each code’s display and whether it is active; --add replaces a set of the same id', async () => {
    const data = tempDataDir('chot-hub-dcc-');
    const euFile = (id: string, values: Record<string, unknown>): string =>
      file(`${id}.json`, { valueSetId: id, valueSetDate: '2023-05-23', valueSetValues: values });
    const vp = euFile('sct-vaccines-covid-19', {
      '1119349007': {
        display: 'SARS-CoV-2 mRNA vaccine',
        lang: 'en',
        active: true,
        system: 'http://snomed.info/sct',
        version: 'http://snomed.info/sct/900000000000207008/version/20211031',
      },
      J07BX03: { display: 'covid-19 vaccines', lang: 'en', active: false, system: 'http://www.whocc.no/atc', version: '2021-01' },
    });
    const tr = euFile('covid-19-lab-result', {
      '260415000': { display: 'Not detected', lang: 'en', active: true, system: 'http://snomed.info/sct', version: 'x' },
    });
    expect((await chotInProcess('hub', 'trust', 'import', 'dcc-value-sets', vp, tr, '--data', data)).code).toBe(0);
    expect((await published(data, 'dcc-value-sets')).valueSets).toEqual([
      {
        id: 'sct-vaccines-covid-19',
        date: '2023-05-23',
        values: { '1119349007': { display: 'SARS-CoV-2 mRNA vaccine' }, J07BX03: { display: 'covid-19 vaccines', active: false } },
      },
      { id: 'covid-19-lab-result', date: '2023-05-23', values: { '260415000': { display: 'Not detected' } } },
    ]);
    const tr2 = euFile('covid-19-lab-result', { '260373001': { display: 'Detected', lang: 'en', active: true, system: 's', version: 'v' } });
    await chotInProcess('hub', 'trust', 'import', 'dcc-value-sets', tr2, '--add', '--data', data);
    expect((await published(data, 'dcc-value-sets')).valueSets.map((s) => [s.id, Object.keys(s.values)])).toEqual([
      ['sct-vaccines-covid-19', ['1119349007', 'J07BX03']],
      ['covid-19-lab-result', ['260373001']],
    ]);
    const list = await chotInProcess('hub', 'trust', 'list', '--data', data);
    expect(list.stdout).toMatch(/^dcc-value-sets {2}version \d+ {2}issued \S+ {2}2 value set\(s\)$/m);
    const refused = await chotInProcess('hub', 'trust', 'import', 'dcc-value-sets', file('v.json', { valueSetId: 'x' }), '--data', data);
    expect(refused).toMatchObject({ code: 1, stderr: expect.stringContaining('not an EU value-set file') as unknown });
  });
});
