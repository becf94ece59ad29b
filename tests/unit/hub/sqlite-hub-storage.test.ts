import Database from 'better-sqlite3';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HUB_SQLITE_FILE, SqliteHubStorage } from '../../../hub/storage/sqlite-hub-storage.js';
import { generateKeyPairSync } from 'node:crypto';
import { EnrollmentService } from '../../../hub/enrollment/enrollment-service.js';
import { HUB_SQLITE_MIGRATIONS, migrateHubSqlite } from '../../../hub/storage/sqlite-migrations.js';
import { publicKeyRawOf } from '../../../main/hub-client/device-identity.js';
import { tempDataDir } from '../../support/kiosk-process.js';
import { describeEnrollmentStoreContract, hubStorageSubject } from './enrollment-store-contract.js';
import { describeMemoryNonceStoreContract, describeNonceStoreContract, hubNonceSubject } from './nonce-store-contract.js';
import { describeKioskCensusContract } from './kiosk-census-contract.js';
import { describeDeviceStatusContract } from './device-status-contract.js';
import { AN, describeHubStorageContract, ids, lines } from './hub-storage-contract.js';

describeHubStorageContract('SQLite', () => ({ dataDir: tempDataDir('chot-hub-') }));
describeKioskCensusContract('SQLite', () => ({ dataDir: tempDataDir('chot-hub-') }));
describeDeviceStatusContract('SQLite', () => ({ dataDir: tempDataDir('chot-hub-') }));
describeEnrollmentStoreContract(
  'SQLite',
  hubStorageSubject(() => ({ dataDir: tempDataDir('chot-hub-') })),
);
describeNonceStoreContract(
  'SQLite',
  hubNonceSubject(() => ({ dataDir: tempDataDir('chot-hub-') })),
);
describeMemoryNonceStoreContract();

