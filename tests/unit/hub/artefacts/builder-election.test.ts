import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTEFACT_INDEX_NAME, checkArtefactIndex, type ArtefactIndex } from '../../../../domain/sync/artefact-index.js';
import { DirectoryArtefactStore } from '../../../../hub/artefacts/directory-artefact-store.js';
import { EnrollmentService } from '../../../../hub/enrollment/enrollment-service.js';
import { HUB_KEY_FILE, loadOrCreateHubSigningKey } from '../../../../hub/keys/hub-signing-key.js';
import { openHubStorage } from '../../../../hub/storage/open-hub-storage.js';
import { deviceIdentityFrom, publicKeyRawOf } from '../../../../main/hub-client/device-identity.js';
import { hubKeyStoreFromKeys } from '../../../../main/trust/hub-key-store.js';
import { freePort, startHubProcess, type HubProcess } from '../../../support/hub-process.js';
import { tempDataDir } from '../../../support/kiosk-process.js';
import { startPostgres, type PostgresCluster } from '../../../support/postgres.js';
import { lines } from '../hub-storage-contract.js';
import { bytesOf, eventually, people, readChunks } from '../server/hub-test-kit.js';

// Real PostgreSQL and real `chot hub serve` processes (npm run build first), never mocks.
let cluster: PostgresCluster;
beforeAll(() => {
  cluster = startPostgres();
}, 90_000);
afterAll(() => cluster?.stop());

const BUILDER_LINE = 'this hub process is now the artefact builder';

describe('one artefact builder among hub processes on one PostgreSQL', () => {
  it('the first process builds and publishes, the other serves from the store; killed, the other takes over and publishes the next sequence', async () => {
    const pgUrl = cluster.createDatabase();
    const storeDir = tempDataDir('chot-election-store-');
    // Two processes, each with its own data directory holding the same hub key (as a deployment copies it).
    const [dataA, dataB] = [tempDataDir('chot-election-a-'), tempDataDir('chot-election-b-')];
    const key = loadOrCreateHubSigningKey(dataA);
    mkdirSync(join(dataB, 'keys'), { recursive: true, mode: 0o700 });
    copyFileSync(join(dataA, HUB_KEY_FILE), join(dataB, HUB_KEY_FILE));
    const args = ['--pg', pgUrl, '--artefact-dir', storeDir, '--log-level', 'info'];
    const store = new DirectoryArtefactStore(storeDir);
    const kioskKeys = hubKeyStoreFromKeys([Buffer.from(key.publicKeyRaw).toString('base64')]);
    const publishedSnapshot = async (): Promise<number> => {
      const bytes = await store.read(ARTEFACT_INDEX_NAME);
      if (bytes === undefined) return -1;
      const check = checkArtefactIndex(JSON.parse(new TextDecoder().decode(bytes)), kioskKeys);
      return check.ok ? ((check.index as ArtefactIndex).snapshot?.seq ?? -1) : -1;
    };

    const processes: HubProcess[] = [];
    const admin = await openHubStorage({ pgUrl });
    try {
      const a = await startHubProcess(dataA, await freePort(), 60_000, args);
      processes.push(a);
      await eventually(async () => (await a.log()).includes(BUILDER_LINE), 20_000);
      const b = await startHubProcess(dataB, await freePort(), 60_000, args);
      processes.push(b);

      const first = (await admin.applyImport('person', lines(people(12)), { name: 'first.csv' })).seq;
      await eventually(async () => (await publishedSnapshot()) === first, 30_000);

      // B is not the builder: it built no snapshot, and serves the one A published from the store.
      const { code } = await new EnrollmentService(admin.enrollment).createCode('Cổng B');
      const { privateKey } = generateKeyPairSync('ed25519');
      const enrolled = await fetch(`${b.url}/v1/enroll`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ code, publicKey: Buffer.from(publicKeyRawOf(privateKey)).toString('base64') }),
      });
      const identity = deviceIdentityFrom(((await enrolled.json()) as { deviceId: string }).deviceId, privateKey);
      const snapshot = await fetch(`${b.url}/v1/snapshot`, { headers: identity.signRequest('GET', '/v1/snapshot') });
      expect(snapshot.status).toBe(200);
      expect(snapshot.headers.get('x-chot-seq')).toBe(String(first));
      // The store's chunks framed again as the API's: the snapshot at `first`, verified as a kiosk verifies it.
      const read = await readChunks(await bytesOf(snapshot), 'snapshot', Buffer.from(key.publicKeyRaw).toString('base64'));
      expect(read).toMatchObject({ complete: true, toSeq: first });
      expect(read.people.map((p) => p.id12)).toEqual(people(12).map((p) => p.id12));
      const bLog = await b.log();
      expect(bLog).not.toContain(BUILDER_LINE);
      expect(bLog).not.toMatch(/snapshot at sequence \d+ ready/);

      a.child.kill('SIGKILL');
      await a.stop();
      const second = (await admin.applyImport('person', lines(people(4, 50)), { name: 'second.csv' })).seq;
      await eventually(async () => (await b.log()).includes(BUILDER_LINE), 30_000);
      await eventually(async () => (await publishedSnapshot()) === second, 60_000);
      expect(await b.log()).toMatch(new RegExp(`snapshot at sequence ${second} ready`));
    } finally {
      for (const process of processes) await process.stop();
      await admin.close();
    }
  }, 180_000);
});
