import Database from 'better-sqlite3-multiple-ciphers';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { migrateSqlite } from '../../../../platform/sqlite-migrate.js';
import { openKioskDatabase } from '../../../../main/store/kiosk-database.js';
import { KIOSK_MIGRATIONS } from '../../../../main/store/migrations.js';
import { tempDataDir } from '../../../support/kiosk-process.js';

describe('kiosk database migrations', () => {
  it('are numbered 1, 2, 3… without gaps', () => {
    expect(KIOSK_MIGRATIONS.map((m) => m.version)).toEqual(KIOSK_MIGRATIONS.map((_, i) => i + 1));
  });

  it('bring an empty database to the newest version with every table, and the people in another file', () => {
    const db = openKioskDatabase(':memory:');
    expect(db.pragma('user_version', { simple: true })).toBe(KIOSK_MIGRATIONS.at(-1)?.version);
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all();
    expect(tables).toEqual(['entry', 'meta', 'upload_receipt']);
    db.close();
  });

  it('are idempotent: reopening applies nothing twice', () => {
    const file = join(tempDataDir(), 'kiosk.sqlite');
    openKioskDatabase(file).close();
    const db = openKioskDatabase(file);
    expect(migrateSqlite(db, KIOSK_MIGRATIONS)).toBe(KIOSK_MIGRATIONS.at(-1)?.version);
    db.close();
  });

  it('refuse a database from a newer Chốt instead of corrupting it', () => {
    const file = join(tempDataDir(), 'kiosk.sqlite');
    const raw = new Database(file);
    raw.pragma('user_version = 99');
    raw.close();
    expect(() => openKioskDatabase(file)).toThrow(/newer than this Chốt/);
  });

  it('roll a failed migration back whole', () => {
    const db = new Database(':memory:');
    expect(() =>
      migrateSqlite(db, [
        ...KIOSK_MIGRATIONS,
        { version: KIOSK_MIGRATIONS.length + 1, name: 'broken', sql: 'CREATE TABLE half (x); SELECT nonsense FROM nowhere;' },
      ]),
    ).toThrow();
    expect(db.pragma('user_version', { simple: true })).toBe(KIOSK_MIGRATIONS.length);
    expect(db.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'half'").pluck().get()).toBe(0);
    db.close();
  });
});

describe('migration 2: BHXH lookup', () => {
  it('migrates a seeded version-1 database, keeping its people and entries', () => {
    const file = join(tempDataDir(), 'kiosk.sqlite');
    const v1 = new Database(file);
    migrateSqlite(v1, KIOSK_MIGRATIONS.slice(0, 1));
    v1.prepare('INSERT INTO person (id12, old_id, facts) VALUES (?, ?, ?)').run(56089001234, '225123456', '{"doses":[],"tests":[],"quarantine":[]}');
    v1.prepare(
      "INSERT INTO entry (seq, at, source_kind, device_id, credential_kind, authenticity, person_id, outcome, reasons, rule_set, prev_hash, hash) VALUES (1, 'x', 'wedge', 'k', 'cccd-qr', 'unsigned', '056089001234', 'green', '[]', null, zeroblob(32), zeroblob(32))",
    ).run();
    v1.close();

    // Migration 2 alone, from the version before it (migration 3 has its own test).
    const db = new Database(file);
    migrateSqlite(db, KIOSK_MIGRATIONS.slice(0, 2));
    expect(db.pragma('user_version', { simple: true })).toBe(2);
    expect(db.prepare('SELECT id12, old_id, bhxh FROM person').get()).toEqual({ id12: 56089001234, old_id: '225123456', bhxh: null });
    expect(db.prepare('SELECT count(*) FROM entry').pluck().get()).toBe(1);
    db.prepare('UPDATE person SET bhxh = ? WHERE id12 = ?').run('5612345678', 56089001234);
    const plan = db.prepare("EXPLAIN QUERY PLAN SELECT * FROM person WHERE bhxh = '5612345678'").all() as { detail: string }[];
    expect(plan.map((p) => p.detail).join(' ')).toContain('person_by_bhxh');
    db.close();
  });
});
