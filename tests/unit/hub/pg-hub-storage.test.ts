import { generateKeyPairSync } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { EnrollmentService } from '../../../hub/enrollment/enrollment-service.js';
import { PgHubStorage } from '../../../hub/storage/pg-hub-storage.js';
import { HUB_PG_MIGRATIONS, migrateHubPg } from '../../../hub/storage/pg-migrations.js';
import { publicKeyRawOf } from '../../../main/hub-client/device-identity.js';
import { startPostgres, type PostgresCluster } from '../../support/postgres.js';
import { describeEnrollmentStoreContract, hubStorageSubject } from './enrollment-store-contract.js';
import { describeNonceStoreContract, hubNonceSubject } from './nonce-store-contract.js';
import { describeKioskCensusContract } from './kiosk-census-contract.js';
import { describeDeviceStatusContract } from './device-status-contract.js';
import { AN, describeHubStorageContract } from './hub-storage-contract.js';

// A real server, never a mock: a private cluster for this file (tests/support/postgres.ts).
// Without Debian's postgresql package this fails, saying to install it; it never skips.
let cluster: PostgresCluster;
beforeAll(() => {
  cluster = startPostgres();
}, 90_000);
afterAll(() => cluster?.stop());

describeHubStorageContract('PostgreSQL', () => ({ pgUrl: cluster.createDatabase() }));
describeKioskCensusContract('PostgreSQL', () => ({ pgUrl: cluster.createDatabase() }));
describeDeviceStatusContract('PostgreSQL', () => ({ pgUrl: cluster.createDatabase() }));
describeEnrollmentStoreContract(
  'PostgreSQL',
  hubStorageSubject(() => ({ pgUrl: cluster.createDatabase() })),
);
describeNonceStoreContract(
  'PostgreSQL',
  hubNonceSubject(() => ({ pgUrl: cluster.createDatabase() })),
);

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

  it('migration 2 adds enrolment to a seeded version-1 hub and keeps its people', async () => {
    const url = cluster.createDatabase();
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await migrateHubPg(client, HUB_PG_MIGRATIONS.slice(0, 1));
      await client.query(`
        INSERT INTO person (id12, old_id, bhxh, seq) VALUES (56089001234, '225123456', NULL, 1);
        INSERT INTO vaccination (id12, dose, given_on, product) VALUES (56089001234, 1, '2021-07-30', 'EU/1/20/1528');
        UPDATE feed SET seq = 1, people = 1;
        INSERT INTO change_set (seq, kind, source, rows, people_changed) VALUES (1, 'vaccination', 'v.csv', 1, 1);
      `);
      expect((await client.query('SELECT version FROM chot_schema')).rows).toEqual([{ version: 1 }]);

      const storage = await PgHubStorage.open(url);
      try {
        expect(await storage.currentSeq()).toBe(1);
        expect(await storage.findPerson(AN)).toMatchObject({ id12: AN, oldId: '225123456', seq: 1, facts: { doses: [{ dose: 1, date: '2021-07-30' }] } });
        expect(await storage.enrollment.listDevices()).toEqual([]);
        const hub = new EnrollmentService(storage.enrollment);
        expect((await hub.redeem((await hub.createCode('Cổng chính')).code, publicKeyRawOf(generateKeyPairSync('ed25519').privateKey))).ok).toBe(true);
      } finally {
        await storage.close();
      }
      expect((await client.query('SELECT version FROM chot_schema ORDER BY version')).rows).toEqual(HUB_PG_MIGRATIONS.map((m) => ({ version: m.version })));
      const tables = await client.query<{ tablename: string }>(
        "SELECT tablename FROM pg_tables WHERE tablename IN ('enrollment_code', 'device') ORDER BY tablename",
      );
      expect(tables.rows.map((r) => r.tablename)).toEqual(['device', 'enrollment_code']);
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
