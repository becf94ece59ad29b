import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILDER_LOCK_KEY, PgBuilderLease } from '../../../../hub/artefacts/builder-lease.js';
import { memoryLogger } from '../../../support/memory-logger.js';
import { startPostgres, type PostgresCluster } from '../../../support/postgres.js';
import { eventually } from '../server/hub-test-kit.js';

let cluster: PostgresCluster;
beforeAll(() => {
  cluster = startPostgres();
}, 90_000);
afterAll(() => cluster?.stop());

/** The backend pids holding the builder lock now. */
async function lockHolders(admin: pg.Client): Promise<number[]> {
  const { rows } = await admin.query<{ pid: number }>(
    "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted AND ((classid::bigint << 32) | objid::bigint) = $1::bigint",
    [BUILDER_LOCK_KEY],
  );
  return rows.map((row) => row.pid);
}

describe('PgBuilderLease', () => {
  it('one holder at a time; a holder whose session is killed stops building at once and another takes over', async () => {
    const url = cluster.createDatabase();
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    const a = await PgBuilderLease.start(url, memoryLogger(), 100);
    const b = await PgBuilderLease.start(url, memoryLogger(), 100);
    try {
      const aChanges: boolean[] = [];
      a.onChange((builder) => aChanges.push(builder));
      expect([a.isBuilder(), b.isBuilder()]).toEqual([true, false]);
      const [holder] = await lockHolders(admin);
      expect(await lockHolders(admin)).toHaveLength(1);

      // The database ends A's session (a network cut, an operator): A must stop building, B takes over.
      await admin.query('SELECT pg_terminate_backend($1)', [holder]);
      await eventually(() => !a.isBuilder() && b.isBuilder(), 10_000);
      expect(aChanges).toEqual([false]);
      expect(await lockHolders(admin)).toHaveLength(1);

      // B closes (a clean stop): A, retrying, is the builder again.
      await b.close();
      await eventually(() => a.isBuilder(), 10_000);
      expect(aChanges).toEqual([false, true]);
    } finally {
      await a.close();
      await b.close();
      await admin.end();
    }
  }, 60_000);
});
