import Database from 'better-sqlite3-multiple-ciphers';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeFacts } from '../../../../domain/sync/facts-codec.js';
import { FACTS_DATABASE_FILE, openFactsDatabase } from '../../../../main/store/facts-database.js';
import { copyPeopleToFactsDatabase, PEOPLE_MOVED_KEY } from '../../../../main/store/facts-move.js';
import { FactsStore } from '../../../../main/store/facts-store.js';
import { migrateSqlite } from '../../../../platform/sqlite-migrate.js';
import { KIOSK_DATABASE_FILE, openKioskDatabase, type SqliteDatabase } from '../../../../main/store/kiosk-database.js';
import { KIOSK_MIGRATIONS } from '../../../../main/store/migrations.js';
import { FactsSyncWriter } from '../../../../main/sync/facts-sync-writer.js';
import { tempDataDir } from '../../../support/kiosk-process.js';
import { databaseDigest, people, peopleDigest, person } from '../../../support/sync-fixtures.js';

const N = 500;
const SEQ = 42;
const SYNCED_AT = 1_634_000_000_000;

const tables = (db: SqliteDatabase): unknown[] => db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all();
const version = (db: SqliteDatabase): unknown => db.pragma('user_version', { simple: true });
const entryHashes = (db: SqliteDatabase): unknown[] => db.prepare('SELECT hash FROM entry ORDER BY seq').pluck().all();

/** A kiosk.sqlite as Chốt left it at version 3: synced people, a snapshot half loaded, entries. */
function seedVersion3(): { dir: string; kioskFile: string; factsFile: string } {
  const dir = tempDataDir('chot-migration-4-');
  const kioskFile = join(dir, KIOSK_DATABASE_FILE);
  const db = new Database(kioskFile);
  db.pragma('journal_mode = WAL');
  migrateSqlite(db, KIOSK_MIGRATIONS.slice(0, 3));
  const insert = db.prepare('INSERT INTO person (id12, old_id, bhxh, facts) VALUES (?, ?, ?, ?)');
  db.transaction(() => {
    for (const p of people(N)) insert.run(Number(p.id12), p.oldId ?? null, p.bhxh ?? null, encodeFacts(p.facts));
  })();
  const meta = db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)');
  meta.run('facts_seq', String(SEQ));
  meta.run('facts_synced_at', String(SYNCED_AT));
  meta.run('facts_snapshot_progress', JSON.stringify({ toSeq: 50, nextIndex: 3, nextStart: 123 }));
  meta.run('device_label', 'cổng 2');
  db.exec('CREATE TABLE person_next (id12 INTEGER PRIMARY KEY, old_id TEXT, facts BLOB NOT NULL, bhxh TEXT) STRICT');
  db.prepare('INSERT INTO person_next (id12, facts) VALUES (?, ?)').run(1, encodeFacts(person(1, 5).facts));
  for (const seq of [1, 2]) {
    db.prepare(
      "INSERT INTO entry (seq, at, source_kind, device_id, credential_kind, authenticity, person_id, outcome, reasons, rule_set, prev_hash, hash) VALUES (?, 'x', 'wedge', 'k', 'cccd-qr', 'unsigned', ?, 'green', '[]', null, zeroblob(32), randomblob(32))",
    ).run(seq, person(seq).id12);
  }
  db.close();
  return { dir, kioskFile, factsFile: join(dir, FACTS_DATABASE_FILE) };
}

/** What every kiosk must end with, whatever happened on the way: the people once, in facts.sqlite. */
function expectMoved(factsFile: string): void {
  const facts = openFactsDatabase(factsFile);
  try {
    expect(databaseDigest(facts)).toEqual(peopleDigest(people(N)));
    const store = new FactsStore(facts);
    expect(store.syncedSeq()).toBe(SEQ);
    expect(store.lastSyncedAt()).toBe(SYNCED_AT);
  } finally {
    facts.close();
  }
}

