import { createHash } from 'node:crypto';
import type { SqliteDatabase } from './sqlite-database.js';

/** One decision at the gate, as the log keeps it. No names, no addresses. */
export interface EntryFields {
  /** ISO 8601 with the zone offset. */
  readonly at: string;
  readonly sourceKind: string;
  readonly deviceId: string;
  readonly credentialKind: string;
  readonly authenticity: string;
  readonly personId: string | null;
  readonly outcome: string;
  readonly reasonCodes: readonly string[];
  readonly ruleSet: string | null;
}

export interface EntryRow extends EntryFields {
  readonly seq: number;
  readonly prevHash: Buffer;
  readonly hash: Buffer;
}

const GENESIS_HASH = Buffer.alloc(32);

/**
 * The canonical bytes an entry's hash covers: a JSON array in a fixed field order,
 * so the same entry always hashes the same on the kiosk and at the hub.
 */
export function canonicalEntry(seq: number, entry: EntryFields): string {
  return JSON.stringify([
    seq, entry.at, entry.sourceKind, entry.deviceId, entry.credentialKind, entry.authenticity,
    entry.personId, entry.outcome, entry.reasonCodes, entry.ruleSet,
  ]);
}

export function chainHash(prevHash: Buffer, seq: number, entry: EntryFields): Buffer {
  return createHash('sha256').update(prevHash).update(canonicalEntry(seq, entry), 'utf8').digest();
}

interface StoredEntry {
  seq: number; at: string; source_kind: string; device_id: string; credential_kind: string; authenticity: string;
  person_id: string | null; outcome: string; reasons: string; rule_set: string | null; prev_hash: Buffer; hash: Buffer;
}

/**
 * The append-only, hash-chained entry log, on the kiosk database. `append` returns only
 * after the row is committed with synchronous=FULL, so a verdict on screen is always in
 * the log; the people are in another file, so a sync never holds the lock it needs.
 */
export class EntryLog {
  private readonly insert;
  private readonly selectLast;
  private readonly selectBySeq;
  private readonly countRows;

  constructor(private readonly db: SqliteDatabase) {
    this.insert = db.prepare(
      `INSERT INTO entry (seq, at, source_kind, device_id, credential_kind, authenticity, person_id, outcome, reasons, rule_set, prev_hash, hash)
       VALUES (@seq, @at, @sourceKind, @deviceId, @credentialKind, @authenticity, @personId, @outcome, @reasons, @ruleSet, @prevHash, @hash)`,
    );
    this.selectLast = db.prepare<[], { seq: number; hash: Buffer }>('SELECT seq, hash FROM entry ORDER BY seq DESC LIMIT 1');
    this.selectBySeq = db.prepare<[number], StoredEntry>('SELECT * FROM entry WHERE seq = ?');
    this.countRows = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM entry');
  }

  /** Appends one entry in its own durable transaction and returns its sequence number. */
  append(entry: EntryFields): number {
    return this.db.transaction(() => {
      // Read the tail inside the transaction: the chain must follow what is on disk.
      const last = this.selectLast.get();
      const seq = (last?.seq ?? 0) + 1;
      const prevHash = last?.hash ?? GENESIS_HASH;
      this.insert.run({
        ...entry,
        seq,
        reasons: JSON.stringify(entry.reasonCodes),
        prevHash,
        hash: chainHash(prevHash, seq, entry),
      });
      return seq;
    }).immediate();
  }

  get(seq: number): EntryRow | undefined {
    const row = this.selectBySeq.get(seq);
    if (row === undefined) return undefined;
    return {
      seq: row.seq, at: row.at, sourceKind: row.source_kind, deviceId: row.device_id,
      credentialKind: row.credential_kind, authenticity: row.authenticity, personId: row.person_id,
      outcome: row.outcome, reasonCodes: JSON.parse(row.reasons) as string[], ruleSet: row.rule_set,
      prevHash: row.prev_hash, hash: row.hash,
    };
  }

  count(): number {
    return this.countRows.get()?.n ?? 0;
  }
}
