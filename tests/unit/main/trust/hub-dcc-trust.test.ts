import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DccCredential } from '../../../../domain/credentials/credential.js';
import { parseScan } from '../../../../domain/credentials/parse-scan.js';
import type { DccTrustPayloads } from '../../../../domain/trust/dcc-trust-kinds.js';
import type { SignedTrustFile } from '../../../../domain/trust/signed-trust-file.js';
import { signTrustFile } from '../../../../hub/trust/trust-publisher.js';
import { hubKeyStoreFromKeys } from '../../../../main/trust/hub-key-store.js';
import { DCC_TRUST_LIST_FILE, HUB_DCC_TRUST_LIST_FILE } from '../../../../main/trust/kiosk-trust.js';
import { LiveVerificationPorts } from '../../../../main/trust/live-verification-ports.js';
import { TrustFileStore } from '../../../../main/trust/trust-file-store.js';
import { buildDcc, createDccSigner, vaccinationHcert, type DccSigner } from '../../../support/dcc-fixtures.js';
import { tempDataDir } from '../../../support/kiosk-process.js';
import { testHubKey } from '../../../support/sync-fixtures.js';
import { signingKeyOf } from '../sync/sync-harness.js';

const key = testHubKey();
const store = (dataDir: string): TrustFileStore => new TrustFileStore(dataDir, hubKeyStoreFromKeys([key.publicKeyBase64]));
const now = Date.now();
const newSigner = (): DccSigner => createDccSigner({ notBefore: new Date(now - 86_400_000), notAfter: new Date(now + 365 * 86_400_000), country: 'DE' });
const [germany, france, local] = [newSigner(), newSigner(), newSigner()];
const schemaDir = join('..', 'shared', 'test-data', 'dcc-schema');

function signed<K extends keyof DccTrustPayloads>(kind: K, version: number, payload: DccTrustPayloads[K]): SignedTrustFile<K> {
  return signTrustFile(signingKeyOf(key), { format: 'chot-trust/1', kind, version, issuedAt: new Date(version * 1000).toISOString(), ...payload } as never);
}
const dscList = (version: number, ...signers: DccSigner[]): SignedTrustFile<'dcc-dsc'> =>
  signed('dcc-dsc', version, {
    signers: signers.map((s) => ({ kid: Buffer.from(s.kid).toString('base64'), country: 'DE', certificate: s.certificateBase64 })),
  });

/** What the kiosk's scan path makes of a DCC signed by `signer`, with the ports in force now. */
function scanned(ports: LiveVerificationPorts, signer: DccSigner, hcert = vaccinationHcert()): DccCredential['dcc'] {
  const code = buildDcc({ signer, hcert, issuedAt: Math.floor(now / 1000) - 3600, expiresAt: Math.floor(now / 1000) + 86_400 });
  const result = parseScan(code, { ...ports.current(), now });
  if (result.kind !== 'dcc') throw new Error(`expected a DCC, got ${result.kind === 'error' ? result.code : result.kind}`);
  return result.dcc;
}

