import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { PgHubStorage } from '../../../hub/storage/pg-hub-storage.js';
import { HUB_PG_MIGRATIONS, migrateHubPg } from '../../../hub/storage/pg-migrations.js';
import { ENTRY_COLUMN_NAMES, entryColumns } from '../../../hub/entries/ingest-plan.js';
import { HUB_SQLITE_FILE, SqliteHubStorage } from '../../../hub/storage/sqlite-hub-storage.js';
import { HUB_SQLITE_MIGRATIONS, migrateHubSqlite } from '../../../hub/storage/sqlite-migrations.js';
import { chainedStored, entryRecord, entryRecordV1, entryRecordV2, entryRecordV3, kioskChain } from '../../support/entry-fixtures.js';
import { tempDataDir } from '../../support/kiosk-process.js';
import { CURRENT_ENTRY_FORMAT } from '../../../domain/entries/entry-record.js';
import { startPostgres, type PostgresCluster } from '../../support/postgres.js';
import { F0 } from './entry-store-fixtures.js';

/**
 * The hub's entry table across its migrations, on both engines: rows stored by an older hub
 * keep their values and hashes, and verify in the newest format.
 */

// A real server, never a mock: a private cluster for this file (tests/support/postgres.ts).
let cluster: PostgresCluster;
beforeAll(() => {
  cluster = startPostgres();
}, 90_000);
afterAll(() => cluster?.stop());

const DEVICE_V2 = "INSERT INTO device (device_id, public_key, location, revoked, enrolled_at) VALUES ('k-1111111111111111', zeroblob(32), 'Chợ Đầm', 0, 1)";

describe('migrations 3 and 4', () => {
  it('adds the entry tables to a seeded version-2 SQLite hub and keeps its devices', async () => {
    const file = join(tempDataDir('chot-hub-'), HUB_SQLITE_FILE);
    const raw = new Database(file);
    migrateHubSqlite(raw, HUB_SQLITE_MIGRATIONS.slice(0, 2));
    raw.exec(DEVICE_V2);
    raw.close();
    const storage = SqliteHubStorage.open(file);
    try {
      expect(await storage.enrollment.findDevice('k-1111111111111111')).toMatchObject({ location: 'Chợ Đầm' });
      expect(await storage.entries.ingest('k-1111111111111111', kioskChain('k-1111111111111111', 2))).toMatchObject({ accepted: 2, contiguousSeq: 2 });
    } finally {
      await storage.close();
    }
    const db = new Database(file, { readonly: true });
    expect(db.pragma('user_version', { simple: true })).toBe(HUB_SQLITE_MIGRATIONS.at(-1)?.version);
    expect(db.prepare('SELECT DISTINCT format FROM entry').pluck().all()).toEqual([CURRENT_ENTRY_FORMAT]);
    expect(db.prepare("SELECT name FROM sqlite_schema WHERE name LIKE 'entry%' ORDER BY name").pluck().all()).toEqual([
      'entry',
      'entry_by_person',
      'entry_by_place',
      'entry_chain',
      'entry_conflict',
      'entry_flag',
    ]);
    db.close();
  });

  it('keeps the entries of a version-3 SQLite hub: they were all logged and hashed in format 2', async () => {
    const file = join(tempDataDir('chot-hub-'), HUB_SQLITE_FILE);
    const raw = new Database(file);
    migrateHubSqlite(raw, HUB_SQLITE_MIGRATIONS.slice(0, 3));
    const entries = chainedStored([1, 2, 3].map((seq) => entryRecordV2('k-1111111111111111', seq)));
    // Two entries as a version-3 hub stored them (its 19 columns).
    const v3Columns = ENTRY_COLUMN_NAMES.slice(0, 19);
    const insert = raw.prepare(`INSERT INTO entry (${v3Columns.join(', ')}) VALUES (${v3Columns.map(() => '?').join(', ')})`);
    for (const entry of entries.slice(0, 2))
      insert.run(...entryColumns('k-1111111111111111', { entry, atMs: Date.parse(entry.at), problem: null }).slice(0, 19));
    raw.close();
    const storage = SqliteHubStorage.open(file);
    try {
      // The third entry chains onto the two stored before migration 4.
      expect(await storage.entries.ingest('k-1111111111111111', entries.slice(2))).toMatchObject({ accepted: 1, contiguousSeq: 3, problems: [] });
    } finally {
      await storage.close();
    }
    const db = new Database(file, { readonly: true });
    expect(db.prepare('SELECT seq, format, entry_kiosk_id FROM entry ORDER BY seq').all()).toEqual(
      [1, 2, 3].map((seq) => ({ seq, format: 2, entry_kiosk_id: null })),
    );
    db.close();
  });

  it('adds the entry tables to a seeded version-2 PostgreSQL hub and keeps its devices', async () => {
    const url = cluster.createDatabase();
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await migrateHubPg(client, HUB_PG_MIGRATIONS.slice(0, 2));
      await client.query(
        "INSERT INTO device (device_id, public_key, location, revoked, enrolled_at) VALUES ('k-1111111111111111', decode(repeat('00', 32), 'hex'), 'Chợ Đầm', false, now())",
      );
      const storage = await PgHubStorage.open(url);
      try {
        expect(await storage.enrollment.findDevice('k-1111111111111111')).toMatchObject({ location: 'Chợ Đầm' });
        expect(await storage.entries.ingest('k-1111111111111111', kioskChain('k-1111111111111111', 2))).toMatchObject({ accepted: 2, contiguousSeq: 2 });
      } finally {
        await storage.close();
      }
      expect((await client.query('SELECT version FROM chot_schema ORDER BY version')).rows).toEqual(HUB_PG_MIGRATIONS.map(({ version }) => ({ version })));
      const indexes = await client.query<{ indexname: string }>("SELECT indexname FROM pg_indexes WHERE tablename = 'entry' ORDER BY indexname");
      expect(indexes.rows.map((r) => r.indexname)).toEqual(['entry_by_person', 'entry_by_place', 'entry_pkey']);
    } finally {
      await client.end();
    }
  });
});

