import type { UploadedEntry, UploadReceipt } from '../../domain/entries/entry-upload.js';
import { ANCHOR_HASH_KEY, ANCHOR_SEQ_KEY, decodeRow, UnreadableRow, type EntryRow, type SqlEntry } from '../store/entry-log.js';
import type { SqliteDatabase } from '../store/sqlite-database.js';

/** One batch read from the log, ready to send. */
export interface OutboxBatch {
  readonly entries: readonly UploadedEntry[];
  /** The last seq the batch covers. */
  readonly throughSeq: number;
}

/** A row that cannot be read back as an entry (edited to values no Chốt writes): never sent, reported. */
export interface UnreadableEntry {
  readonly seq: number;
  readonly message: string;
}

export interface StoredReceipt {
  readonly throughSeq: number;
  readonly receivedAt: number;
}

/** Purge works in steps this small, so an append never waits long for the write lock. */
const PURGE_STEP = 1_000;

/**
 * The entry log seen as an outbox (on its own connection to kiosk.sqlite): batches to send
 * in seq order, the receipts the hub signed, and the purge of what the hub holds once the
 * retention period has passed. Appends go on through EntryLog on the core's connection;
 * WAL lets this one read beside them, and its writes (a receipt, a purge step) are short.
 */
export class EntryOutbox {
  private readonly statements;

  constructor(private readonly db: SqliteDatabase) {
    this.statements = {
      after: db.prepare<[number, number], SqlEntry>('SELECT * FROM entry WHERE seq > ? ORDER BY seq LIMIT ?'),
      lastSeq: db.prepare<[], { seq: number | null }>('SELECT max(seq) AS seq FROM entry'),
      hashAt: db.prepare<[number], { hash: Buffer }>('SELECT hash FROM entry WHERE seq = ?'),
      meta: db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?'),
      setMeta: db.prepare<[string, string]>('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value'),
      newestReceipt: db.prepare<[], { through_seq: number; received_at: number }>(
        'SELECT through_seq, received_at FROM upload_receipt ORDER BY rowid DESC LIMIT 1',
      ),
      // The furthest a receipt old enough vouches for; capped by the newest receipt below.
      purgeHorizon: db.prepare<[number], { seq: number | null }>('SELECT max(through_seq) AS seq FROM upload_receipt WHERE received_at <= ?'),
      insertReceipt: db.prepare('INSERT INTO upload_receipt (through_seq, head_hash, issued_at, received_at, hub_key_id, signature) VALUES (?, ?, ?, ?, ?, ?)'),
      // Receipts no purge needs any more: older than the newest one already past retention.
      forgetReceipts: db.prepare<[number, number]>('DELETE FROM upload_receipt WHERE received_at <= ? AND through_seq < ?'),
      firstSeq: db.prepare<[], { seq: number | null }>('SELECT min(seq) AS seq FROM entry'),
      deleteThrough: db.prepare<[number]>('DELETE FROM entry WHERE seq <= ?'),
    };
  }

  /**
   * Up to `max` entries after `afterSeq`, in seq order, as the hub wants them. Stops before
   * a row that cannot be read back; if the first row is one, returns it as `unreadable` so
   * the uploader can report it and step over it (the hub then sees the gap and flags it).
   */
  readBatch(afterSeq: number, max: number): OutboxBatch | { unreadable: UnreadableEntry } | undefined {
    const entries: UploadedEntry[] = [];
    // all(), not iterate(): a batch is a few thousand rows, and stepping row by row costs twice as much.
    for (const row of this.statements.after.all(afterSeq, max)) {
      let entry: EntryRow;
      try {
        entry = decodeRow(row);
      } catch (error) {
        if (!(error instanceof UnreadableRow)) throw error;
        if (entries.length > 0) break;
        return { unreadable: { seq: row.seq, message: `entry ${row.seq} cannot be read: ${error.message}` } };
      }
      entries.push(toUploaded(entry));
    }
    const last = entries.at(-1);
    return last === undefined ? undefined : { entries, throughSeq: last.seq };
  }

  /** The newest seq logged (0 when the log is empty or all purged: then the anchor's). */
  lastSeq(): number {
    return this.statements.lastSeq.get()?.seq ?? Number(this.statements.meta.get(ANCHOR_SEQ_KEY)?.value ?? 0);
  }

  /** The hash of entry `seq` as this kiosk holds it (the anchor's when purged), or undefined when unknown. */
  hashAt(seq: number): Buffer | undefined {
    if (seq === 0) return Buffer.alloc(32);
    const row = this.statements.hashAt.get(seq);
    if (row !== undefined) return row.hash;
    if (Number(this.statements.meta.get(ANCHOR_SEQ_KEY)?.value) === seq) return Buffer.from(this.statements.meta.get(ANCHOR_HASH_KEY)?.value ?? '', 'hex');
    return undefined;
  }

  /** The last receipt kept, or undefined before the first upload. */
  newestReceipt(): StoredReceipt | undefined {
    const row = this.statements.newestReceipt.get();
    return row === undefined ? undefined : { throughSeq: row.through_seq, receivedAt: row.received_at };
  }

  /** Keeps a verified receipt: the purge counts the retention period from `receivedAt`. */
  recordReceipt(receipt: UploadReceipt, signature: string, receivedAt: number): void {
    this.statements.insertReceipt.run(receipt.contiguousSeq, Buffer.from(receipt.headHash, 'hex'), receipt.issuedAt, receivedAt, receipt.hubKeyId, signature);
  }

  /**
   * Deletes the entries the hub holds by a receipt received at least `retentionMs` ago,
   * never beyond the newest receipt (a hub restored from a backup may vouch for less than
   * before), in steps of PURGE_STEP rows, each one transaction that also moves the anchor.
   * Returns how many rows went. `budget` caps the rows per call, so the caller can yield.
   */
  purge(nowMs: number, retentionMs: number, budget = Number.POSITIVE_INFINITY): number {
    const s = this.statements;
    const newest = this.newestReceipt();
    const horizon = Math.min(s.purgeHorizon.get(nowMs - retentionMs)?.seq ?? 0, newest?.throughSeq ?? 0);
    let purged = 0;
    while (purged < budget) {
      const first = s.firstSeq.get()?.seq;
      if (first === null || first === undefined || first > horizon) break;
      const through = Math.min(horizon, first + Math.min(PURGE_STEP, budget - purged) - 1);
      const deleted = this.db
        .transaction(() => {
          const hash = s.hashAt.get(through)?.hash;
          // A hole in the log at `through` (a row deleted by hand): stop rather than anchor on nothing.
          if (hash === undefined) return 0;
          s.setMeta.run(ANCHOR_SEQ_KEY, String(through));
          s.setMeta.run(ANCHOR_HASH_KEY, hash.toString('hex'));
          return s.deleteThrough.run(through).changes;
        })
        .immediate();
      if (deleted === 0) break;
      purged += deleted;
    }
    if (horizon > 0) s.forgetReceipts.run(nowMs - retentionMs, horizon);
    return purged;
  }
}

function toUploaded(row: EntryRow): UploadedEntry {
  const { prevHash, hash, ...entry } = row;
  return { ...entry, prevHash: prevHash.toString('hex'), hash: hash.toString('hex') };
}