describe('SQLite hub schema', () => {
  it('migrations are numbered 1, 2, 3… and reach the newest version, in WAL mode', async () => {
    expect(HUB_SQLITE_MIGRATIONS.map((m) => m.version)).toEqual(HUB_SQLITE_MIGRATIONS.map((_, i) => i + 1));
    const file = join(tempDataDir('chot-hub-'), HUB_SQLITE_FILE);
    await SqliteHubStorage.open(file).close();
    const db = new Database(file, { readonly: true });
    expect(db.pragma('user_version', { simple: true })).toBe(HUB_SQLITE_MIGRATIONS.at(-1)?.version);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
  });

  it('migration 2 adds enrolment to a seeded version-1 hub and keeps its people', async () => {
    const file = join(tempDataDir('chot-hub-'), HUB_SQLITE_FILE);
    const raw = new Database(file);
    migrateHubSqlite(raw, HUB_SQLITE_MIGRATIONS.slice(0, 1));
    raw.exec(`
      INSERT INTO person (id12, old_id, bhxh, seq) VALUES (56089001234, '225123456', NULL, 1);
      INSERT INTO vaccination (id12, dose, given_on, product) VALUES (56089001234, 1, '2021-07-30', 'EU/1/20/1528');
      UPDATE feed SET seq = 1, people = 1;
      INSERT INTO change_set (seq, kind, source, rows, people_changed, applied_at) VALUES (1, 'vaccination', 'v.csv', 1, 1, '2021-10-01T00:00:00Z');
    `);
    expect(raw.pragma('user_version', { simple: true })).toBe(1);
    raw.close();

    const storage = SqliteHubStorage.open(file);
    expect(await storage.currentSeq()).toBe(1);
    expect(await storage.findPerson(AN)).toMatchObject({ id12: AN, oldId: '225123456', seq: 1, facts: { doses: [{ dose: 1, date: '2021-07-30' }] } });
    expect(await storage.enrollment.listDevices()).toEqual([]);
    const hub = new EnrollmentService(storage.enrollment);
    expect((await hub.redeem((await hub.createCode('Cổng chính')).code, publicKeyRawOf(generateKeyPairSync('ed25519').privateKey))).ok).toBe(true);
    await storage.close();
    const db = new Database(file, { readonly: true });
    expect(db.pragma('user_version', { simple: true })).toBe(HUB_SQLITE_MIGRATIONS.at(-1)?.version);
    expect(db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name IN ('enrollment_code', 'device') ORDER BY name").pluck().all()).toEqual([
      'device',
      'enrollment_code',
    ]);
    db.close();
  });

  it('an enrolment write while another process imports (holding the write lock) fails after the busy timeout, saying why', async () => {
    const file = join(tempDataDir('chot-hub-'), HUB_SQLITE_FILE);
    const storage = SqliteHubStorage.open(file);
    const importer = new Database(file);
    importer.exec('BEGIN IMMEDIATE');
    try {
      await expect(new EnrollmentService(storage.enrollment).createCode('Cổng chính')).rejects.toThrow(/hub database is busy: an import is probably writing/);
      // Reads go on meanwhile (WAL): a serving hub still verifies its kiosks.
      expect(await storage.enrollment.findDevice('k-0000000000000000')).toBeUndefined();
    } finally {
      importer.exec('ROLLBACK');
      importer.close();
      await storage.close();
    }
  });

  it('creates its folder and database owner-only: access to them is the admin credential', async () => {
    const dir = join(tempDataDir('chot-hub-'), 'new-hub');
    const file = join(dir, HUB_SQLITE_FILE);
    const storage = SqliteHubStorage.open(file);
    await storage.enrollment.saveCode({ codeHash: 'a'.repeat(64), location: 'Cổng chính', expiresAt: Date.now() + 60_000 });
    await storage.close();
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('refuses a database from a newer Chốt', () => {
    const file = join(tempDataDir('chot-hub-'), HUB_SQLITE_FILE);
    const raw = new Database(file);
    raw.pragma('user_version = 99');
    raw.close();
    expect(() => SqliteHubStorage.open(file)).toThrow(/newer than this Chốt/);
  });

  it('stores facts normalised per kind, keyed by person, with no names anywhere', async () => {
    const file = join(tempDataDir('chot-hub-'), HUB_SQLITE_FILE);
    const storage = SqliteHubStorage.open(file);
    await storage.applyImport('vaccination', lines<'vaccination'>([{ id12: AN, dose: 1, date: '2021-07-01', product: 'EU/1/20/1528' }]), { name: 'v.csv' });
    await storage.close();
    const db = new Database(file, { readonly: true });
    expect(db.prepare('SELECT * FROM vaccination').all()).toEqual([{ id12: 56089001234, dose: 1, given_on: '2021-07-01', product: 'EU/1/20/1528' }]);
    expect(db.prepare('SELECT id12, seq FROM person').all()).toEqual([{ id12: 56089001234, seq: 1 }]);
    expect(db.prepare('SELECT seq, kind, source, rows, people_changed FROM change_set').all()).toEqual([
      { seq: 1, kind: 'vaccination', source: 'v.csv', rows: 1, people_changed: 1 },
    ]);
    const columns = db
      .prepare("SELECT c.name FROM pragma_table_list() AS t, pragma_table_info(t.name) AS c WHERE t.schema = 'main' AND t.name NOT LIKE 'sqlite%'")
      .pluck()
      .all() as string[];
    expect(columns.filter((c) => /name|address|birth/i.test(c))).toEqual([]);
    db.close();
  });

  it('finds a small delta through person_by_seq and walks snapshots by the primary key (10 M people in mind)', async () => {
    const file = join(tempDataDir('chot-hub-'), HUB_SQLITE_FILE);
    const storage = SqliteHubStorage.open(file);
    await storage.applyImport('recovery', lines<'recovery'>(ids(3).map((id12) => ({ id12, recoveredOn: '2021-07-01' }))), { name: 'r.csv' });
    await storage.close();
    const db = new Database(file, { readonly: true });
    const plan = (sql: string): string => (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(1, 0, 10) as { detail: string }[]).map((r) => r.detail).join(' | ');
    expect(plan('SELECT id12 FROM person INDEXED BY person_by_seq WHERE seq > ? AND id12 > ? ORDER BY id12 LIMIT ?')).toMatch(
      /USING COVERING INDEX person_by_seq \(seq>\?\)/,
    );
    expect(plan('SELECT id12 FROM person NOT INDEXED WHERE seq <= ? AND id12 > ? ORDER BY id12 LIMIT ?')).toMatch(
      /SEARCH person USING INTEGER PRIMARY KEY \(rowid>\?\)/,
    );
    db.close();
  });
});