describe('migration 7: entry format 3', () => {
  const K = 'k-1111111111111111';
  const SIGNER = 'C=VN, O=Bộ Công an, CN=Document Signer 07#0a1b2c3d';
  // Entries 1–2 as an old kiosk logged them (format 1), 3–4 in format 2; then a chip read in format 3.
  const log = chainedStored([
    entryRecordV1(1),
    entryRecordV1(2),
    entryRecordV2(K, 3),
    entryRecordV2(K, 4),
    { ...entryRecord(K, 5, { sourceKind: 'chip', credentialKind: 'chip', authenticity: 'chip-verified', documentSigner: SIGNER, personId: F0 }), format: 3 },
  ]);
  /** A row as a version-6 hub stored it: every column but the document signer. */
  const v6Row = (seq: number) => {
    const entry = log[seq - 1]!;
    return entryColumns(K, { entry, atMs: Date.parse(entry.at), problem: null }).slice(0, ENTRY_COLUMN_NAMES.indexOf('document_signer'));
  };
  const V6_COLUMNS = ENTRY_COLUMN_NAMES.slice(0, ENTRY_COLUMN_NAMES.indexOf('document_signer'));
  const trace = { personId: F0, fromMs: 0, toMs: Date.parse('2022-01-01T00:00:00Z'), windowMs: 0 };

  it('rebuilds a version-6 SQLite hub’s entry table: rows and indexes as they were, format-3 entries chain on', async () => {
    const file = join(tempDataDir('chot-hub-'), HUB_SQLITE_FILE);
    const raw = new Database(file);
    migrateHubSqlite(raw, HUB_SQLITE_MIGRATIONS.slice(0, 6));
    const insert = raw.prepare(`INSERT INTO entry (${V6_COLUMNS.join(', ')}) VALUES (${V6_COLUMNS.map(() => '?').join(', ')})`);
    for (const seq of [1, 2, 3, 4]) insert.run(...v6Row(seq));
    raw.prepare("INSERT INTO entry_flag (kiosk_id, seq, flag, detail) VALUES (?, 4, 'clock-skew', 'x')").run(K);
    const before = raw.prepare('SELECT * FROM entry ORDER BY kiosk_id, seq').all();
    raw.close();

    const storage = SqliteHubStorage.open(file);
    try {
      expect(await storage.entries.ingest(K, log.slice(4))).toEqual({ accepted: 1, duplicates: 0, contiguousSeq: 5, problems: [] });
      expect((await storage.entries.trace(trace))[0]?.visit).toMatchObject({ seq: 5, credentialKind: 'chip', documentSigner: SIGNER });
    } finally {
      await storage.close();
    }
    const db = new Database(file);
    try {
      expect(db.pragma('user_version', { simple: true })).toBe(HUB_SQLITE_MIGRATIONS.length);
      expect(db.prepare('SELECT * FROM entry WHERE seq < 5 ORDER BY kiosk_id, seq').all()).toEqual(
        before.map((row) => ({ ...(row as object), document_signer: null, entered_by: null })),
      );
      expect(db.prepare('SELECT count(*) FROM entry_flag').pluck().get()).toBe(1);
      expect(db.prepare("SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'entry' AND sql IS NOT NULL ORDER BY name").pluck().all()).toEqual([
        'entry_by_person',
        'entry_by_place',
      ]);
      expect(() => db.prepare(`UPDATE entry SET document_signer = 'x#01' WHERE seq = 4`).run()).toThrow(/CHECK constraint failed/);
      expect(() => db.prepare('UPDATE entry SET format = 5 WHERE seq = 4').run()).toThrow(/CHECK constraint failed/);
    } finally {
      db.close();
    }
  });

  it('adds the column to a version-6 PostgreSQL hub: rows as they were, format-3 entries chain on', async () => {
    const url = cluster.createDatabase();
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await migrateHubPg(client, HUB_PG_MIGRATIONS.slice(0, 6));
      for (const seq of [1, 2, 3, 4])
        await client.query(`INSERT INTO entry (${V6_COLUMNS.join(', ')}) VALUES (${V6_COLUMNS.map((_, i) => `$${i + 1}`).join(', ')})`, v6Row(seq));
      const before = (await client.query('SELECT * FROM entry ORDER BY seq')).rows;
      const storage = await PgHubStorage.open(url);
      try {
        expect(await storage.entries.ingest(K, log.slice(4))).toEqual({ accepted: 1, duplicates: 0, contiguousSeq: 5, problems: [] });
        expect((await storage.entries.trace(trace))[0]?.visit).toMatchObject({ seq: 5, credentialKind: 'chip', documentSigner: SIGNER });
      } finally {
        await storage.close();
      }
      expect((await client.query('SELECT max(version) AS v FROM chot_schema')).rows[0]).toEqual({ v: HUB_PG_MIGRATIONS.at(-1)?.version });
      expect((await client.query('SELECT * FROM entry WHERE seq < 5 ORDER BY seq')).rows).toEqual(
        before.map((row) => ({ ...row, document_signer: null, entered_by: null })),
      );
      await expect(client.query(`UPDATE entry SET document_signer = 'x#01' WHERE seq = 4`)).rejects.toThrow(/entry_document_signer_check/);
      await expect(client.query('UPDATE entry SET format = 5 WHERE seq = 4')).rejects.toThrow(/entry_format_check/);
    } finally {
      await client.end();
    }
  });
});

