import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPostgres, type PostgresCluster } from '../../support/postgres.js';
import { tempDataDir } from '../../support/kiosk-process.js';
import { openHubStorage } from '../../../hub/storage/open-hub-storage.js';
import { HUB_SQLITE_FILE } from '../../../hub/storage/sqlite-hub-storage.js';
import { SQLITE_KIOSK_ACTIVITY, SQLITE_SCAN_COUNTS } from '../../../hub/storage/sqlite-report-store.js';
import { describeReportStoreContract } from './report-store-contract.js';

// A real server, never a mock: a private cluster for this file (tests/support/postgres.ts).
let cluster: PostgresCluster;
beforeAll(() => {
  cluster = startPostgres();
}, 90_000);
afterAll(() => cluster?.stop());

describeReportStoreContract('SQLite', () => ({ dataDir: tempDataDir('chot-hub-') }));
describeReportStoreContract('PostgreSQL', () => ({ pgUrl: cluster.createDatabase() }));

describe('SQLite report store', () => {
  it('reads the period place by place through entry_by_place: no full scan of the entry table', async () => {
    const dataDir = tempDataDir('chot-hub-');
    await (await openHubStorage({ dataDir })).close();
    const db = new Database(join(dataDir, HUB_SQLITE_FILE), { readonly: true });
    try {
      for (const sql of [SQLITE_SCAN_COUNTS('day'), SQLITE_SCAN_COUNTS('week'), SQLITE_KIOSK_ACTIVITY]) {
        const plan = (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(0, 1) as { detail: string }[]).map((r) => r.detail).join(' | ');
        expect(plan).toMatch(/SEARCH e USING INDEX entry_by_place \(location=\? AND at_ms>\? AND at_ms<\?\)/);
        // The places: the first in index order (LIMIT 1 stops the scan at once), then a seek for each next one.
        expect(plan).toMatch(/SEARCH e USING COVERING INDEX entry_by_place \(location>\?\)/);
        expect(plan).not.toMatch(/SCAN (entry|e)\b(?! USING COVERING INDEX entry_by_place)/);
      }
    } finally {
      db.close();
    }
  });
});
