import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadOrCreateHubSigningKey } from '../../../../hub/keys/hub-signing-key.js';
import { newBuildId, writeSnapshotFile } from '../../../../hub/server/snapshot-files.js';
import { FACTS_DATABASE_FILE, openFactsDatabase } from '../../../../main/store/facts-database.js';
import { frameChunks } from '../../../../main/sync/chunk-framer.js';
import { SyncApplier } from '../../../../main/sync/sync-applier.js';
import { tempDataDir } from '../../../support/kiosk-process.js';
import { syncBundles, type SyncBundles } from '../../../support/sync-bundle.js';
import { databaseDigest, type PeopleDigest } from '../../../support/sync-fixtures.js';
import { bytesOf, people, startTestHub, type TestHub } from './hub-test-kit.js';

let bundles: SyncBundles;
let hub: TestHub;
beforeAll(async () => {
  bundles = await syncBundles();
  hub = await startTestHub({ chunking: { maxRecords: 40 } });
});
afterAll(async () => {
  await hub.close();
});

/** A fresh kiosk database with `body` (a whole snapshot) applied, as its digest. */
async function kioskApplying(body: Uint8Array, hubPublicKey: string): Promise<PeopleDigest> {
  const file = join(tempDataDir('chot-merge-kiosk-'), FACTS_DATABASE_FILE);
  const db = openFactsDatabase(file);
  const applier = await SyncApplier.open({ factsDatabaseFile: file, hubKeys: [hubPublicKey], workerUrl: bundles.workerUrl });
  try {
    const chunks: Uint8Array[] = [];
    for await (const chunk of frameChunks([body])) chunks.push(chunk);
    await applier.applySnapshot(chunks);
    return databaseDigest(db);
  } finally {
    await applier.close();
    db.close();
  }
}

it('a running hub merges each new snapshot from the one before, and a kiosk applying it holds what a full build gives', async () => {
  const kiosk = await hub.enrol();
  await hub.server.snapshotReady(await hub.importRows('person', people(300)));
  const doses = people(300)
    .filter((_, i) => i % 7 === 0)
    .map((p) => ({ ...p, dose: 1, date: '2021-09-01', product: 'EU/1/20/1528' }));
  await hub.server.snapshotReady(await hub.importRows('vaccination', doses));
  const seq = await hub.importRows('person', [...people(25, 1000), ...people(3, 40).map((p) => ({ ...p, bhxh: '0123456789' }))]);
  await hub.server.snapshotReady(seq);
  expect(hub.logs.some((line) => line.includes(`snapshot at sequence ${seq} ready`) && line.includes('merged from sequence'))).toBe(true);

  const served = await bytesOf(await kiosk.get(`/v1/snapshot?seq=${seq}`));
  const fullDir = tempDataDir('chot-full-snapshot-');
  const full = await writeSnapshotFile({
    storage: hub.admin,
    signer: loadOrCreateHubSigningKey(hub.dataDir),
    cacheDir: fullDir,
    seq,
    buildId: newBuildId(),
    chunking: { maxRecords: 40 },
  });
  expect(full.mergedFrom).toBeUndefined();
  const fromMerge = await kioskApplying(served, kiosk.hubPublicKey);
  expect(fromMerge.count).toBe(325);
  expect(fromMerge).toEqual(await kioskApplying(readFileSync(join(fullDir, full.dataFile)), kiosk.hubPublicKey));
});
