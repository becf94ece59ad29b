import type Database from 'better-sqlite3';
import type { UploadedEntry, EntryStore, IngestContext, IngestResult, KioskChain, TracePlace, TraceQuery } from '../entries/entry-store.js';
import { checkTraceQuery, EntryStoreBusy } from '../entries/entry-store.js';
import { advanceChain, checkBatch, ENTRY_COLUMN_NAMES, entryColumns, planIngest, seqsToRead, ZERO_HASH, type StoredLink } from '../entries/ingest-plan.js';
import { TRACE_COLUMNS, tracedEntryOf, type TraceRow } from '../entries/trace-rows.js';
import { SQLITE_BUSY_MESSAGE, writeUnlessBusy } from './sqlite-busy.js';

interface LinkRow {
  seq: number;
  prev_hash: string;
  hash: string;
  problem: StoredLink['problem'];
}
interface ChainRow {
  kiosk_id: string;
  contiguous_seq: number;
  head_hash: string;
  max_seq: number;
  flagged_entries: number;
  conflicts: number;
}

/** Links read per step while walking a chain's verified prefix forward. */
const WALK_STEP = 1_000;

const linkOf = (row: LinkRow): StoredLink => ({ seq: row.seq, prevHash: row.prev_hash, hash: row.hash, problem: row.problem });
const chainOf = (row: ChainRow): KioskChain => ({
  kioskId: row.kiosk_id,
  contiguousSeq: row.contiguous_seq,
  headHash: row.head_hash,
  maxSeq: row.max_seq,
  flaggedEntries: row.flagged_entries,
  conflicts: row.conflicts,
});

/**
 * EntryStore in the hub's SQLite database (tables of migration 3), on the storage's
 * long-lived connection. An ingest is one IMMEDIATE transaction: it takes the write lock
 * before reading the chain, so two processes ingesting one kiosk cannot both extend it.
 */
export class SqliteEntryStore implements EntryStore {
  private readonly statements;

  constructor(private readonly db: Database.Database) {
    this.statements = {
      chain: db.prepare<[string], ChainRow>(
        'SELECT kiosk_id, contiguous_seq, head_hash, max_seq, flagged_entries, conflicts FROM entry_chain WHERE kiosk_id = ?',
      ),
      link: db.prepare<[string, number], LinkRow>('SELECT seq, prev_hash, hash, problem FROM entry WHERE kiosk_id = ? AND seq = ?'),
      linksBetween: db.prepare<[string, number, number], LinkRow>('SELECT seq, prev_hash, hash, problem FROM entry WHERE kiosk_id = ? AND seq BETWEEN ? AND ?'),
      linksAfter: db.prepare<[string, number, number], LinkRow>(
        'SELECT seq, prev_hash, hash, problem FROM entry WHERE kiosk_id = ? AND seq > ? ORDER BY seq LIMIT ?',
      ),
      insert: db.prepare(`INSERT INTO entry (${ENTRY_COLUMN_NAMES.join(', ')}) VALUES (${ENTRY_COLUMN_NAMES.map(() => '?').join(', ')})`),
      reflag: db.prepare<[string, string, number]>('UPDATE entry SET problem = ? WHERE kiosk_id = ? AND seq = ?'),
      flag: db.prepare<[string, number, string, string]>('INSERT INTO entry_flag (kiosk_id, seq, flag, detail) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING'),
      conflict: db.prepare<[string, number, string, string, number]>(
        'INSERT INTO entry_conflict (kiosk_id, seq, hash, entry, received_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING',
      ),
      saveChain: db.prepare<[string, number, string, number, number, number, number]>(
        `INSERT INTO entry_chain (kiosk_id, contiguous_seq, head_hash, max_seq, flagged_entries, conflicts, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (kiosk_id) DO UPDATE SET contiguous_seq = excluded.contiguous_seq, head_hash = excluded.head_hash, max_seq = excluded.max_seq,
           flagged_entries = excluded.flagged_entries, conflicts = excluded.conflicts, updated_at = excluded.updated_at`,
      ),
      // Forced onto their indexes, so the plan never hangs on statistics (tested by EXPLAIN QUERY PLAN).
      visits: db.prepare<[string, number, number], TraceRow>(
        `SELECT ${TRACE_COLUMNS} FROM entry INDEXED BY entry_by_person WHERE person_id = ? AND at_ms BETWEEN ? AND ? ORDER BY at_ms, kiosk_id, seq`,
      ),
      present: db.prepare<[string, number, number, string], TraceRow>(
        `SELECT ${TRACE_COLUMNS} FROM entry INDEXED BY entry_by_place
         WHERE location = ? AND at_ms BETWEEN ? AND ? AND person_id IS NOT NULL AND person_id <> ? ORDER BY at_ms, kiosk_id, seq`,
      ),
    };
  }

