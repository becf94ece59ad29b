import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { FACTS_DATABASE_FILE } from '../../../../main/store/facts-database.js';
import { SyncApplier } from '../../../../main/sync/sync-applier.js';
import { tempDataDir } from '../../../support/kiosk-process.js';
import { syncBundles, type SyncBundles } from '../../../support/sync-bundle.js';
import { testHubKey } from '../../../support/sync-fixtures.js';

/**
 * The sync applier's worker thread failing — at start, or in the middle of its work — is
 * a refused sync for the kiosk, never an uncaught 'error' event that ends the process.
 */
const key = testHubKey();
let bundles: SyncBundles;
beforeAll(async () => {
  bundles = await syncBundles();
});

describe('sync applier: a failing worker thread', () => {
  it('a worker that cannot open the facts database: open() is refused with sync.worker', async () => {
    const file = join(tempDataDir('chot-sync-'), FACTS_DATABASE_FILE);
    writeFileSync(file, 'this is not an SQLite database, and it is long enough to have a header......');
    await expect(SyncApplier.open({ factsDatabaseFile: file, hubKeys: [key.publicKeyBase64], workerUrl: bundles.workerUrl })).rejects.toMatchObject({
      code: 'sync.worker',
    });
  });

  it('a worker that dies mid-work: the call in flight and every later one are refused', async () => {
    // A worker that starts like the real one, then throws on its first request.
    const dying = new URL(
      `data:text/javascript,${encodeURIComponent("import { parentPort } from 'node:worker_threads'; parentPort.postMessage({ type: 'ready' }); parentPort.on('message', () => { throw new Error('worker fault'); });")}`,
    );
    const applier = await SyncApplier.open({
      factsDatabaseFile: join(tempDataDir('chot-sync-'), FACTS_DATABASE_FILE),
      hubKeys: [key.publicKeyBase64],
      workerUrl: dying,
    });
    await expect(applier.position()).rejects.toMatchObject({ code: 'sync.worker', message: expect.stringContaining('worker fault') });
    await expect(applier.position()).rejects.toMatchObject({ code: 'sync.closed' });
    await applier.close();
  });
});
