import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BuildWorker } from '../../../../hub/server/build-worker-client.js';
import { hubWorkerBundle } from '../../../support/hub-bundle.js';
import { until } from '../../../support/wait-for.js';
import { people, startTestHub, type TestHub } from './hub-test-kit.js';

const hubs: TestHub[] = [];
afterEach(async () => {
  await Promise.all(hubs.splice(0).map((h) => h.close()));
});

/**
 * A build thread stopped mid-snapshot ends itself between two chunks. Worker.terminate()
 * there could land inside a zlib call (every chunk is deflated), and Node then aborts the
 * whole process on a zlib handle cleaned up before its init: a hub stopping while it built
 * would dump core instead of exiting, taking its open requests with it.
 */
describe('a build thread asked to stop in the middle of a snapshot', () => {
  it('ends itself between two tasks (exit code 0, not terminated), its job failed, and the next job starts a new thread', async () => {
    const h = await startTestHub();
    hubs.push(h);
    const seq = await h.importRows('person', people(20_000));
    const cacheDir = join(h.dataDir, 'stop-test-cache');
    const worker = new BuildWorker({ location: { dataDir: h.dataDir }, keyDir: h.dataDir, cacheDir }, await hubWorkerBundle());
    try {
      for (let round = 0; round < 3; round += 1) {
        // Small chunks: thousands of deflate calls, so the stop arrives while they run.
        const build = worker.run({ type: 'snapshot', seq, buildId: `stop${round}`, pageSize: 1_000, chunking: { maxRecords: 5 } });
        const failed = build.then(
          () => 'finished',
          () => 'failed',
        );
        await until(() => existsSync(cacheDir) && readdirSync(cacheDir).some((name) => name.includes(`stop${round}`)), 'the build under way');
        expect(await worker.terminate()).toBe(0);
        expect(await failed).toBe('failed');
      }
    } finally {
      await worker.close();
    }
  });
});