  async ingest(kioskId: string, entries: readonly UploadedEntry[], context: IngestContext = {}): Promise<IngestResult> {
    const batch = checkBatch(kioskId, entries);
    const s = this.statements;
    const run = this.db.transaction((): IngestResult => {
      const before = s.chain.get(kioskId);
      const stored = new Map<number, StoredLink>();
      const seqs = seqsToRead(batch);
      const [low, high] = [seqs[0] ?? 0, seqs.at(-1) ?? 0];
      // A batch of consecutive entries (the usual upload): one range read, not three lookups each.
      if (high - low < 2 * seqs.length) for (const row of s.linksBetween.all(kioskId, low, high)) stored.set(row.seq, linkOf(row));
      else {
        for (const seq of seqs) {
          const row = s.link.get(kioskId, seq);
          if (row !== undefined) stored.set(seq, linkOf(row));
        }
      }
      const plan = planIngest(batch, stored, context);
      for (const row of plan.rows) s.insert.run(...entryColumns(kioskId, row));
      for (const { seq, flag, detail } of plan.flags) s.flag.run(kioskId, seq, flag, detail);
      for (const { seq, problem } of plan.reflag) s.reflag.run(problem, kioskId, seq);
      const now = Date.now();
      for (const entry of plan.conflicts) s.conflict.run(kioskId, entry.seq, entry.hash, JSON.stringify(entry), now);

      let head = { contiguousSeq: before?.contiguous_seq ?? 0, headHash: before?.head_hash ?? ZERO_HASH };
      for (;;) {
        const next = s.linksAfter.all(kioskId, head.contiguousSeq, WALK_STEP).map(linkOf);
        const walked = advanceChain(head, next);
        head = walked;
        if (walked.stopped || next.length < WALK_STEP) break;
      }
      const flagged = plan.rows.filter((r) => r.problem !== null).length + plan.reflag.length;
      const maxSeq = Math.max(before?.max_seq ?? 0, plan.rows.at(-1)?.entry.seq ?? 0);
      s.saveChain.run(
        kioskId,
        head.contiguousSeq,
        head.headHash,
        maxSeq,
        (before?.flagged_entries ?? 0) + flagged,
        (before?.conflicts ?? 0) + plan.conflicts.length,
        now,
      );
      return { accepted: plan.rows.length, duplicates: plan.duplicates, contiguousSeq: head.contiguousSeq, problems: plan.problems };
    });
    return writeUnlessBusy(
      () => run.immediate(),
      (cause) => new EntryStoreBusy(SQLITE_BUSY_MESSAGE, { cause }),
    );
  }

  async chain(kioskId: string): Promise<KioskChain | undefined> {
    const row = this.statements.chain.get(kioskId);
    return row === undefined ? undefined : chainOf(row);
  }

  async trace(query: TraceQuery): Promise<TracePlace[]> {
    checkTraceQuery(query);
    const s = this.statements;
    // One read transaction: the visits and their contacts come from one state of the database.
    return this.db.transaction(() =>
      s.visits.all(query.personId, query.fromMs, query.toMs).map((row) => ({
        visit: tracedEntryOf(row),
        contacts:
          row.location === ''
            ? []
            : s.present.all(row.location, Number(row.at_ms) - query.windowMs, Number(row.at_ms) + query.windowMs, query.personId).map(tracedEntryOf),
      })),
    )();
  }
}
