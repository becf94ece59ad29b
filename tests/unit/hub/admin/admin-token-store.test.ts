import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryAdminTokenStore } from '../../../../hub/admin/admin-token-store.js';
import { openHubStorage } from '../../../../hub/storage/open-hub-storage.js';
import { HUB_SQLITE_FILE } from '../../../../hub/storage/sqlite-hub-storage.js';
import { HUB_SQLITE_MIGRATIONS, migrateHubSqlite } from '../../../../hub/storage/sqlite-migrations.js';
import { tempDataDir } from '../../../support/kiosk-process.js';
import { startPostgres, type PostgresCluster } from '../../../support/postgres.js';
import { describeAdminTokenStoreContract, hubStorageTokenSubject, memoryTokenSubject, rawRows } from './admin-token-store-contract.js';

// A real server, never a mock: a private cluster for this file (tests/support/postgres.ts).
let cluster: PostgresCluster;
beforeAll(() => {
  cluster = startPostgres();
}, 90_000);
afterAll(() => cluster?.stop());

describeAdminTokenStoreContract(
  'memory',
  memoryTokenSubject(() => new MemoryAdminTokenStore()),
);
describeAdminTokenStoreContract(
  'SQLite',
  hubStorageTokenSubject(() => ({ dataDir: tempDataDir('chot-hub-') })),
);
describeAdminTokenStoreContract(
  'PostgreSQL',
  hubStorageTokenSubject(() => ({ pgUrl: cluster.createDatabase() })),
);

describe('the admin token table', () => {
  it('is hub migration 5: a version-4 SQLite hub gains it', async () => {
    const file = join(tempDataDir('chot-hub-'), HUB_SQLITE_FILE);
    const raw = new Database(file);
    migrateHubSqlite(raw, HUB_SQLITE_MIGRATIONS.slice(0, 4));
    raw.close();
    await (await openHubStorage({ dataDir: join(file, '..') })).close();
    const db = new Database(file, { readonly: true });
    try {
      expect(db.pragma('user_version', { simple: true })).toBe(HUB_SQLITE_MIGRATIONS.at(-1)?.version);
      expect(db.prepare("SELECT name FROM sqlite_schema WHERE name = 'admin_token'").pluck().all()).toEqual(['admin_token']);
    } finally {
      db.close();
    }
  });

  it('is created once when PostgreSQL hubs open concurrently', async () => {
    const pgUrl = cluster.createDatabase();
    const opened = await Promise.all(Array.from({ length: 4 }, () => openHubStorage({ pgUrl })));
    await Promise.all(opened.map((s) => s.close()));
    expect(await rawRows({ pgUrl }, "SELECT tablename FROM pg_tables WHERE tablename = 'admin_token'")).toEqual([{ tablename: 'admin_token' }]);
  });
});
