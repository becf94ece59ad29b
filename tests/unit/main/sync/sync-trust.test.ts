import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { trustFileSignedBytes, type SignedTrustFile } from '../../../../domain/trust/signed-trust-file.js';
import { signTrustFile } from '../../../../hub/trust/trust-publisher.js';
import { CSCA_DIR, loadTrustedCscas } from '../../../../main/trust/csca-certificates.js';
import { HUB_CSCA_FILE } from '../../../../main/trust/trust-file-store.js';
import { people, testHubKey, type TestHubKey } from '../../../support/sync-fixtures.js';
import { makeCsca, type TestCertificate } from '../../../support/test-certificates.js';
import { closeAll, enrolledKiosk, fakeHub, signingKeyOf } from './sync-harness.js';

const key = testHubKey();
afterEach(closeAll);

const vietnam = makeCsca('CSCA ePassport Vietnam');
const renewed = makeCsca('CSCA ePassport Vietnam 2');
const handPlaced = makeCsca('CSCA placed by the installer');
const base64 = (certificate: TestCertificate): string => Buffer.from(certificate.der).toString('base64');

function cscaList(version: number, certificates: readonly TestCertificate[], signer: TestHubKey = key): SignedTrustFile<'csca'> {
  return signTrustFile(signingKeyOf(signer), {
    format: 'chot-trust/1',
    kind: 'csca',
    version,
    issuedAt: new Date(version * 1000).toISOString(),
    certificates: certificates.map(base64),
  });
}

async function syncedKiosk() {
  const hub = await fakeHub(key);
  hub.publish(people(20));
  hub.buildSnapshot();
  const kiosk = await enrolledKiosk(hub);
  return { hub, kiosk };
}

const trustedSubjects = (dataDir: string): string[] =>
  loadTrustedCscas(dataDir)
    .certificates.map((c) => Buffer.from(c.der).toString('base64'))
    .sort();

describe('the sync installs the hub’s trust files', () => {
  it('installs the signed CSCA list as its one file of trust/csca/, beside hand-placed ones, which loadTrustedCscas reads together; unchanged costs a 304', async () => {
    const { hub, kiosk } = await syncedKiosk();
    mkdirSync(join(kiosk.dataDir, CSCA_DIR), { recursive: true });
    writeFileSync(join(kiosk.dataDir, CSCA_DIR, 'installer.pem'), handPlaced.pem);
    const list = cscaList(1_765_000_000, [vietnam, renewed]);
    hub.trustFiles = [list];

    const first = await kiosk.sync.syncOnce();
    const file = join(kiosk.dataDir, HUB_CSCA_FILE);
    expect(first.trustInstalled).toEqual([{ kind: 'csca', version: list.version, file }]);
    expect(first.trustRefused).toEqual([]);
    expect(first.trustEtag).toBeDefined();
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(trustedSubjects(kiosk.dataDir)).toEqual([vietnam, renewed, handPlaced].map(base64).sort());
    expect(readFileSync(join(kiosk.dataDir, CSCA_DIR, 'installer.pem'), 'utf8')).toBe(handPlaced.pem);

    const second = await kiosk.sync.syncOnce();
    expect(hub.requestsTo('trust').at(-1)?.headers['if-none-match']).toBe(first.trustEtag);
    expect(second).toMatchObject({ trustInstalled: [], trustRefused: [], trustEtag: first.trustEtag });

    // A newer list replaces the hub's file only: the installer's stays.
    hub.trustFiles = [cscaList(list.version + 1, [renewed])];
    const third = await kiosk.sync.syncOnce();
    expect(third.trustInstalled).toEqual([{ kind: 'csca', version: list.version + 1, file }]);
    expect(trustedSubjects(kiosk.dataDir)).toEqual([renewed, handPlaced].map(base64).sort());
  });

  it('refuses a tampered list, another key’s and an older version, keeping the last good one; says so at every sync until fixed', async () => {
    const { hub, kiosk } = await syncedKiosk();
    const good = cscaList(1_765_000_000, [vietnam]);
    hub.trustFiles = [good];
    await kiosk.sync.syncOnce();
    const installed = readFileSync(join(kiosk.dataDir, HUB_CSCA_FILE), 'utf8');

    const cases: [unknown, string][] = [
      [{ ...cscaList(good.version + 1, [vietnam]), certificates: [base64(vietnam), base64(handPlaced)] }, 'trust.signature-invalid'],
      [cscaList(good.version + 1, [handPlaced], testHubKey()), 'trust.unknown-key'],
      [cscaList(good.version - 1, [handPlaced]), 'trust.rollback'],
    ];
    for (const [document, code] of cases) {
      hub.trustFiles = [document];
      const summary = await kiosk.sync.syncOnce();
      expect(summary.trustInstalled).toEqual([]);
      expect(summary.trustRefused).toEqual([{ kind: 'csca', version: expect.any(Number), code, message: expect.any(String) }]);
      expect(summary.trustEtag).toBeUndefined();
      expect(readFileSync(join(kiosk.dataDir, HUB_CSCA_FILE), 'utf8')).toBe(installed);
      expect(trustedSubjects(kiosk.dataDir)).toEqual([base64(vietnam)]);
    }
    // Not cached as seen: the next sync asks again, without an ETag, and reports the refusal again.
    const again = await kiosk.sync.syncOnce();
    expect(hub.requestsTo('trust').at(-1)?.headers['if-none-match']).toBeUndefined();
    expect(again.trustRefused).toHaveLength(1);
  });

  it('reports a kind it does not know and installs the kinds it does from the same answer', async () => {
    const { hub, kiosk } = await syncedKiosk();
    const { signature: _signature, ...fields } = cscaList(1_765_000_000, [vietnam]);
    const unknown = { ...fields, kind: 'vaccine-registry' };
    const signedUnknown = { ...unknown, signature: { keyId: key.keyId, value: Buffer.from(key.sign(trustFileSignedBytes(unknown))).toString('base64') } };
    hub.trustFiles = [signedUnknown, cscaList(1_765_000_000, [vietnam])];
    const summary = await kiosk.sync.syncOnce();
    expect(summary.trustRefused).toEqual([
      { kind: 'vaccine-registry', version: 1_765_000_000, code: 'trust.unknown-kind', message: expect.stringContaining('vaccine-registry') },
    ]);
    expect(summary.trustInstalled).toEqual([{ kind: 'csca', version: 1_765_000_000, file: join(kiosk.dataDir, HUB_CSCA_FILE) }]);
  });

  it('a hub that has no trust route (older than trust files) leaves the sync whole', async () => {
    const { hub, kiosk } = await syncedKiosk();
    hub.fail('trust', { kind: 'error', error: 'not-found' });
    const summary = await kiosk.sync.syncOnce();
    expect(summary).toMatchObject({ trustInstalled: [], trustRefused: [], confirmed: true });
    expect(hub.count('trust')).toBe(1);
  });
});
