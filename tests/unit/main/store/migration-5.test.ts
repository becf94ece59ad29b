import Database from 'better-sqlite3-multiple-ciphers';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CURRENT_ENTRY_FORMAT } from '../../../../domain/entries/entry-record.js';
import { EntryLog, type EntryFields } from '../../../../main/store/entry-log.js';
import { migrateSqlite } from '../../../../platform/sqlite-migrate.js';
import { KIOSK_DATABASE_FILE, openKioskDatabase, type SqliteDatabase } from '../../../../main/store/kiosk-database.js';
import { KIOSK_MIGRATIONS } from '../../../../main/store/migrations.js';
import { tempDataDir } from '../../../support/kiosk-process.js';

const version = (db: SqliteDatabase): unknown => db.pragma('user_version', { simple: true });
const columns = (db: SqliteDatabase): unknown[] => db.prepare("SELECT name FROM pragma_table_info('entry') ORDER BY cid").pluck().all();

/**
 * A kiosk.sqlite as Chốt left it at version 4: v1 rows hashed the way it hashed them
 * (written out here, not through today's code, so a change to the v1 form would show).
 */
function seedVersion4(rows: number): { kioskFile: string; hashes: Buffer[] } {
  const kioskFile = join(tempDataDir('chot-migration-5-'), KIOSK_DATABASE_FILE);
  const db = new Database(kioskFile);
  db.pragma('journal_mode = WAL');
  migrateSqlite(db, KIOSK_MIGRATIONS.slice(0, 4));
  const insert = db.prepare(
    `INSERT INTO entry (seq, at, source_kind, device_id, credential_kind, authenticity, person_id, outcome, reasons, rule_set, prev_hash, hash)
     VALUES (?, ?, 'serial', 'ttyACM0', 'cccd-qr', 'unsigned', ?, ?, ?, ?, ?, ?)`,
  );
  const hashes: Buffer[] = [];
  let prev = Buffer.alloc(32);
  for (let seq = 1; seq <= rows; seq += 1) {
    const at = `2021-10-15T08:00:${String(seq).padStart(2, '0')}.000+07:00`;
    const personId = seq === 2 ? null : `0560890012${String(seq).padStart(2, '0')}`;
    const outcome = seq === 2 ? 'none' : 'green';
    const reasons = seq === 2 ? ['scan.unrecognised'] : ['vaccinated-full'];
    const ruleSet = seq === 2 ? null : 'khanh-hoa-2021-10@1.0.0';
    const canonical = JSON.stringify([seq, at, 'serial', 'ttyACM0', 'cccd-qr', 'unsigned', personId, outcome, reasons, ruleSet]);
    const hash = createHash('sha256').update(prev).update(canonical, 'utf8').digest();
    insert.run(seq, at, personId, outcome, JSON.stringify(reasons), ruleSet, prev, hash);
    hashes.push(hash);
    prev = hash;
  }
  db.close();
  return { kioskFile, hashes };
}

const next: EntryFields = {
  at: '2021-10-16T07:30:00.000+07:00',
  kioskId: 'k-0123456789abcdef',
  location: 'Bến xe phía Nam',
  lane: '3',
  direction: 'boarding',
  sourceKind: 'wedge',
  sourceDeviceId: 'keyboard',
  credentialKind: 'cccd-qr',
  authenticity: 'unsigned',
  personId: '079195004321',
  outcome: 'yellow',
  reasonCodes: ['test-expired'],
  ruleSet: 'khanh-hoa-2021-10@1.0.0',
  override: null,
};

