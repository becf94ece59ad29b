import { existsSync, readdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDataDir } from '../../../support/kiosk-process.js';
import { startPostgres, type PostgresCluster } from '../../../support/postgres.js';
import { bytesOf, people, readChunks, startTestHub } from './hub-test-kit.js';

// A real server, never a mock: a private cluster for this file (tests/support/postgres.ts).
// Without Debian's postgresql package this fails, saying to install it; it never skips.
let cluster: PostgresCluster;
beforeAll(() => {
  cluster = startPostgres();
}, 90_000);
afterAll(() => cluster?.stop());

describe('hub server on PostgreSQL', () => {
  it('enrols, authenticates, and serves snapshots (built by the worker on its own pool) and deltas', async () => {
    const h = await startTestHub({ location: { pgUrl: cluster.createDatabase() }, chunking: { maxRecords: 4 } });
    try {
      const kiosk = await h.enrol();
      expect((await fetch(`${h.server.url}/v1/status`)).status).toBe(401);
      await h.importRows('person', people(10));
      await h.importRows('person', people(3, 100));
      expect(await h.server.snapshotReady(2)).toBe(2);

      const snapshot = await kiosk.get('/v1/snapshot');
      expect(snapshot.headers.get('x-chot-seq')).toBe('2');
      const read = await readChunks(await bytesOf(snapshot), 'snapshot', kiosk.hubPublicKey);
      expect(read).toMatchObject({ complete: true, chunks: 4 });
      expect(read.people.map((p) => p.id12)).toEqual([...people(10), ...people(3, 100)].map((p) => p.id12));

      const delta = await kiosk.get('/v1/delta?since=1');
      expect(delta.headers.get('etag')).toBe('"delta-1-2"');
      expect((await readChunks(await bytesOf(delta), 'delta', kiosk.hubPublicKey, { watermark: 1 })).people.map((p) => p.id12)).toEqual(
        people(3, 100).map((p) => p.id12),
      );
      expect(await (await kiosk.get('/v1/status')).json()).toMatchObject({ seq: 2, snapshotSeq: 2 });
    } finally {
      await h.close();
    }
  });

  it('builds its snapshots in a directory of its own under the shared data dir (processes share it), removed when it stops if no restart can find it', async () => {
    const dataDir = tempDataDir('chot-hub-pg-cache-');
    const own = join(dataDir, 'cache', 'snapshots', `${hostname().replace(/[^A-Za-z0-9._-]/g, '_')}-pid${process.pid}`);
    // Port 0: the next start gets another port, so this directory is this process's alone.
    const h = await startTestHub({ dataDir, location: { pgUrl: cluster.createDatabase() } });
    try {
      await h.importRows('person', people(5));
      expect(await h.server.snapshotReady(1)).toBe(1);
      expect(readdirSync(own)).toContain('snapshot-1.json');
      expect(readdirSync(join(dataDir, 'cache', 'snapshots'))).toEqual([own.split('/').at(-1)]);
    } finally {
      await h.close();
    }
    expect(existsSync(own)).toBe(false);
  });

  it('builds where snapshotCacheDir says, and keeps it', async () => {
    const dataDir = tempDataDir('chot-hub-pg-cache-');
    const cacheDir = join(tempDataDir('chot-hub-pg-own-cache-'), 'snapshots');
    const h = await startTestHub({ dataDir, snapshotCacheDir: cacheDir, location: { pgUrl: cluster.createDatabase() } });
    try {
      expect(await h.server.snapshotReady(0)).toBe(0);
      expect(readdirSync(cacheDir)).toContain('snapshot-0.json');
      expect(existsSync(join(dataDir, 'cache'))).toBe(false);
    } finally {
      await h.close();
    }
    expect(readdirSync(cacheDir)).toContain('snapshot-0.json');
  });
});
