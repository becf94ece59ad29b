import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { canonicalEntry } from '../../../../domain/entries/entry-record.js';
import { EntryLog, sha256Chain, type EntryFields } from '../../../../main/store/entry-log.js';
import { openKioskDatabase, type SqliteDatabase } from '../../../../main/store/kiosk-database.js';
import { tempDataDir } from '../../../support/kiosk-process.js';
import { kioskEntry } from '../../../support/kiosk-entry.js';

const entry = (personId: string | null, outcome = 'green'): EntryFields =>
  kioskEntry(personId, { at: '2021-10-15T08:00:00.000+07:00', location: 'Cổng Bắc, Chợ Đầm', outcome });

const SIGNER = 'C=VN, O=Bộ Công an, CN=Document Signer 07#0a1b2c3d';
const chipEntry: EntryFields = {
  ...entry('056089001234'),
  sourceKind: 'chip',
  sourceDeviceId: 'ACS ACR39U',
  credentialKind: 'chip',
  authenticity: 'chip-verified',
};

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
    const expected = sha256Chain(
      first?.hash ?? Buffer.alloc(0),
      canonicalEntry({ ...entry('079195004321', 'yellow'), seq: 2, documentSigner: null, enteredBy: null }),
    );
    expect(second?.hash.equals(expected)).toBe(true);
  });

  it('hashes SHA-256(prev_hash ‖ canonical entry v4), a missing document signer and "entered by" as null', () => {
    const db = openDb(':memory:');
    const log = new EntryLog(db);
    log.append({ ...entry(null, 'none'), direction: 'alighting', lane: 'B', override: { by: 'staff-7', reason: 'thẻ mờ' } });
    const canonical =
      '["chot-entry-4",1,"2021-10-15T08:00:00.000+07:00","k-0123456789abcdef","Cổng Bắc, Chợ Đầm","B","alighting","wedge","keyboard",' +
      '"cccd-qr","unsigned",null,"none",["vaccinated-full"],"khanh-hoa-2021-10@1.0.0",["staff-7","thẻ mờ"],null,null]';
    const expected = createHash('sha256').update(Buffer.alloc(32)).update(canonical, 'utf8').digest();
    expect(log.get(1)?.hash.equals(expected)).toBe(true);
    expect(db.prepare('SELECT format, document_signer, entered_by FROM entry').get()).toEqual({ format: 4, document_signer: null, entered_by: null });
  });

  it('stores and hashes a chip ID card’s document signer', () => {
    const db = openDb(':memory:');
    const log = new EntryLog(db);
    log.append({ ...chipEntry, documentSigner: SIGNER });
    const canonical =
      '["chot-entry-4",1,"2021-10-15T08:00:00.000+07:00","k-0123456789abcdef","Cổng Bắc, Chợ Đầm","1","in","chip","ACS ACR39U",' +
      `"chip","chip-verified","056089001234","green",["vaccinated-full"],"khanh-hoa-2021-10@1.0.0",null,"${SIGNER}",null]`;
    expect(log.get(1)?.hash.equals(createHash('sha256').update(Buffer.alloc(32)).update(canonical, 'utf8').digest())).toBe(true);
    expect(log.get(1)).toMatchObject({ format: 4, credentialKind: 'chip', documentSigner: SIGNER });
    expect(log.verify()).toMatchObject({ ok: true, entries: 1 });
    db.prepare("UPDATE entry SET document_signer = 'C=VN, CN=Other DS#01' WHERE seq = 1").run();
    expect(log.verify()).toMatchObject({ ok: false, seq: 1, problem: 'edited' });
  });

  it('refuses a document signer on another credential than a chip, or one no documentSignerId makes, logging nothing', () => {
    const log = new EntryLog(openDb(':memory:'));
    expect(() => log.append({ ...entry('056089001234'), documentSigner: SIGNER })).toThrow(/documentSigner must be null unless the credential is a chip/);
    expect(() => log.append({ ...chipEntry, documentSigner: 'C=VN\u202e#01' })).toThrow(/invisible/);
    expect(() => log.append({ ...chipEntry, documentSigner: `${'x'.repeat(400)}#01` })).toThrow(/at most 400 characters/);
    expect(log.count()).toBe(0);
  });

  it('reads back every v4 field, as format 4', () => {
    const log = new EntryLog(openDb(':memory:'));
    const fields = { ...entry('056089001234'), direction: 'boarding' as const, override: { by: 'staff-7', reason: 'thẻ mờ' } };
    log.append(fields);
    log.append(entry(null));
    expect(log.get(1)).toMatchObject({ format: 4, seq: 1, ...fields, documentSigner: null, enteredBy: null });
    expect(log.get(2)).toMatchObject({ format: 4, personId: null, override: null, documentSigner: null, enteredBy: null });
    expect(log.get(3)).toBeUndefined();
  });

  it('stores and hashes who typed a typed ID, and an edit of the name breaks the chain', () => {
    const db = openDb(':memory:');
    const log = new EntryLog(db);
    const typed: EntryFields = {
      ...entry('056089001234', 'green'),
      sourceKind: 'manual',
      sourceDeviceId: 'staff-keypad',
      credentialKind: 'manual',
      authenticity: 'manual',
      enteredBy: 'Nguyễn Thị Lan',
    };
    log.append(typed);
    const canonical =
      '["chot-entry-4",1,"2021-10-15T08:00:00.000+07:00","k-0123456789abcdef","Cổng Bắc, Chợ Đầm","1","in","manual","staff-keypad",' +
      '"manual","manual","056089001234","green",["vaccinated-full"],"khanh-hoa-2021-10@1.0.0",null,null,"Nguyễn Thị Lan"]';
    expect(log.get(1)?.hash.equals(createHash('sha256').update(Buffer.alloc(32)).update(canonical, 'utf8').digest())).toBe(true);
    expect(log.get(1)).toMatchObject({ format: 4, sourceKind: 'manual', enteredBy: 'Nguyễn Thị Lan' });
    expect(log.verify()).toMatchObject({ ok: true, entries: 1 });
    db.prepare("UPDATE entry SET entered_by = 'Someone else' WHERE seq = 1").run();
    expect(log.verify()).toMatchObject({ ok: false, seq: 1, problem: 'edited' });
  });

  it('refuses an "entered by" on an entry no staff typed, or one with invisible characters, logging nothing', () => {
    const log = new EntryLog(openDb(':memory:'));
    expect(() => log.append({ ...entry('056089001234'), enteredBy: 'Lan' })).toThrow(/enteredBy must be null unless the ID was typed by staff/);
    const typed = { ...entry('056089001234'), sourceKind: 'manual', sourceDeviceId: 'staff-keypad', credentialKind: 'manual', authenticity: 'manual' };
    expect(() => log.append({ ...typed, enteredBy: 'La\u202en' })).toThrow(/invisible/);
    expect(() => log.append({ ...typed, enteredBy: '' })).toThrow(/characters/);
    expect(log.count()).toBe(0);
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
    expect(log.verify()).toMatchObject({ ok: true, entries: 2 });
  });

  it('opens the database with WAL and synchronous=FULL, and insists on FULL', () => {
    const db = openDb(join(tempDataDir(), 'kiosk.sqlite'));
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(2); // FULL
    db.pragma('synchronous = NORMAL');
    new EntryLog(db);
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
  });

  it('appends nothing when the commit fails, and the chain stays intact', () => {
    const db = openDb(':memory:');
    const log = new EntryLog(db);
    log.append(entry('056089001234'));
    db.exec("CREATE TRIGGER refuse BEFORE INSERT ON entry BEGIN SELECT RAISE(ABORT, 'disk full'); END");
    expect(() => log.append(entry('056089001234'))).toThrow(/disk full/);
    db.exec('DROP TRIGGER refuse');
    expect(log.append(entry('056089001234'))).toBe(2);
    expect(log.verify()).toMatchObject({ ok: true, entries: 2 });
  });
});

