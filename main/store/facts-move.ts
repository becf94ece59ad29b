import { dirname, join } from 'node:path';
import { FACTS_DATABASE_FILE, FACTS_META_KEYS, openFactsDatabase, personIndexesSql } from './facts-database.js';
import { atRestKeyOf, attachSibling, type SqliteDatabase } from './sqlite-database.js';

/**
 * Set in facts.sqlite's `meta`, in the transaction that copies the people in: from then
 * on facts.sqlite is the copy of record, and a rerun of the move (after a crash before
 * kiosk.sqlite dropped its tables) must not copy again — a sync may have moved the facts
 * on since, and copying the old rows over them would roll them back.
 */
export const PEOPLE_MOVED_KEY = 'people_moved_from_kiosk';

/** The watermark and the sync time travel with the people; see below for the snapshot cursor. */
const MOVED_META_KEYS = ['facts_seq', 'facts_synced_at'] as const;

const inList = (keys: readonly string[]): string => keys.map((k) => `'${k}'`).join(', ');

/**
 * The first half of kiosk migration 4: copies the people and their sync state from a
 * version-3 kiosk.sqlite into facts.sqlite beside it (created if absent), in one
 * transaction of facts.sqlite that also sets PEOPLE_MOVED_KEY. The migration's own
 * transaction then drops them from kiosk.sqlite. Two files cannot commit together, so the
 * order makes it crash-safe: killed before the copy commits, nothing happened and the
 * next start copies again; killed after it, facts.sqlite has everything, kiosk.sqlite
 * still at version 3 drops its copy at the next start, and the marker keeps the copy
 * from happening twice. At no point is there no committed copy.
 *
 * A snapshot half loaded into kiosk.sqlite's shadow table (`person_next`) is not moved:
 * its cursor means nothing without the shadow, and copying up to 10 million shadow rows
 * once to save one re-download was not worth a second copy path. The next snapshot
 * starts from chunk 0.
 */
export function copyPeopleToFactsDatabase(kiosk: SqliteDatabase): void {
  // Already moved by another connection (the migration's transaction re-checks the version).
  if (!hasPersonTable(kiosk, 'main')) return;
  // A brand-new kiosk, or one that never synced: nothing to keep, and no file to create.
  const hasData =
    kiosk
      .prepare(`SELECT EXISTS (SELECT 1 FROM person) OR EXISTS (SELECT 1 FROM meta WHERE key IN (${inList(MOVED_META_KEYS)}))`)
      .pluck()
      .get() === 1;
  if (!hasData) return;
  if (kiosk.memory) throw new Error('kiosk migration 4 cannot move people out of an in-memory database');

  const facts = openFactsDatabase(join(dirname(kiosk.name), FACTS_DATABASE_FILE), atRestKeyOf(kiosk));
  try {
    attachSibling(facts, kiosk.name, 'kiosk');
    try {
      // IMMEDIATE takes the write lock of both files: the people cannot change while they
      // are copied, and two connections migrating together copy one after the other.
      facts.transaction(() => copyInto(facts)).immediate();
    } finally {
      facts.exec('DETACH DATABASE kiosk');
    }
  } finally {
    facts.close();
  }
}

function copyInto(facts: SqliteDatabase): void {
  if (facts.prepare('SELECT 1 FROM main.meta WHERE key = ?').get(PEOPLE_MOVED_KEY) !== undefined) return;
  if (!hasPersonTable(facts, 'kiosk')) return;
  // facts.sqlite without the marker holds nothing of record (it is normally absent before
  // the move): replace it whole, so the rows and their watermark stay one consistent state.
  facts.exec(`
    DROP INDEX IF EXISTS main.person_by_old_id;
    DROP INDEX IF EXISTS main.person_by_bhxh;
    DELETE FROM main.person;
    INSERT INTO main.person (id12, old_id, facts, bhxh)
      SELECT id12, old_id, facts, bhxh FROM kiosk.person ORDER BY id12;
    ${personIndexesSql('main')}
    DELETE FROM main.meta WHERE key IN (${inList(FACTS_META_KEYS)});
    INSERT INTO main.meta (key, value)
      SELECT key, value FROM kiosk.meta WHERE key IN (${inList(MOVED_META_KEYS)});
  `);
  facts.prepare('INSERT INTO main.meta (key, value) VALUES (?, ?)').run(PEOPLE_MOVED_KEY, String(Date.now()));
}

function hasPersonTable(db: SqliteDatabase, schema: string): boolean {
  return db.prepare(`SELECT 1 FROM ${schema}.sqlite_master WHERE type = 'table' AND name = 'person'`).get() !== undefined;
}