describe('migration 8: entry format 4 (who typed a typed ID)', () => {
  const K = 'k-1111111111111111';
  const SIGNER = 'C=VN, O=Bộ Công an, CN=Document Signer 07#0a1b2c3d';
  const TYPED = { sourceKind: 'manual', sourceDeviceId: 'staff-keypad', credentialKind: 'manual', authenticity: 'manual', personId: F0 };
  // Entries 1 in format 1, 2 in format 2, 3 a chip read in format 3; then an ID staff typed, in format 4.
  const log = chainedStored([
    entryRecordV1(1),
    entryRecordV2(K, 2),
    entryRecordV3(K, 3, { sourceKind: 'chip', credentialKind: 'chip', authenticity: 'chip-verified', documentSigner: SIGNER }),
    { ...entryRecord(K, 4, { ...TYPED, enteredBy: 'Nguyễn Thị Lan' }), format: 4 },
  ]);
  /** A row as a version-7 hub stored it: every column but who typed it. */
  const V7_COLUMNS = ENTRY_COLUMN_NAMES.slice(0, ENTRY_COLUMN_NAMES.indexOf('entered_by'));
  const v7Row = (seq: number) => {
    const entry = log[seq - 1]!;
    return entryColumns(K, { entry, atMs: Date.parse(entry.at), problem: null }).slice(0, V7_COLUMNS.length);
  };
  const trace = { personId: F0, fromMs: 0, toMs: Date.parse('2022-01-01T00:00:00Z'), windowMs: 0 };

  it('rebuilds a version-7 SQLite hub’s entry table: rows and indexes as they were, a format-4 typed ID chains on with who typed it', async () => {
    const file = join(tempDataDir('chot-hub-'), HUB_SQLITE_FILE);
    const raw = new Database(file);
    migrateHubSqlite(raw, HUB_SQLITE_MIGRATIONS.slice(0, 7));
    const insert = raw.prepare(`INSERT INTO entry (${V7_COLUMNS.join(', ')}) VALUES (${V7_COLUMNS.map(() => '?').join(', ')})`);
    for (const seq of [1, 2, 3]) insert.run(...v7Row(seq));
    const before = raw.prepare('SELECT * FROM entry ORDER BY kiosk_id, seq').all();
    raw.close();

    const storage = SqliteHubStorage.open(file);
    try {
      expect(await storage.entries.ingest(K, log.slice(3))).toEqual({ accepted: 1, duplicates: 0, contiguousSeq: 4, problems: [] });
      expect((await storage.entries.trace(trace))[0]?.visit).toMatchObject({ seq: 4, credentialKind: 'manual', enteredBy: 'Nguyễn Thị Lan' });
    } finally {
      await storage.close();
    }
    const db = new Database(file);
    try {
      expect(db.pragma('user_version', { simple: true })).toBe(HUB_SQLITE_MIGRATIONS.at(-1)?.version);
      expect(db.prepare('SELECT * FROM entry WHERE seq < 4 ORDER BY kiosk_id, seq').all()).toEqual(
        before.map((row) => ({ ...(row as object), entered_by: null })),
      );
      expect(db.prepare('SELECT document_signer FROM entry WHERE seq = 3').pluck().get()).toBe(SIGNER);
      expect(db.prepare("SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'entry' AND sql IS NOT NULL ORDER BY name").pluck().all()).toEqual([
        'entry_by_person',
        'entry_by_place',
      ]);
      expect(() => db.prepare(`UPDATE entry SET entered_by = 'Lan' WHERE seq = 3`).run()).toThrow(/CHECK constraint failed/);
      expect(() => db.prepare('UPDATE entry SET format = 5 WHERE seq = 4').run()).toThrow(/CHECK constraint failed/);
    } finally {
      db.close();
    }
  });

  it('adds the column to a version-7 PostgreSQL hub: rows as they were, a format-4 typed ID chains on with who typed it', async () => {
    const url = cluster.createDatabase();
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await migrateHubPg(client, HUB_PG_MIGRATIONS.slice(0, 7));
      for (const seq of [1, 2, 3])
        await client.query(`INSERT INTO entry (${V7_COLUMNS.join(', ')}) VALUES (${V7_COLUMNS.map((_, i) => `$${i + 1}`).join(', ')})`, v7Row(seq));
      const before = (await client.query('SELECT * FROM entry ORDER BY seq')).rows;
      const storage = await PgHubStorage.open(url);
      try {
        expect(await storage.entries.ingest(K, log.slice(3))).toEqual({ accepted: 1, duplicates: 0, contiguousSeq: 4, problems: [] });
        expect((await storage.entries.trace(trace))[0]?.visit).toMatchObject({ seq: 4, credentialKind: 'manual', enteredBy: 'Nguyễn Thị Lan' });
      } finally {
        await storage.close();
      }
      expect((await client.query('SELECT max(version) AS v FROM chot_schema')).rows[0]).toEqual({ v: HUB_PG_MIGRATIONS.at(-1)?.version });
      expect((await client.query('SELECT * FROM entry WHERE seq < 4 ORDER BY seq')).rows).toEqual(before.map((row) => ({ ...row, entered_by: null })));
      await expect(client.query(`UPDATE entry SET entered_by = 'Lan' WHERE seq = 3`)).rejects.toThrow(/entry_entered_by_check/);
      await expect(client.query('UPDATE entry SET format = 5 WHERE seq = 2')).rejects.toThrow(/entry_format_check/);
    } finally {
      await client.end();
    }
  });
});
