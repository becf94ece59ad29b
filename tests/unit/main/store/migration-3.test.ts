import Database from 'better-sqlite3-multiple-ciphers';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeFacts } from '../../../../domain/sync/facts-codec.js';
import { FactsStore } from '../../../../main/store/facts-store.js';
import { migrateSqlite } from '../../../../platform/sqlite-migrate.js';
import { openKioskDatabase, type SqliteDatabase } from '../../../../main/store/kiosk-database.js';
import { KIOSK_MIGRATIONS } from '../../../../main/store/migrations.js';
import { tempDataDir } from '../../../support/kiosk-process.js';

// Lives with the sync tests because the binary facts are the sync format's (facts-codec.ts).
describe('migration 3: facts as compact binary', () => {
  const facts = {
    doses: [
      { dose: 1, date: '2021-08-01', product: 'EU/1/20/1528' },
      { dose: 2, date: '2021-09-01', product: 'EU/1/20/1528', totalDoses: 2 },
    ],
    tests: [{ takenAt: '2021-10-19T09:00:00+07:00', kind: 'pcr', result: 'negative' }],
    recoveredOn: '2021-06-01',
    quarantine: [{ status: 'F1', from: '2021-10-18' }],
  };

  it('converts a seeded version-2 database, keeping people, lookups and entries', () => {
    const file = join(tempDataDir(), 'kiosk.sqlite');
    const v2 = new Database(file);
    migrateSqlite(v2, KIOSK_MIGRATIONS.slice(0, 2));
    const insert = v2.prepare('INSERT INTO person (id12, old_id, bhxh, facts) VALUES (?, ?, ?, ?)');
    insert.run(56089001234, '225123456', null, JSON.stringify(facts));
    insert.run(79195004321, null, '7912345678', '{"doses":[],"tests":[],"quarantine":[]}');
    // Facts the binary cannot hold (a date before 1900): dropped, not blocking the kiosk.
    insert.run(1201005678, null, null, '{"doses":[{"dose":1,"date":"1850-01-01","product":"X"}],"tests":[],"quarantine":[]}');
    v2.prepare("INSERT INTO meta (key, value) VALUES ('facts_synced_at', '1634000000000')").run();
    v2.prepare(
      "INSERT INTO entry (seq, at, source_kind, device_id, credential_kind, authenticity, person_id, outcome, reasons, rule_set, prev_hash, hash) VALUES (1, 'x', 'wedge', 'k', 'cccd-qr', 'unsigned', '056089001234', 'green', '[]', null, zeroblob(32), zeroblob(32))",
    ).run();
    v2.close();

    // Up to migration 3 only: migration 4 moves the people to facts.sqlite (its own test).
    const db = openKioskDatabase(file, undefined, { migrations: KIOSK_MIGRATIONS.slice(0, 3) });
    expect(db.pragma('user_version', { simple: true })).toBe(3);
    const columns = db.prepare("SELECT name, type FROM pragma_table_info('person')").all();
    expect(columns).toEqual([
      { name: 'id12', type: 'INTEGER' },
      { name: 'old_id', type: 'TEXT' },
      { name: 'facts', type: 'BLOB' },
      { name: 'bhxh', type: 'TEXT' },
    ]);
    expect(db.prepare('SELECT facts FROM person WHERE id12 = ?').pluck().get(56089001234)).toEqual(Buffer.from(encodeFacts(facts as never)));

    const store = new FactsStore(db);
    expect(store.findById12('056089001234')).toEqual({
      id12: '056089001234',
      oldId: '225123456',
      facts: { ...facts, tests: [{ takenAt: '2021-10-19T02:00:00.000Z', kind: 'pcr', result: 'negative' }] },
    });
    expect(store.findByBhxh('7912345678')?.facts).toEqual({ doses: [], tests: [], quarantine: [] });
    expect(store.findById12('001201005678')).toBeUndefined();
    expect(store.lastSyncedAt()).toBe(1634000000000);
    expect(db.prepare('SELECT count(*) FROM entry').pluck().get()).toBe(1);
    const plan = (sql: string) => (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[]).map((p) => p.detail).join(' ');
    expect(plan("SELECT * FROM person WHERE old_id = '225123456'")).toContain('person_by_old_id');
    expect(plan("SELECT * FROM person WHERE bhxh = '7912345678'")).toContain('person_by_bhxh');
    db.close();
  });

  it('runs once even when two connections open the database together', () => {
    const file = join(tempDataDir(), 'kiosk.sqlite');
    const v2 = new Database(file);
    migrateSqlite(v2, KIOSK_MIGRATIONS.slice(0, 2));
    v2.prepare('INSERT INTO person (id12, facts) VALUES (?, ?)').run(56089001234, JSON.stringify(facts));
    // A connection that read version 2 just before another one migrated must not convert
    // the already binary facts again (which would drop every row).
    const late = new Database(file);
    let first: SqliteDatabase | undefined;
    const upTo3 = KIOSK_MIGRATIONS.slice(0, 3);
    const racing = upTo3.map((m) =>
      m.version !== 3
        ? m
        : {
            ...m,
            setup: (db: SqliteDatabase) => {
              first = openKioskDatabase(file, undefined, { migrations: upTo3 });
              m.setup?.(db);
            },
          },
    );
    migrateSqlite(late, racing);
    expect(first).toBeDefined();
    expect(new FactsStore(late).findById12('056089001234')?.facts.doses).toHaveLength(2);
    for (const db of [v2, late, first as SqliteDatabase]) db.close();
  });
});
