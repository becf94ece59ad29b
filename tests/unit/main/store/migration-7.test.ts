import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EntryLog, type EntryFields } from '../../../../main/store/entry-log.js';
import { migrateSqlite } from '../../../../platform/sqlite-migrate.js';
import { KIOSK_DATABASE_FILE, openKioskDatabase, type SqliteDatabase } from '../../../../main/store/kiosk-database.js';
import { KIOSK_MIGRATIONS } from '../../../../main/store/migrations.js';
import { tempDataDir } from '../../../support/kiosk-process.js';

const columns = (db: SqliteDatabase): unknown[] => db.prepare("SELECT name FROM pragma_table_info('entry') ORDER BY cid").pluck().all();

const KIOSK = 'k-0123456789abcdef';
const SIGNER = 'C=VN, O=Bộ Công an, CN=Document Signer 07#0a1b2c3d';

/**
 * A kiosk.sqlite as Chốt left it at version 6: entries 1–2 of format 1 (logged before
 * migration 5), 3–5 of format 2, one of them a staff override, each hashed the way that
 * format was hashed — written out here, not through today's code, so a change to either old
 * form would show — and the anchor of a purge and an upload receipt, which must survive.
 */
function seedVersion6(): { kioskFile: string; hashes: Buffer[] } {
  const kioskFile = join(tempDataDir('chot-migration-7-'), KIOSK_DATABASE_FILE);
  const db = new Database(kioskFile);
  db.pragma('journal_mode = WAL');
  migrateSqlite(db, KIOSK_MIGRATIONS.slice(0, 6));
  const insert = db.prepare(
    `INSERT INTO entry (seq, format, at, kiosk_id, location, lane, direction, source_kind, source_device_id, credential_kind, authenticity,
                        person_id, outcome, reasons, rule_set, override_by, override_reason, prev_hash, hash)
     VALUES (?, ?, ?, ?, ?, ?, ?, 'serial', 'ttyACM0', 'cccd-qr', 'unsigned', ?, ?, ?, 'khanh-hoa-2021-10@1.0.0', ?, ?, ?, ?)`,
  );
  const hashes: Buffer[] = [];
  let prev = Buffer.alloc(32);
  for (let seq = 1; seq <= 5; seq += 1) {
    const format = seq <= 2 ? 1 : 2;
    const at = `2021-10-15T08:00:0${seq}.000+07:00`;
    const personId = `0560890012${String(seq).padStart(2, '0')}`;
    const outcome = seq === 4 ? 'yellow' : 'green';
    const reasons = seq === 5 ? ['override', 'overrides:4'] : ['vaccinated-full'];
    const override = seq === 5 ? ['staff-7', 'thẻ mờ'] : null;
    const canonical =
      format === 1
        ? JSON.stringify([seq, at, 'serial', 'ttyACM0', 'cccd-qr', 'unsigned', personId, outcome, reasons, 'khanh-hoa-2021-10@1.0.0'])
        : JSON.stringify([
            'chot-entry-2',
            seq,
            at,
            KIOSK,
            'Chợ Đầm',
            '1',
            'in',
            'serial',
            'ttyACM0',
            'cccd-qr',
            'unsigned',
            personId,
            outcome,
            reasons,
            'khanh-hoa-2021-10@1.0.0',
            override,
          ]);
    const hash = createHash('sha256').update(prev).update(canonical, 'utf8').digest();
    const place = format === 1 ? [null, null, null, null] : [KIOSK, 'Chợ Đầm', '1', 'in'];
    insert.run(seq, format, at, ...place, personId, outcome, JSON.stringify(reasons), override?.[0] ?? null, override?.[1] ?? null, prev, hash);
    hashes.push(hash);
    prev = hash;
  }
  db.prepare('INSERT INTO upload_receipt (through_seq, head_hash, issued_at, received_at, hub_key_id, signature) VALUES (5, ?, 1, 2, ?, ?)').run(
    prev,
    'ab12cd34',
    'sig',
  );
  db.close();
  return { kioskFile, hashes };
}

