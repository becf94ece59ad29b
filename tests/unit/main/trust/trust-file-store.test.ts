import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SignedTrustFile } from '../../../../domain/trust/signed-trust-file.js';
import { signTrustFile } from '../../../../hub/trust/trust-publisher.js';
import { loadTrustedCscas } from '../../../../main/trust/csca-certificates.js';
import { hubKeyStoreFromKeys } from '../../../../main/trust/hub-key-store.js';
import { HUB_CSCA_FILE, INSTALLED_TRUST_DIR, TrustFileStore } from '../../../../main/trust/trust-file-store.js';
import { tempDataDir } from '../../../support/kiosk-process.js';
import { testHubKey } from '../../../support/sync-fixtures.js';
import { makeCsca, type TestCertificate } from '../../../support/test-certificates.js';
import { signingKeyOf } from '../sync/sync-harness.js';

const key = testHubKey();
const a = makeCsca('CSCA A');
const b = makeCsca('CSCA B');

function list(version: number, certificates: readonly TestCertificate[]): SignedTrustFile<'csca'> {
  const der = certificates.map((c) => Buffer.from(c.der).toString('base64'));
  return signTrustFile(signingKeyOf(key), {
    format: 'chot-trust/1',
    kind: 'csca',
    version,
    issuedAt: new Date(version * 1000).toISOString(),
    certificates: der,
  });
}

const store = (dataDir: string): TrustFileStore => new TrustFileStore(dataDir, hubKeyStoreFromKeys([key.publicKeyBase64]));

describe('TrustFileStore', () => {
  it('records the version it installed; the same version again rewrites the files but is no change', () => {
    const dataDir = tempDataDir('chot-trust-store-');
    expect(store(dataDir).installedVersion('csca')).toBeUndefined();
    expect(store(dataDir).install(list(10, [a]))).toEqual({ ok: true, kind: 'csca', version: 10, file: join(dataDir, HUB_CSCA_FILE), changed: true });
    expect(store(dataDir).installedVersion('csca')).toBe(10);
    expect(store(dataDir).install(list(10, [a]))).toMatchObject({ ok: true, changed: false });
    expect(readFileSync(join(dataDir, HUB_CSCA_FILE), 'utf8')).toMatch(/^The hub's signed CSCA list, version 10, issued /);
  });

  it('a kiosk stopped between the certificates and the record installs the same version again at the next sync', () => {
    const dataDir = tempDataDir('chot-trust-store-');
    store(dataDir).install(list(10, [a]));
    const record = join(dataDir, INSTALLED_TRUST_DIR, 'csca.json');
    const older = readFileSync(record, 'utf8');
    store(dataDir).install(list(11, [b]));
    // As if the process died after renaming the certificates but before the record.
    writeFileSync(`${record}.old`, older);
    renameSync(`${record}.old`, record);
    expect(store(dataDir).installedVersion('csca')).toBe(10);
    expect(store(dataDir).install(list(11, [b]))).toMatchObject({ ok: true, version: 11, changed: true });
    expect(loadTrustedCscas(dataDir).certificates.map((c) => Buffer.from(c.der).toString('base64'))).toEqual([Buffer.from(b.der).toString('base64')]);
  });

  it('an empty list removes the hub’s file, and nothing else', () => {
    const dataDir = tempDataDir('chot-trust-store-');
    store(dataDir).install(list(10, [a]));
    writeFileSync(join(dataDir, 'trust', 'csca', 'mine.pem'), b.pem);
    expect(store(dataDir).install(list(11, []))).toMatchObject({ ok: true, version: 11 });
    expect(existsSync(join(dataDir, HUB_CSCA_FILE))).toBe(false);
    expect(loadTrustedCscas(dataDir)).toMatchObject({ certificates: [{}], problems: [] });
  });
});