describe('the hub’s DCC trust files at the kiosk', () => {
  it('a running kiosk trusts the document signers of a dcc-dsc file as soon as the sync installs it, beside its own', () => {
    const dataDir = tempDataDir('chot-dcc-trust-');
    mkdirSync(join(dataDir, 'trust'), { recursive: true });
    writeFileSync(join(dataDir, DCC_TRUST_LIST_FILE), JSON.stringify([local.certificateBase64]));
    const ports = new LiveVerificationPorts(dataDir);
    expect(scanned(ports, germany).signature).toBe('unknown-key');
    expect(store(dataDir).install(dscList(10, germany))).toMatchObject({ ok: true, kind: 'dcc-dsc', version: 10, changed: true });
    expect(scanned(ports, germany).signature).toBe('valid');
    // The file placed by hand still counts: the hub's list is added to it, not put in its place.
    expect(scanned(ports, local).signature).toBe('valid');
    // A newer list without Germany's signer: no longer trusted.
    expect(store(dataDir).install(dscList(11, france))).toMatchObject({ ok: true, version: 11 });
    expect(scanned(ports, germany).signature).toBe('unknown-key');
    expect(scanned(ports, france).signature).toBe('valid');
  });

  it('a tampered, foreign-signed or older list is refused and the last good one stays in force', () => {
    const dataDir = tempDataDir('chot-dcc-trust-');
    const ports = new LiveVerificationPorts(dataDir);
    store(dataDir).install(dscList(10, germany));
    const installed = readFileSync(join(dataDir, HUB_DCC_TRUST_LIST_FILE), 'utf8');
    // A signer slipped into a list the hub signed.
    const good = dscList(11, germany);
    const tampered = {
      ...good,
      signers: [...good.signers, { kid: Buffer.from(france.kid).toString('base64'), country: 'FR', certificate: france.certificateBase64 }],
    };
    expect(store(dataDir).install(tampered)).toMatchObject({ ok: false, error: { code: 'trust.signature-invalid' } });
    const foreign = signTrustFile(signingKeyOf(testHubKey()), { ...dscList(12, france), signature: undefined } as never);
    expect(store(dataDir).install(foreign)).toMatchObject({ ok: false, error: { code: 'trust.unknown-key' } });
    expect(store(dataDir).install(dscList(9, france))).toMatchObject({ ok: false, error: { code: 'trust.rollback' } });
    expect(readFileSync(join(dataDir, HUB_DCC_TRUST_LIST_FILE), 'utf8')).toBe(installed);
    expect(store(dataDir).installedVersion('dcc-dsc')).toBe(10);
    expect(scanned(ports, germany).signature).toBe('valid');
    expect(scanned(ports, france).signature).toBe('unknown-key');
  });

  it('schemas from the hub are held to by version, over a local folder’s of the same version; one that does not compile is refused', () => {
    const dataDir = tempDataDir('chot-dcc-trust-');
    store(dataDir).install(dscList(10, germany));
    const ports = new LiveVerificationPorts(dataDir);
    const noName = vaccinationHcert({ nam: { fn: 'Nguyễn' } });
    // No schema yet: cannot check.
    expect(scanned(ports, germany, noName).schemaValid).toBeNull();
    const real = JSON.parse(readFileSync(join(schemaDir, '1.3.0', 'DCC.combined-schema.json'), 'utf8')) as Record<string, unknown>;
    expect(store(dataDir).install(signed('dcc-schemas', 10, { schemas: [{ version: '1.3.0', schema: real }] }))).toMatchObject({ ok: true });
    expect(ports.current().dccSchemas?.validate(vaccinationHcert(), '1.3.0')).toBe(true);
    // The real 1.3.0 schema requires the transliterated surname.
    expect(scanned(ports, germany, noName).schemaValid).toBe(false);
    // A local folder's 1.3.0 that accepts anything does not override the hub's.
    mkdirSync(join(dataDir, 'dcc-schema', '1.3.0'), { recursive: true });
    writeFileSync(join(dataDir, 'dcc-schema', '1.3.0', 'DCC.combined-schema.json'), JSON.stringify({ $schema: real.$schema }));
    expect(new LiveVerificationPorts(dataDir).current().dccSchemas?.validate(noName, '1.3.0')).toBe(false);
    const broken = signed('dcc-schemas', 11, { schemas: [{ version: '1.3.0', schema: { type: 'no-such-type' } }] });
    expect(store(dataDir).install(broken)).toMatchObject({
      ok: false,
      error: { code: 'trust.bad-content', detail: expect.stringContaining('does not compile') as unknown },
    });
    expect(store(dataDir).installedVersion('dcc-schemas')).toBe(10);
  });

  it('value sets from the hub decide which codes count', () => {
    const dataDir = tempDataDir('chot-dcc-trust-');
    store(dataDir).install(dscList(10, germany));
    const ports = new LiveVerificationPorts(dataDir);
    const newPlatform = vaccinationHcert({ v: [{ ...(vaccinationHcert().v as object[])[0], vp: '9999999999' }] });
    const facts = (): unknown => {
      const code = buildDcc({ signer: germany, hcert: newPlatform, issuedAt: Math.floor(now / 1000) - 3600, expiresAt: Math.floor(now / 1000) + 86_400 });
      return (parseScan(code, { ...ports.current(), now }) as DccCredential).embeddedFacts;
    };
    expect(facts()).toMatchObject({ doses: [], notCounted: [{ kind: 'vaccination', why: 'vaccine-type' }] });
    const values = { '1119349007': { display: 'SARS-CoV-2 mRNA vaccine' }, '9999999999': { display: 'A new platform' } };
    expect(store(dataDir).install(signed('dcc-value-sets', 10, { valueSets: [{ id: 'sct-vaccines-covid-19', date: '2025-01-01', values }] }))).toMatchObject({
      ok: true,
    });
    expect(facts()).toMatchObject({ doses: [{ dose: 2 }] });
  });
});