const chipRead: EntryFields = {
  at: '2021-10-16T07:30:00.000+07:00',
  kioskId: KIOSK,
  location: 'Chợ Đầm',
  lane: '1',
  direction: 'in',
  sourceKind: 'chip',
  sourceDeviceId: 'ACS ACR39U',
  credentialKind: 'chip',
  authenticity: 'chip-verified',
  personId: '079195004321',
  outcome: 'green',
  reasonCodes: ['vaccinated-full'],
  ruleSet: 'khanh-hoa-2021-10@1.0.0',
  override: null,
  documentSigner: SIGNER,
};

describe('kiosk migration 7: entry log v3 (the document signer of a chip ID card)', () => {
  it('keeps a seeded version-6 log of formats 1 and 2 byte for byte, still verifying; new rows are format 3 and chain on from it', () => {
    const { kioskFile, hashes } = seedVersion6();
    const before = new Database(kioskFile, { readonly: true });
    const rowsBefore = before.prepare('SELECT * FROM entry ORDER BY seq').all();
    before.close();

    const db = openKioskDatabase(kioskFile);
    try {
      expect(db.pragma('user_version', { simple: true })).toBe(7);
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
      ]);
      // Every old row as it was, with an empty document signer; the receipt kept.
      expect(db.prepare('SELECT * FROM entry ORDER BY seq').all()).toEqual(rowsBefore.map((row) => ({ ...(row as object), document_signer: null })));
      expect(db.prepare('SELECT through_seq FROM upload_receipt').pluck().all()).toEqual([5]);

      const log = new EntryLog(db);
      expect(log.verify()).toEqual({ ok: true, entries: 5, last: { seq: 5, hash: hashes[4] } });
      expect(log.get(1)).toMatchObject({ format: 1, seq: 1 });
      expect(log.get(1)).not.toHaveProperty('documentSigner');
      expect(log.get(5)).toMatchObject({ format: 2, override: { by: 'staff-7', reason: 'thẻ mờ' } });
      expect(log.get(5)).not.toHaveProperty('documentSigner');

      expect(log.append(chipRead)).toBe(6);
      expect(log.get(6)).toMatchObject({ format: 3, ...chipRead });
      expect(log.get(6)?.prevHash.equals(hashes[4] as Buffer)).toBe(true);
      expect(log.verify()).toMatchObject({ ok: true, entries: 6, last: { seq: 6 } });
    } finally {
      db.close();
    }
  });

  it('an old row edited after the upgrade is still caught, and so is a row moved to another format', () => {
    const { kioskFile } = seedVersion6();
    const db = openKioskDatabase(kioskFile);
    try {
      const log = new EntryLog(db);
      const { documentSigner: _signer, ...qrRead } = chipRead;
      log.append({ ...qrRead, credentialKind: 'cccd-qr', sourceKind: 'wedge', authenticity: 'unsigned' });
      db.exec("UPDATE entry SET outcome = 'red' WHERE seq = 3");
      expect(log.verify()).toMatchObject({ ok: false, seq: 3, problem: 'edited' });
      db.exec("UPDATE entry SET outcome = 'green' WHERE seq = 3");
      expect(log.verify()).toMatchObject({ ok: true, entries: 6 });
      // The same fields, hashed as format 2, do not match: the format is in the hash.
      db.exec('UPDATE entry SET format = 2 WHERE seq = 6');
      expect(log.verify()).toMatchObject({ ok: false, seq: 6, problem: 'edited' });
      db.exec('UPDATE entry SET format = 3 WHERE seq = 6');
      db.exec('UPDATE entry SET format = 3 WHERE seq = 4');
      expect(log.verify()).toMatchObject({ ok: false, seq: 4, problem: 'edited' });
    } finally {
      db.close();
    }
  });

  it('refuses a document signer on a row of format 1 or 2, and a format no Chốt writes', () => {
    const { kioskFile } = seedVersion6();
    const db = openKioskDatabase(kioskFile);
    try {
      expect(() => db.exec(`UPDATE entry SET document_signer = '${SIGNER}' WHERE seq = 4`)).toThrow(/CHECK constraint failed/);
      expect(() => db.exec('UPDATE entry SET format = 4 WHERE seq = 4')).toThrow(/CHECK constraint failed/);
    } finally {
      db.close();
    }
  });
});
