import { gzipSync } from 'node:zlib';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kioskChain } from '../../../support/entry-fixtures.js';
import { startPostgres, type PostgresCluster } from '../../../support/postgres.js';
import { eventually, people, startTestHub, type TestHub, type TestKiosk } from './hub-test-kit.js';

// A real server and real PostgreSQL locks: the backlog is uploads really waiting in the database.
let cluster: PostgresCluster;
beforeAll(() => {
  cluster = startPostgres();
}, 90_000);
afterAll(() => cluster?.stop());

/** More uploads than the server's pool (and the upload thread's) has connections. */
const UPLOADS = 8;

function upload(h: TestHub, kiosk: TestKiosk, n: number): Promise<Response> {
  const entries = kioskChain(kiosk.identity.deviceId, n, (seq) => ({
    at: new Date(Date.now() - (n - seq) * 1000).toISOString(),
    location: 'Cổng chính',
    personId: `0790950${String(seq).padStart(5, '0')}`,
  }));
  const body = gzipSync(JSON.stringify({ entries }));
  return fetch(`${h.server.url}/v1/entries`, {
    method: 'POST',
    body: new Uint8Array(body),
    headers: { 'content-type': 'application/json', 'content-encoding': 'gzip', ...kiosk.identity.signRequest('POST', '/v1/entries', body) },
  });
}

describe('uploads off the request path (PostgreSQL)', () => {
  it('answers sync requests while a backlog of uploads waits in the database, and acknowledges each upload only once it is stored', async () => {
    const url = cluster.createDatabase();
    const h = await startTestHub({ location: { pgUrl: url } });
    const blocker = new pg.Client({ connectionString: url });
    await blocker.connect();
    // Another connection to watch from: inside the blocker's transaction, pg_stat_activity stays as first read.
    const observer = new pg.Client({ connectionString: url });
    await observer.connect();
    try {
      const reader = await h.enrol();
      const uploaders: TestKiosk[] = [];
      for (let i = 0; i < UPLOADS; i += 1) uploaders.push(await h.enrol());
      await h.importRows('person', people(5));
      await h.importRows('person', people(3, 100));
      // One upload through first: the upload thread and its connection are up.
      expect((await upload(h, uploaders[0] as TestKiosk, 1)).status).toBe(200);

      // Every ingest must take entry_chain's row lock: held here, ingest waits as it would
      // behind a slow disk or a national-size batch, with its transaction open.
      await blocker.query('BEGIN');
      await blocker.query('LOCK TABLE entry_chain IN EXCLUSIVE MODE');
      let stored = 0;
      const pending = uploaders.map((kiosk) =>
        upload(h, kiosk, 200).then((response) => {
          stored += 1;
          return response;
        }),
      );
      // The backlog is in the database: as many ingests waiting on the lock as connections carry them.
      await eventually(async () => {
        const { rows } = await observer.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%entry_chain%'`,
        );
        return (rows[0]?.n ?? 0) >= 4;
      }, 60_000);

      // Meanwhile, sync requests (each signed, so each also records its nonce in PostgreSQL) are answered.
      const status = await reader.get('/v1/status');
      expect(status.status).toBe(200);
      expect(await status.json()).toMatchObject({ seq: 2 });
      const delta = await reader.get('/v1/delta?since=1');
      expect(delta.status).toBe(200);
      expect(delta.headers.get('etag')).toBe('"delta-1-2"');
      expect(stored).toBe(0);

      await blocker.query('ROLLBACK');
      const answers = await Promise.all(pending);
      expect(answers.map((a) => a.status)).toEqual(uploaders.map(() => 200));
      const bodies = (await Promise.all(answers.map((a) => a.json()))) as { accepted: number; receipt: { contiguousSeq: number } }[];
      expect(bodies[1]).toMatchObject({ accepted: 200, receipt: { contiguousSeq: 200 } });

      // Acknowledged means committed: trace and reports see every entry at once, no queue to drain.
      const kiosk = (uploaders[3] as TestKiosk).identity.deviceId;
      expect(await h.admin.entries.chain(kiosk)).toMatchObject({ contiguousSeq: 200, maxSeq: 200 });
      const places = await h.admin.entries.trace({ personId: '079095000007', fromMs: Date.now() - 3600_000, toMs: Date.now() + 60_000, windowMs: 0 });
      expect(places.length).toBe(UPLOADS);
    } finally {
      await blocker.end();
      await observer.end();
      await h.close();
    }
  }, 120_000);

  it('past the uploads it holds at once, an upload is answered at once with 503 busy and a Retry-After, and sent again it is stored', async () => {
    const url = cluster.createDatabase();
    const h = await startTestHub({ location: { pgUrl: url }, ingestAdmission: { maxInFlight: 3, maxRetryAfterSeconds: 60 } });
    const blocker = new pg.Client({ connectionString: url });
    await blocker.connect();
    const observer = new pg.Client({ connectionString: url });
    await observer.connect();
    try {
      const uploaders: TestKiosk[] = [];
      for (let i = 0; i < 6; i += 1) uploaders.push(await h.enrol());
      expect((await upload(h, uploaders[0] as TestKiosk, 1)).status).toBe(200);
      await blocker.query('BEGIN');
      await blocker.query('LOCK TABLE entry_chain IN EXCLUSIVE MODE');
      // Three held behind the lock (each in the database, so admitted) before the others come.
      const held = uploaders.slice(0, 3).map((kiosk) => upload(h, kiosk, 50));
      await eventually(async () => {
        const { rows } = await observer.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%entry_chain%'`,
        );
        return (rows[0]?.n ?? 0) >= 3;
      }, 60_000);
      const refused = await Promise.all(uploaders.slice(3).map((kiosk) => upload(h, kiosk, 50)));
      expect(refused.map((answer) => answer.status)).toEqual([503, 503, 503]);
      for (const answer of refused) {
        expect(Number(answer.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
        expect(Number(answer.headers.get('retry-after'))).toBeLessThanOrEqual(60);
        expect(await answer.json()).toMatchObject({ error: 'busy', message: expect.stringContaining('holds 3 uploads') });
      }
      await blocker.query('ROLLBACK');
      expect((await Promise.all(held)).map((answer) => answer.status)).toEqual([200, 200, 200]);
      // Sent again once the hub has room, as the kiosk's upload loop does after Retry-After.
      const again = await Promise.all(uploaders.slice(3).map((kiosk) => upload(h, kiosk, 50)));
      expect(again.map((answer) => answer.status)).toEqual([200, 200, 200]);
    } finally {
      await blocker.end();
      await observer.end();
      await h.close();
    }
  }, 120_000);
});
