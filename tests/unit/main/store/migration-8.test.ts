import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { EntryLog, type EntryFields } from '../../../../main/store/entry-log.js';
import { openKioskDatabase } from '../../../../main/store/kiosk-database.js';
import { SEED_KIOSK, SEED_SIGNER, seedOldKioskLog } from '../../../support/seed-kiosk-log.js';

const typedId: EntryFields = {
  at: '2021-10-16T07:30:00.000+07:00',
  kioskId: SEED_KIOSK,
  location: 'Chợ Đầm',
  lane: '1',
  direction: 'in',
  sourceKind: 'manual',
  sourceDeviceId: 'staff-keypad',
  credentialKind: 'manual',
  authenticity: 'manual',
  personId: '079195004321',
  outcome: 'yellow',
  reasonCodes: ['vaccinated-partial', 'credential.manual'],
  ruleSet: 'khanh-hoa-2021-10@1.0.0',
  override: null,
  enteredBy: 'Nguyễn Thị Lan',
};

describe('kiosk migration 8: entry log v4 (who typed a typed ID)', () => {
  it('keeps a seeded version-7 log of formats 1, 2 and 3 byte for byte, still verifying; a typed ID is format 4 naming who typed it', () => {
    const { kioskFile, hashes } = seedOldKioskLog(7, 'chot-migration-8-');
    const before = new Database(kioskFile, { readonly: true });
    const rowsBefore = before.prepare('SELECT * FROM entry ORDER BY seq').all();
    before.close();

    const db = openKioskDatabase(kioskFile);
    try {
      expect(db.pragma('user_version', { simple: true })).toBe(8);
      // Every old row as it was, nobody named as having typed it; the receipt kept.
      expect(db.prepare('SELECT * FROM entry ORDER BY seq').all()).toEqual(rowsBefore.map((row) => ({ ...(row as object), entered_by: null })));
      expect(db.prepare('SELECT through_seq FROM upload_receipt').pluck().all()).toEqual([6]);

      const log = new EntryLog(db);
      expect(log.verify()).toEqual({ ok: true, entries: 6, last: { seq: 6, hash: hashes[5] } });
      expect(log.get(6)).toMatchObject({ format: 3, documentSigner: SEED_SIGNER });
      expect(log.get(6)).not.toHaveProperty('enteredBy');

      expect(log.append(typedId)).toBe(7);
      expect(log.get(7)).toMatchObject({ format: 4, ...typedId });
      expect(log.get(7)?.prevHash.equals(hashes[5] as Buffer)).toBe(true);
      expect(log.verify()).toMatchObject({ ok: true, entries: 7, last: { seq: 7 } });
    } finally {
      db.close();
    }
  });

  it('refuses who typed it on a row of formats 1 to 3, or on an entry no staff typed, and a format no Chốt writes', () => {
    const { kioskFile } = seedOldKioskLog(7, 'chot-migration-8-');
    const db = openKioskDatabase(kioskFile);
    try {
      expect(() => db.exec("UPDATE entry SET entered_by = 'Lan' WHERE seq = 6")).toThrow(/CHECK constraint failed/);
      expect(() => db.exec("UPDATE entry SET entered_by = 'Lan' WHERE seq = 2")).toThrow(/CHECK constraint failed/);
      const log = new EntryLog(db);
      const { enteredBy: _who, ...cardRead } = typedId;
      log.append({ ...cardRead, sourceKind: 'wedge', sourceDeviceId: 'wedge', credentialKind: 'cccd-qr', authenticity: 'unsigned' });
      expect(() => db.exec("UPDATE entry SET entered_by = 'Lan' WHERE seq = 7")).toThrow(/CHECK constraint failed/);
      expect(() => db.exec('UPDATE entry SET format = 5 WHERE seq = 7')).toThrow(/CHECK constraint failed/);
      // A format-3 row read as format 4 hashes otherwise: caught.
      db.exec('UPDATE entry SET format = 4 WHERE seq = 6');
      expect(log.verify()).toMatchObject({ ok: false, seq: 6, problem: 'edited' });
    } finally {
      db.close();
    }
  });
});
