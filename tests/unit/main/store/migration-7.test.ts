import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { CURRENT_ENTRY_FORMAT } from '../../../../domain/entries/entry-record.js';
import { EntryLog, type EntryFields } from '../../../../main/store/entry-log.js';
import { openKioskDatabase, type SqliteDatabase } from '../../../../main/store/kiosk-database.js';
import { KIOSK_MIGRATIONS } from '../../../../main/store/migrations.js';
import { SEED_KIOSK, SEED_SIGNER, seedOldKioskLog } from '../../../support/seed-kiosk-log.js';

const columns = (db: SqliteDatabase): unknown[] => db.prepare("SELECT name FROM pragma_table_info('entry') ORDER BY cid").pluck().all();

const KIOSK = SEED_KIOSK;
const SIGNER = SEED_SIGNER;

const seedVersion6 = (): { kioskFile: string; hashes: Buffer[] } => seedOldKioskLog(6, 'chot-migration-7-');

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
  it('keeps a seeded version-6 log of formats 1 and 2 byte for byte, still verifying; new rows chain on from it (in today’s format: migration 8 followed)', () => {
    const { kioskFile, hashes } = seedVersion6();
    const before = new Database(kioskFile, { readonly: true });
    const rowsBefore = before.prepare('SELECT * FROM entry ORDER BY seq').all();
    before.close();

    const db = openKioskDatabase(kioskFile);
    try {
      expect(db.pragma('user_version', { simple: true })).toBe(KIOSK_MIGRATIONS.length);
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
      // Every old row as it was, with an empty document signer (and "entered by", migration 8); the receipt kept.
      expect(db.prepare('SELECT * FROM entry ORDER BY seq').all()).toEqual(
        rowsBefore.map((row) => ({ ...(row as object), document_signer: null, entered_by: null })),
      );
      expect(db.prepare('SELECT through_seq FROM upload_receipt').pluck().all()).toEqual([5]);

      const log = new EntryLog(db);
      expect(log.verify()).toEqual({ ok: true, entries: 5, last: { seq: 5, hash: hashes[4] } });
      expect(log.get(1)).toMatchObject({ format: 1, seq: 1 });
      expect(log.get(1)).not.toHaveProperty('documentSigner');
      expect(log.get(5)).toMatchObject({ format: 2, override: { by: 'staff-7', reason: 'thẻ mờ' } });
      expect(log.get(5)).not.toHaveProperty('documentSigner');

      expect(log.append(chipRead)).toBe(6);
      expect(log.get(6)).toMatchObject({ format: CURRENT_ENTRY_FORMAT, ...chipRead });
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
      db.exec(`UPDATE entry SET format = ${CURRENT_ENTRY_FORMAT} WHERE seq = 6`);
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
      expect(() => db.exec('UPDATE entry SET format = 5 WHERE seq = 4')).toThrow(/CHECK constraint failed/);
    } finally {
      db.close();
    }
  });
});
