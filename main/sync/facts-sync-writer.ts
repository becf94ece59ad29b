import type { ChunkCursor, SyncPosition, VerifiedChunk } from '../../domain/sync/chunk-stream-verifier.js';
import { recordBhxh, recordFacts, recordOldId, type ChunkRecords } from '../../domain/sync/sync-records.js';
import { personIndexesSql } from '../store/facts-database.js';
import { FactsStore } from '../store/facts-store.js';
import type { SqliteDatabase } from '../store/sqlite-database.js';

/** The table a snapshot is loaded into before the swap; same shape as `person` (facts migration 1). */
export const SHADOW_TABLE = 'person_next';
const PROGRESS_KEY = 'facts_snapshot_progress';

const SHADOW_DDL = `
  CREATE TABLE ${SHADOW_TABLE} (
    id12   INTEGER PRIMARY KEY,
    old_id TEXT,
    facts  BLOB NOT NULL,
    bhxh   TEXT
  ) STRICT`;

/**
 * Writes verified snapshot and delta chunks into the facts database (facts.sqlite) —
 * the half of the sync applier that runs in the worker thread, on its own connection.
 * Every step is one transaction that also records where the data now stands, so a kiosk
 * killed at any instant reopens at a consistent sequence:
 *
 * - Snapshot: chunks are loaded into the shadow table, each in one transaction with the
 *   resume cursor in `meta`; the scan path keeps reading `person`, untouched. The final
 *   chunk's rows, the swap (drop `person`, rename the shadow, rebuild the lookup indexes)
 *   and the new watermark commit together: old data at the old sequence, or new data at
 *   the new one, never a mix. Killed before that, the next run resumes after the last
 *   committed chunk.
 * - Delta: applied whole in one transaction with its watermark. Splitting it (one
 *   transaction per chunk) would be safe for the data — every record is a person's latest
 *   state, so the applied chunks are merely ahead of the watermark and re-applying the
 *   delta from the old watermark rewrites them identically — but the database would then
 *   hold a mix of two sequences, and a refused chunk halfway would leave half a delta
 *   applied. The price is one longer transaction: 100 000 changes among 10 million
 *   people hold the write lock about 2 s, so the hub should serve a long catch-up as
 *   consecutive, smaller deltas (docs/sync-format.md). The entry log is in kiosk.sqlite,
 *   another file with its own lock, and does not wait; lookups read through WAL.
 */
export class FactsSyncWriter {
  private readonly facts: FactsStore;
  private readonly selectProgress;
  private readonly upsertProgress;
  private readonly deleteProgress;

  constructor(
    private readonly db: SqliteDatabase,
    private readonly now: () => number = Date.now,
  ) {
    this.facts = new FactsStore(db);
    this.selectProgress = db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?');
    this.upsertProgress = db.prepare<[string, string]>('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value');
    this.deleteProgress = db.prepare<[string]>('DELETE FROM meta WHERE key = ?');
  }

  position(): SyncPosition {
    const watermark = this.facts.syncedSeq() ?? 0;
    const row = this.selectProgress.get(PROGRESS_KEY);
    const shadowExists = this.db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(SHADOW_TABLE) !== undefined;
    if (row === undefined || !shadowExists) return { watermark };
    const progress = JSON.parse(row.value) as ChunkCursor;
    // A snapshot overtaken by deltas meanwhile cannot be resumed: it would be a replay.
    return progress.toSeq >= watermark ? { watermark, snapshotInProgress: progress } : { watermark };
  }