describe('kiosk migration 5: entry log v2', () => {
  it('keeps a seeded version-4 log as format 1, still verifying; new rows chain on from it', () => {
    const { kioskFile, hashes } = seedVersion4(4);
    const db = openKioskDatabase(kioskFile);
    try {
      expect(version(db)).toBe(KIOSK_MIGRATIONS.at(-1)?.version);
      expect(columns(db)).toEqual([
        'seq',
        'at',
        'source_kind',
        'source_device_id',
        'credential_kind',
        'authenticity',
        'person_id',
        'outcome',
        'reasons',
        'rule_set',
        'prev_hash',
        'hash',
        'format',
        'kiosk_id',
        'location',
        'lane',
        'direction',
        'override_by',
        'override_reason',
        'document_signer',
        'entered_by',
      ]);
      expect(db.prepare('SELECT hash FROM entry ORDER BY seq').pluck().all()).toEqual(hashes);
      expect(db.prepare('SELECT DISTINCT format, kiosk_id, location, lane, direction, override_by, override_reason, document_signer FROM entry').all()).toEqual(
        [{ format: 1, kiosk_id: null, location: null, lane: null, direction: null, override_by: null, override_reason: null, document_signer: null }],
      );

      const log = new EntryLog(db);
      expect(log.verify()).toMatchObject({ ok: true, entries: 4, last: { seq: 4, hash: hashes[3] } });
      const old = log.get(2);
      expect(old).toEqual({
        format: 1,
        seq: 2,
        at: '2021-10-15T08:00:02.000+07:00',
        sourceKind: 'serial',
        sourceDeviceId: 'ttyACM0',
        credentialKind: 'cccd-qr',
        authenticity: 'unsigned',
        personId: null,
        outcome: 'none',
        reasonCodes: ['scan.unrecognised'],
        ruleSet: null,
        prevHash: hashes[0],
        hash: hashes[1],
      });

      expect(log.append(next)).toBe(5);
      const appended = log.get(5);
      // Migrations 7 and 8 followed: new rows are in today's format (migration-7.test.ts, migration-8.test.ts).
      expect(appended).toMatchObject({ format: CURRENT_ENTRY_FORMAT, ...next, documentSigner: null, enteredBy: null });
      expect(appended?.prevHash.equals(hashes[3] as Buffer)).toBe(true);
      expect(log.verify()).toMatchObject({ ok: true, entries: 5, last: { seq: 5 } });
    } finally {
      db.close();
    }
  });

  it('an old row edited after the upgrade is still caught, and so is a new row turned into an old one', () => {
    const { kioskFile } = seedVersion4(3);
    const db = openKioskDatabase(kioskFile);
    try {
      const log = new EntryLog(db);
      log.append(next);
      db.exec("UPDATE entry SET outcome = 'red' WHERE seq = 2");
      expect(log.verify()).toMatchObject({ ok: false, seq: 2, problem: 'edited' });
      db.exec("UPDATE entry SET outcome = 'none' WHERE seq = 2");
      expect(log.verify()).toMatchObject({ ok: true, entries: 4 });
      db.exec('UPDATE entry SET format = 1 WHERE seq = 4');
      expect(log.verify()).toMatchObject({ ok: false, seq: 4, problem: 'edited' });
    } finally {
      db.close();
    }
  });

  it('refuses values no Chốt writes in the new columns', () => {
    const db = openKioskDatabase(':memory:');
    try {
      new EntryLog(db).append(next);
      expect(() => db.exec("UPDATE entry SET direction = 'sideways'")).toThrow(/CHECK constraint/);
      expect(() => db.exec('UPDATE entry SET format = 5')).toThrow(/CHECK constraint/);
    } finally {
      db.close();
    }
  });

  it('migrates an empty version-4 log, which then starts at entry 1 in the current format', () => {
    const { kioskFile } = seedVersion4(0);
    const db = openKioskDatabase(kioskFile);
    try {
      const log = new EntryLog(db);
      expect(log.verify()).toMatchObject({ ok: true, entries: 0 });
      expect(log.append(next)).toBe(1);
      expect(log.get(1)?.format).toBe(CURRENT_ENTRY_FORMAT);
      expect(log.get(1)?.prevHash.equals(Buffer.alloc(32))).toBe(true);
    } finally {
      db.close();
    }
  });
});
