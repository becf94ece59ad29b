import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { chainHash, EntryLog, type EntryFields } from '../../../main/store/entry-log.js';
import { openKioskDatabase, type SqliteDatabase } from '../../../main/store/kiosk-database.js';
import { tempDataDir } from '../../support/kiosk-process.js';

const entry = (personId: string | null, outcome = 'green'): EntryFields => ({
  at: '2021-10-15T08:00:00.000+07:00',
  sourceKind: 'wedge',
  deviceId: 'keyboard',
  credentialKind: 'cccd-qr',
  authenticity: 'unsigned',
  personId,
  outcome,
  reasonCodes: ['vaccinated-full'],
  ruleSet: 'khanh-hoa-2021-10@1.0.0',
});

const open: SqliteDatabase[] = [];
const openDb = (file: string): SqliteDatabase => {
  const db = openKioskDatabase(file);
  open.push(db);
  return db;
};
afterEach(() => {
  for (const db of open.splice(0)) if (db.open) db.close();
});

describe('EntryLog', () => {
  it('numbers entries from 1 and chains each hash to the previous one', () => {
    const log = new EntryLog(openDb(':memory:'));
    expect(log.append(entry('056089001234'))).toBe(1);
    expect(log.append(entry('079195004321', 'yellow'))).toBe(2);
    const first = log.get(1);
    const second = log.get(2);
    expect(first?.prevHash.equals(Buffer.alloc(32))).toBe(true);
    expect(second?.prevHash.equals(first?.hash ?? Buffer.alloc(0))).toBe(true);
    expect(second?.hash.equals(chainHash(first?.hash ?? Buffer.alloc(0), 2, entry('079195004321', 'yellow')))).toBe(true);
  });

  it('hashes SHA-256(prev_hash ‖ canonical entry) with a fixed field order', () => {
    const prev = Buffer.alloc(32, 7);
    const expected = createHash('sha256')
      .update(prev)
      .update('[5,"2021-10-15T08:00:00.000+07:00","wedge","keyboard","cccd-qr","unsigned",null,"none",["vaccinated-full"],"khanh-hoa-2021-10@1.0.0"]')
      .digest();
    expect(chainHash(prev, 5, entry(null, 'none')).equals(expected)).toBe(true);
  });

  it('keeps committed entries across a reopen and continues the chain', () => {
    const file = join(tempDataDir(), 'kiosk.sqlite');
    const firstRun = openDb(file);
    new EntryLog(firstRun).append(entry('056089001234'));
    firstRun.close();
    const log = new EntryLog(openDb(file));
    expect(log.count()).toBe(1);
    expect(log.append(entry('056089001234'))).toBe(2);
    expect(log.get(2)?.prevHash.equals(log.get(1)?.hash ?? Buffer.alloc(0))).toBe(true);
  });

  it('opens the database with WAL and synchronous=FULL', () => {
    const db = openDb(join(tempDataDir(), 'kiosk.sqlite'));
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(2); // FULL
  });
});