  /** Loads one snapshot chunk; the final one swaps the snapshot in and returns the new watermark. */
  writeSnapshotChunk(chunk: VerifiedChunk): number | undefined {
    if (chunk.header.kind !== 'snapshot') throw new Error('not a snapshot chunk');
    // Loading the shadow table needs no fsync per chunk: losing the last chunks to a power
    // cut only moves the resume point back, as rows and cursor commit together. The swap
    // is the commit that matters, so it runs with synchronous=FULL.
    this.db.pragma(`synchronous = ${chunk.final ? 'FULL' : 'NORMAL'}`);
    this.db
      .transaction(() => {
        if (chunk.header.index === 0) {
          this.db.exec(`DROP TABLE IF EXISTS ${SHADOW_TABLE}`);
          this.db.exec(SHADOW_DDL);
        }
        insertAll(this.db.prepare(`INSERT INTO ${SHADOW_TABLE} (id12, old_id, facts, bhxh) VALUES (?, ?, ?, ?)`), chunk.records);
        if (chunk.final) this.swapIn(chunk.header.toSeq);
        else this.upsertProgress.run(PROGRESS_KEY, JSON.stringify(chunk.cursor));
      })
      .immediate();
    return chunk.final ? chunk.header.toSeq : undefined;
  }

  private swapIn(atSeq: number): void {
    // The indexes are built once over the finished table (personIndexesSql says why).
    this.db.exec(`
      DROP TABLE person;
      ALTER TABLE ${SHADOW_TABLE} RENAME TO person;
      ${personIndexesSql()}
    `);
    this.deleteProgress.run(PROGRESS_KEY);
    this.facts.markSynced(this.now(), atSeq);
  }

  /**
   * Records a sync that brought nothing new — the hub said the kiosk is current at `seq` —
   * by moving the sync time (the data's age) only, and only if the watermark is `seq`:
   * read and written in one transaction, so a snapshot or delta committing meanwhile
   * cannot be stamped current by a stale answer. False (nothing changed) otherwise.
   */
  confirmCurrent(seq: number): boolean {
    return this.db
      .transaction(() => {
        if (this.facts.syncedSeq() !== seq) return false;
        this.facts.markSynced(this.now());
        return true;
      })
      .immediate();
  }

  /** Applies a whole verified delta in one transaction and returns the new watermark. */
  applyDelta(chunks: readonly VerifiedChunk[]): number {
    const last = chunks.at(-1);
    if (last === undefined || !last.final || chunks.some((c) => c.header.kind !== 'delta')) throw new Error('a delta is applied whole, final chunk included');
    this.db.pragma('synchronous = FULL');
    // Most changes are new facts for a known person. Setting only `facts` then leaves the
    // old-ID and BHXH indexes untouched: a third of the pages written, and the
    // transaction a third as long.
    const updateFacts = this.db.prepare<[Uint8Array, number, string | null, string | null]>(
      'UPDATE person SET facts = ? WHERE id12 = ? AND old_id IS ? AND bhxh IS ?',
    );
    const upsert = this.db.prepare<[number, string | null, Uint8Array, string | null]>(
      `INSERT INTO person (id12, old_id, facts, bhxh) VALUES (?, ?, ?, ?)
       ON CONFLICT (id12) DO UPDATE SET old_id = excluded.old_id, facts = excluded.facts, bhxh = excluded.bhxh`,
    );
    this.db
      .transaction(() => {
        for (const { records } of chunks) {
          for (let i = 0; i < records.count; i++) {
            const [id12, oldId, facts, bhxh] = [records.id12[i] as number, recordOldId(records, i), recordFacts(records, i), recordBhxh(records, i)];
            if (updateFacts.run(facts, id12, oldId, bhxh).changes === 0) upsert.run(id12, oldId, facts, bhxh);
          }
        }
        // The verifier refused deltas ending below the watermark, so this never moves it back.
        this.facts.markSynced(this.now(), last.header.toSeq);
      })
      .immediate();
    return last.header.toSeq;
  }
}

function insertAll(statement: { run(...params: unknown[]): unknown }, records: ChunkRecords): void {
  for (let i = 0; i < records.count; i++) {
    statement.run(records.id12[i], recordOldId(records, i), recordFacts(records, i), recordBhxh(records, i));
  }
}