describe('EntryLog.verify', () => {
  function logOf(n: number): { db: SqliteDatabase; log: EntryLog } {
    const db = openDb(':memory:');
    const log = new EntryLog(db);
    for (let i = 1; i <= n; i += 1) log.append(entry(`0560890012${String(i).padStart(2, '0')}`));
    return { db, log };
  }

  it('an intact log: how many entries, and the last one', () => {
    const { log } = logOf(5);
    const check = log.verify();
    expect(check).toEqual({ ok: true, entries: 5, last: { seq: 5, hash: log.get(5)?.hash } });
    expect(new EntryLog(openDb(':memory:')).verify()).toMatchObject({ ok: true, entries: 0, last: { seq: 0 } });
  });

  it.each<[string, string, number, string]>([
    ['an outcome edited', "UPDATE entry SET outcome = 'red' WHERE seq = 3", 3, 'edited'],
    ['a lane edited', "UPDATE entry SET lane = '2' WHERE seq = 4", 4, 'edited'],
    ['a middle row deleted', 'DELETE FROM entry WHERE seq = 3', 4, 'gap'],
    ['the last row’s link edited', 'UPDATE entry SET prev_hash = zeroblob(32) WHERE seq = 5', 5, 'broken-chain'],
    ['two rows reordered', 'UPDATE entry SET seq = -seq WHERE seq IN (2, 3); UPDATE entry SET seq = 5 + seq WHERE seq IN (-2, -3)', 2, 'broken-chain'],
  ])('%s: reported', (_label, sql, seq, problem) => {
    const { db, log } = logOf(5);
    db.exec(sql);
    expect(log.verify()).toMatchObject({ ok: false, seq, problem });
  });

  it('a row holding values no Chốt writes is reported as edited, with what is wrong', () => {
    const { db, log } = logOf(3);
    db.exec("UPDATE entry SET reasons = 'not json' WHERE seq = 2");
    expect(log.verify()).toEqual({ ok: false, seq: 2, problem: 'edited', message: 'entry 2: edited — its reason codes are not JSON' });
    expect(() => log.get(2)).toThrow(/entry 2 cannot be read: its reason codes are not JSON/);
    db.exec("UPDATE entry SET reasons = '[]', override_by = 'someone' WHERE seq = 2");
    expect(log.verify()).toMatchObject({ ok: false, seq: 2, message: expect.stringMatching(/override/) });
    db.exec('UPDATE entry SET override_by = NULL, lane = NULL WHERE seq = 2');
    expect(log.verify()).toMatchObject({ ok: false, seq: 2, problem: 'edited' });
  });
});

