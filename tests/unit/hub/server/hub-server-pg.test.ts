import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
});
