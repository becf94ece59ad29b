import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { PgHubStorage } from '../../../hub/storage/pg-hub-storage.js';
import { HUB_PG_MIGRATIONS } from '../../../hub/storage/pg-migrations.js';
import { startPostgres, type PostgresCluster } from '../../support/postgres.js';
import { describeHubStorageContract } from './hub-storage-contract.js';

// A real server, never a mock: a private cluster for this file (tests/support/postgres.ts).
// Without Debian's postgresql package this fails, saying to install it; it never skips.
let cluster: PostgresCluster;
beforeAll(() => {
  cluster = startPostgres();
}, 90_000);
afterAll(() => cluster?.stop());

describeHubStorageContract('PostgreSQL', () => ({ pgUrl: cluster.createDatabase() }));

describe('the test cluster', () => {
  it('fails, saying what to install, when the PostgreSQL server is missing', () => {
    vi.stubEnv('CHOT_PG_BIN', '/nonexistent/postgresql/bin');
    try {
      expect(() => startPostgres()).toThrow(/PostgreSQL server binaries not found.*apt-get install -y postgresql/);
    } finally {
      vi.unstubAllEnvs();
    }
  });
});

describe('PostgreSQL hub schema', () => {
  it('records its migrations and applies none twice', async () => {
    const url = cluster.createDatabase();
    await (await PgHubStorage.open(url)).close();
    await (await PgHubStorage.open(url)).close();
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const { rows } = await client.query<{ version: number }>('SELECT version FROM chot_schema ORDER BY version');
      expect(rows.map((r) => r.version)).toEqual(HUB_PG_MIGRATIONS.map((m) => m.version));
      const indexes = await client.query<{ indexdef: string }>("SELECT indexdef FROM pg_indexes WHERE tablename = 'person'");
      expect(indexes.rows.map((r) => r.indexdef).join('\n')).toContain('person_by_seq ON public.person USING btree (seq, id12)');
    } finally {
      await client.end();
    }
  });

  it('refuses a database from a newer Chốt', async () => {
    const url = cluster.createDatabase();
    await (await PgHubStorage.open(url)).close();
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query("INSERT INTO chot_schema (version, name) VALUES (99, 'from the future')");
    await client.end();
    await expect(PgHubStorage.open(url)).rejects.toThrow(/newer than this Chốt/);
  });
});