describe('kiosk migration 4: people move to facts.sqlite', () => {
  it('moves a seeded version-3 kiosk: lookups, watermark and sync time in facts.sqlite; entries untouched', () => {
    const { kioskFile, factsFile } = seedVersion3();
    const before = new Database(kioskFile);
    const hashes = entryHashes(before);
    before.close();

    const kiosk = openKioskDatabase(kioskFile);
    expect(version(kiosk)).toBe(KIOSK_MIGRATIONS.at(-1)?.version);
    expect(tables(kiosk)).toEqual(['entry', 'meta', 'upload_receipt']);
    expect(kiosk.prepare('SELECT key, value FROM meta').all()).toEqual([{ key: 'device_label', value: 'cổng 2' }]);
    expect(entryHashes(kiosk)).toEqual(hashes);
    kiosk.close();

    expectMoved(factsFile);
    const facts = openFactsDatabase(factsFile);
    const store = new FactsStore(facts);
    const [even, odd] = [person(8), person(9)];
    expect(store.findById12(even.id12)).toEqual({ id12: even.id12, oldId: even.oldId, bhxh: even.bhxh, facts: even.facts });
    expect(store.findByOldId(even.oldId as string)?.id12).toBe(even.id12);
    expect(store.findByBhxh(odd.bhxh as string)?.id12).toBe(odd.id12);
    const plan = (sql: string): string => (facts.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[]).map((p) => p.detail).join(' ');
    expect(plan("SELECT * FROM person WHERE old_id = '1'")).toContain('person_by_old_id');
    expect(plan("SELECT * FROM person WHERE bhxh = '1'")).toContain('person_by_bhxh');
    // The half-loaded snapshot stays behind: the next one starts from chunk 0.
    expect(tables(facts)).toEqual(['meta', 'person']);
    expect(new FactsSyncWriter(facts).position()).toEqual({ watermark: SEQ });
    facts.close();
  });

  it('leaves a brand-new kiosk at the newest version, without people and without creating facts.sqlite', () => {
    const dir = tempDataDir('chot-migration-4-');
    const kiosk = openKioskDatabase(join(dir, KIOSK_DATABASE_FILE));
    expect(version(kiosk)).toBe(KIOSK_MIGRATIONS.at(-1)?.version);
    expect(tables(kiosk)).toEqual(['entry', 'meta', 'upload_receipt']);
    kiosk.close();
    expect(existsSync(join(dir, FACTS_DATABASE_FILE))).toBe(false);
  });

  it('interrupted after the copy committed: the next start drops kiosk.sqlite’s copy, and copies nothing twice', () => {
    const { kioskFile, factsFile } = seedVersion3();
    // The migration's first half alone, as if killed right after facts.sqlite committed.
    const v3 = new Database(kioskFile);
    copyPeopleToFactsDatabase(v3);
    expect(version(v3)).toBe(3);
    expect(v3.prepare('SELECT count(*) FROM person').pluck().get()).toBe(N);
    v3.close();
    expectMoved(factsFile);

    // Had the facts moved on meanwhile, a second copy would roll them back: there is none.
    const facts = openFactsDatabase(factsFile);
    new FactsStore(facts).upsertMany([person(N)]);
    facts.close();

    const kiosk = openKioskDatabase(kioskFile);
    expect(version(kiosk)).toBe(KIOSK_MIGRATIONS.at(-1)?.version);
    expect(tables(kiosk)).toEqual(['entry', 'meta', 'upload_receipt']);
    kiosk.close();
    const after = openFactsDatabase(factsFile);
    expect(databaseDigest(after)).toEqual(peopleDigest(people(N + 1)));
    expect(after.prepare('SELECT count(*) FROM meta WHERE key = ?').pluck().get(PEOPLE_MOVED_KEY)).toBe(1);
    after.close();
  });

  it('interrupted before the copy committed: facts.sqlite without the marker is replaced whole', () => {
    const { kioskFile, factsFile } = seedVersion3();
    // A facts.sqlite created, but the copy's transaction never committed: whatever it holds
    // (here a stray person and watermark) is not of record.
    const partial = openFactsDatabase(factsFile);
    new FactsStore(partial).upsertMany([{ id12: person(N + 5).id12, facts: person(N + 5).facts }]);
    new FactsStore(partial).markSynced(1, 99);
    partial.close();

    openKioskDatabase(kioskFile).close();
    expectMoved(factsFile);
  });

  it('a failed copy leaves kiosk.sqlite at version 3 with its people, and the next start moves them', () => {
    const { kioskFile, factsFile } = seedVersion3();
    // facts.sqlite from a newer Chốt cannot be opened: the move must stop before kiosk.sqlite drops anything.
    const newer = new Database(factsFile);
    newer.pragma('user_version = 99');
    newer.close();
    expect(() => openKioskDatabase(kioskFile)).toThrow(/newer than this Chốt/);
    const v3 = new Database(kioskFile);
    expect(version(v3)).toBe(3);
    expect(databaseDigest(v3)).toEqual(peopleDigest(people(N)));
    v3.close();

    const reset = new Database(factsFile);
    reset.pragma('user_version = 0');
    reset.close();
    openKioskDatabase(kioskFile).close();
    expectMoved(factsFile);
  });

  it('moves once when two connections open the kiosk together', () => {
    const { kioskFile, factsFile } = seedVersion3();
    const late = new Database(kioskFile);
    let first: SqliteDatabase | undefined;
    // A connection that read version 3 just before another one migrated all the way.
    const racing = KIOSK_MIGRATIONS.map((m) =>
      m.version !== 4
        ? m
        : {
            ...m,
            setup: (db: SqliteDatabase) => {
              first = openKioskDatabase(kioskFile);
              m.setup?.(db);
            },
          },
    );
    migrateSqlite(late, racing);
    expect(first).toBeDefined();
    expect(version(late)).toBe(KIOSK_MIGRATIONS.at(-1)?.version);
    expect(tables(late)).toEqual(['entry', 'meta', 'upload_receipt']);
    for (const db of [late, first as SqliteDatabase]) db.close();
    expectMoved(factsFile);
  });
});
