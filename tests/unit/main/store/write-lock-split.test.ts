import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeFacts } from '../../../../domain/sync/facts-codec.js';
import { EntryLog, type EntryFields } from '../../../../main/store/entry-log.js';
import { FACTS_DATABASE_FILE, openFactsDatabase } from '../../../../main/store/facts-database.js';
import { FactsStore } from '../../../../main/store/facts-store.js';
import { KIOSK_DATABASE_FILE, openKioskDatabase, type SqliteDatabase } from '../../../../main/store/kiosk-database.js';
import { tempDataDir } from '../../../support/kiosk-process.js';
import { person } from '../../../support/sync-fixtures.js';
import { kioskEntry } from '../../../support/kiosk-entry.js';

const entry: EntryFields = kioskEntry(person(1).id12, { at: '2021-10-20T08:00:00.000+07:00', kioskId: 'unenrolled', location: '', ruleSet: null });

const open: SqliteDatabase[] = [];
const track = (db: SqliteDatabase): SqliteDatabase => {
  open.push(db);
  return db;
};
afterEach(() => {
  for (const db of open.splice(0).reverse()) {
    if (db.inTransaction) db.exec('ROLLBACK');
    db.close();
  }
});

/**
 * The point of two files. A sync's swap holds the facts database's write lock for seconds;
 * the entry log must commit every verdict before it is shown. The scan path's connections
 * get busy_timeout = 0 here, so any wait for a lock would fail at once with SQLITE_BUSY
 * instead of showing up as a slow test: "it did not wait" is checked, not timed.
 */
describe('the entry log and the facts in two database files', () => {
  function kioskFiles() {
    const dir = tempDataDir('chot-lock-split-');
    const kiosk = track(openKioskDatabase(join(dir, KIOSK_DATABASE_FILE)));
    const facts = track(openFactsDatabase(join(dir, FACTS_DATABASE_FILE)));
    new FactsStore(facts).upsertMany([person(1)]);
    for (const db of [kiosk, facts]) db.pragma('busy_timeout = 0');
    return { dir, kiosk, facts };
  }

  it('an entry commits, and a lookup answers, while a sync holds the facts database’s write lock', () => {
    const { dir, kiosk, facts } = kioskFiles();
    // The sync worker's connection, mid-swap: a write transaction open, not committed.
    const sync = track(openFactsDatabase(join(dir, FACTS_DATABASE_FILE)));
    sync.exec('BEGIN IMMEDIATE');
    sync.prepare('UPDATE person SET facts = ? WHERE id12 = ?').run(encodeFacts(person(1, 1).facts), Number(person(1).id12));

    const seq = new EntryLog(kiosk).append(entry);
    expect(sync.inTransaction).toBe(true);
    // Committed: another connection (a kiosk killed now would reopen like this) sees it.
    const reader = track(openKioskDatabase(join(dir, KIOSK_DATABASE_FILE)));
    expect(new EntryLog(reader).get(seq)?.personId).toBe(person(1).id12);
    // WAL: the lookup reads the last committed facts, not the sync's uncommitted ones.
    expect(new FactsStore(facts).findById12(person(1).id12)?.facts).toEqual(person(1).facts);

    sync.exec('COMMIT');
    expect(new FactsStore(facts).findById12(person(1).id12)?.facts).toEqual(person(1, 1).facts);
  });

  it('(the control: the same sync on the kiosk database would have held the entry up)', () => {
    const { dir, kiosk } = kioskFiles();
    const sameFile = track(openKioskDatabase(join(dir, KIOSK_DATABASE_FILE)));
    sameFile.exec('BEGIN IMMEDIATE');
    expect(() => new EntryLog(kiosk).append(entry)).toThrow(expect.objectContaining({ code: 'SQLITE_BUSY' }));
  });
});
