import { afterEach, describe, expect, it } from 'vitest';
import { EntryLog, type EntryFields } from '../../../../main/store/entry-log.js';
import { openKioskDatabase, type SqliteDatabase } from '../../../../main/store/kiosk-database.js';
import { EntryOutbox } from '../../../../main/upload/entry-outbox.js';
import { kioskEntry } from '../../../support/kiosk-entry.js';

const DAY = 86_400_000;
const RETENTION = 21 * DAY;

const fields = (i: number): EntryFields =>
  kioskEntry(`0790950${String(i).padStart(5, '0')}`, { at: `2021-10-15T08:${String(i % 60).padStart(2, '0')}:00.000+07:00`, ruleSet: 'vn-2021@1' });

const open: SqliteDatabase[] = [];
afterEach(() => {
  for (const db of open.splice(0)) if (db.open) db.close();
});

function kiosk(entries: number): { db: SqliteDatabase; log: EntryLog; outbox: EntryOutbox } {
  const db = openKioskDatabase(':memory:');
  open.push(db);
  const log = new EntryLog(db);
  for (let i = 1; i <= entries; i += 1) log.append(fields(i));
  return { db, log, outbox: new EntryOutbox(db) };
}

const receipt = (log: EntryLog, through: number) => ({
  kioskId: 'k-0123456789abcdef',
  contiguousSeq: through,
  headHash: log.get(through)?.hash.toString('hex') ?? '0'.repeat(64),
  issuedAt: 1,
  hubKeyId: 'abcd0123',
});

describe('EntryOutbox', () => {
  it('reads batches in seq order after a cursor, with hex hashes as the hub wants them', () => {
    const { log, outbox } = kiosk(5);
    const first = outbox.readBatch(0, 2);
    expect(first).toMatchObject({ throughSeq: 2 });
    const batch = first as unknown as { entries: { seq: number; format: number; prevHash: string; hash: string; kioskId?: string }[] };
    expect(batch.entries.map((e) => e.seq)).toEqual([1, 2]);
    expect(batch.entries[1]).toMatchObject({
      format: 4,
      documentSigner: null,
      enteredBy: null,
      kioskId: 'k-0123456789abcdef',
      prevHash: log.get(1)?.hash.toString('hex'),
      hash: log.get(2)?.hash.toString('hex'),
    });
    expect(outbox.readBatch(4, 10)).toMatchObject({ throughSeq: 5 });
    expect(outbox.readBatch(5, 10)).toBeUndefined();
    expect(outbox.lastSeq()).toBe(5);
  });

  it('stops before a row it cannot read back, and names that row when it comes first', () => {
    const { db, outbox } = kiosk(4);
    db.prepare('UPDATE entry SET direction = NULL WHERE seq = 3').run();
    expect(outbox.readBatch(0, 10)).toMatchObject({ throughSeq: 2 });
    expect(outbox.readBatch(2, 10)).toEqual({ unreadable: { seq: 3, message: expect.stringMatching(/^entry 3 cannot be read: its direction/) as unknown } });
    expect(outbox.readBatch(3, 10)).toMatchObject({ throughSeq: 4 });
  });

  it('purges only what a receipt older than the retention period vouches for, and the log goes on from the anchor', () => {
    const { log, outbox } = kiosk(10);
    const t0 = Date.UTC(2021, 9, 20);
    const sixth = receipt(log, 6).headHash;
    outbox.recordReceipt(receipt(log, 6), 'sig', t0);
    expect(outbox.purge(t0 + RETENTION - 1, RETENTION)).toBe(0);
    expect(outbox.purge(t0 + RETENTION, RETENTION)).toBe(6);
    expect(log.count()).toBe(4);
    expect(log.anchor()).toEqual({ seq: 6, hash: expect.any(Buffer) as unknown });
    expect(outbox.hashAt(6)?.toString('hex')).toBe(sixth);
    expect(outbox.hashAt(5)).toBeUndefined();
    // The rest verifies from the anchor; new entries chain on.
    expect(log.verify()).toMatchObject({ ok: true, entries: 4 });
    expect(log.append(fields(11))).toBe(11);
    expect(log.verify()).toMatchObject({ ok: true, entries: 5, last: { seq: 11 } });
  });

  it('never purges beyond the newest receipt, even when an older one vouched for more', () => {
    const { log, outbox } = kiosk(10);
    const t0 = Date.UTC(2021, 9, 20);
    outbox.recordReceipt(receipt(log, 8), 'sig', t0);
    // A hub restored from a backup vouches for less.
    outbox.recordReceipt(receipt(log, 3), 'sig', t0 + DAY);
    expect(outbox.purge(t0 + 2 * RETENTION, RETENTION)).toBe(3);
    expect(log.anchor().seq).toBe(3);
  });

  it('keeps numbering after every row was purged: seq and hash go on from the anchor', () => {
    const { log, outbox } = kiosk(3);
    const third = log.get(3)?.hash;
    outbox.recordReceipt(receipt(log, 3), 'sig', 0);
    expect(outbox.purge(RETENTION, RETENTION)).toBe(3);
    expect(log.count()).toBe(0);
    expect(outbox.lastSeq()).toBe(3);
    expect(outbox.hashAt(3)?.equals(third ?? Buffer.alloc(0))).toBe(true);
    expect(log.append(fields(4))).toBe(4);
    expect(log.get(4)?.prevHash.equals(third ?? Buffer.alloc(0))).toBe(true);
    expect(log.verify()).toMatchObject({ ok: true, entries: 1 });
  });

  it('purges within a budget, so the caller can yield between steps', () => {
    const { log, outbox } = kiosk(2_500);
    outbox.recordReceipt(receipt(log, 2_500), 'sig', 0);
    expect(outbox.purge(RETENTION, RETENTION, 1_200)).toBe(1_200);
    expect(outbox.purge(RETENTION, RETENTION, 1_200)).toBe(1_200);
    expect(outbox.purge(RETENTION, RETENTION, 1_200)).toBe(100);
    expect(log.count()).toBe(0);
    expect(log.anchor().seq).toBe(2_500);
  });
});