describe('EntryLog.tallySince', () => {
  it('counts a chip ID card that passed passive authentication as chip-verified; a chip read that did not verify stays chip', () => {
    const log = new EntryLog(openDb(':memory:'));
    log.append({ ...entry('056089001234'), at: '2021-10-14T23:59:59.999+07:00' }); // yesterday: not counted
    log.append({ ...chipEntry, documentSigner: SIGNER });
    log.append({ ...chipEntry, documentSigner: SIGNER });
    log.append({ ...chipEntry, authenticity: 'unsigned', outcome: 'yellow' });
    log.append({ ...chipEntry, authenticity: 'invalid', outcome: 'red', documentSigner: SIGNER });
    log.append(entry('056089001234'));
    expect(log.tallySince('2021-10-15T00:00:00.000+07:00')).toEqual({
      total: 5,
      byOutcome: { green: 3, yellow: 1, red: 1 },
      byCredentialKind: { 'chip-verified': 2, chip: 2, 'cccd-qr': 1 },
    });
  });

  it('counts a staff override or confirm as a staff decision, never as a second scan or a second green', () => {
    const log = new EntryLog(openDb(':memory:'));
    log.append({ ...entry('056089001234'), outcome: 'red' });
    log.append({
      ...entry('056089001234'),
      outcome: 'green',
      reasonCodes: ['override', 'overrides:1'],
      override: { by: 'Lan', reason: 'Đã kiểm tra giấy tờ' },
    });
    log.append(entry('056089001235'));
    log.append({ ...entry('056089001235'), reasonCodes: ['confirm', 'confirms:3'], override: { by: 'Lan', reason: 'F0' } });
    expect(log.tallySince('2021-10-15T00:00:00.000+07:00')).toEqual({
      total: 2,
      byOutcome: { red: 1, green: 1 },
      byCredentialKind: { 'cccd-qr': 2 },
    });
  });
});
