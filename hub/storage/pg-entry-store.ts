import type pg from 'pg';
import type { UploadedEntry, EntryStore, IngestContext, IngestResult, KioskChain, TracePlace, TraceQuery } from '../entries/entry-store.js';
import { checkTraceQuery } from '../entries/entry-store.js';
import { advanceChain, checkBatch, ENTRY_COLUMN_NAMES, entryColumns, planIngest, seqsToRead, ZERO_HASH, type StoredLink } from '../entries/ingest-plan.js';
import { TRACE_COLUMNS, tracedEntryOf, type TraceRow } from '../entries/trace-rows.js';
import { PgEntryPartitions } from './pg-entry-partitions.js';
import { inPgTransaction } from './pg-transaction.js';

interface LinkRow {
  seq: string;
  prev_hash: string;
  hash: string;
  problem: StoredLink['problem'];
}
interface ChainRow {
  kiosk_id: string;
  contiguous_seq: string;
  head_hash: string;
  max_seq: string;
  flagged_entries: string;
  conflicts: string;
}

/** Links read per step while walking a chain's verified prefix forward. */
const WALK_STEP = 1_000;
/** Rows per INSERT: one round trip per this many entries, each column an array. */
const INSERT_BATCH = 5_000;

/** The entry table's column types, for unnest() of one array per column. */
const COLUMN_TYPES: Record<(typeof ENTRY_COLUMN_NAMES)[number], string> = {
  kiosk_id: 'text',
  seq: 'bigint',
  at_ms: 'bigint',
  at: 'text',
  location: 'text',
  lane: 'text',
  direction: 'text',
  source_kind: 'text',
  source_device_id: 'text',
  credential_kind: 'text',
  authenticity: 'text',
  person_id: 'text',
  outcome: 'text',
  reasons: 'text',
  rule_set: 'text',
  override: 'text',
  prev_hash: 'text',
  hash: 'text',
  problem: 'text',
  format: 'smallint',
  entry_kiosk_id: 'text',
  document_signer: 'text',
  entered_by: 'text',
};
const INSERT_ROWS = `INSERT INTO entry (${ENTRY_COLUMN_NAMES.join(', ')})
  SELECT * FROM unnest(${ENTRY_COLUMN_NAMES.map((name, i) => `$${i + 1}::${COLUMN_TYPES[name]}[]`).join(', ')})`;

/**
 * Contact tracing's two reads (params: person, from, to; then place, from, to, person). Both
 * bound at_ms by constants per call, so PostgreSQL reads only the day partitions in range.
 */
export const PG_TRACE_VISITS = `SELECT ${TRACE_COLUMNS} FROM entry WHERE person_id = $1 AND at_ms BETWEEN $2 AND $3 ORDER BY at_ms, kiosk_id COLLATE "C", seq`;
export const PG_TRACE_CONTACTS = `SELECT ${TRACE_COLUMNS} FROM entry WHERE location = $1 AND at_ms BETWEEN $2 AND $3 AND person_id IS NOT NULL AND person_id <> $4
  ORDER BY at_ms, kiosk_id COLLATE "C", seq`;

const linkOf = (row: LinkRow): StoredLink => ({ seq: Number(row.seq), prevHash: row.prev_hash, hash: row.hash, problem: row.problem });

/**
 * EntryStore in the hub's PostgreSQL database (tables of migration 3, partitioned by day
 * since migration 11). An ingest is one transaction holding the kiosk's entry_chain row
 * lock, so one kiosk's uploads (even to two hub processes) are judged one after another,
 * while other kiosks' go on in parallel. The lock is also what keeps (kiosk_id, seq) unique
 * across day partitions: the stored links of the batch's seqs are read under it, in every
 * partition, before anything is written.
 */
export class PgEntryStore implements EntryStore {
  readonly partitions: PgEntryPartitions;

  constructor(private readonly pool: pg.Pool) {
    this.partitions = new PgEntryPartitions(pool);
  }

  async ingest(kioskId: string, entries: readonly UploadedEntry[], context: IngestContext = {}): Promise<IngestResult> {
    const batch = checkBatch(kioskId, entries);
    // A late upload's day gets its partition before the rows arrive (its own transaction: DDL
    // must not hold the kiosk's lock, nor the kiosk's lock the DDL).
    await this.partitions.ensureFor(
      batch.map((row) => row.atMs),
      context.receivedAtMs ?? Date.now(),
    );
    return inPgTransaction(this.pool, 'BEGIN', async (client) => {
      await client.query(
        `INSERT INTO entry_chain (kiosk_id, contiguous_seq, head_hash, max_seq, flagged_entries, conflicts) VALUES ($1, 0, $2, 0, 0, 0)
         ON CONFLICT (kiosk_id) DO NOTHING`,
        [kioskId, ZERO_HASH],
      );
      const chain = (await client.query<ChainRow>('SELECT * FROM entry_chain WHERE kiosk_id = $1 FOR UPDATE', [kioskId])).rows[0];
      if (chain === undefined) throw new Error(`entry_chain row of ${kioskId} vanished`);
      const { rows: links } = await client.query<LinkRow>('SELECT seq, prev_hash, hash, problem FROM entry WHERE kiosk_id = $1 AND seq = ANY($2::bigint[])', [
        kioskId,
        seqsToRead(batch),
      ]);
      const plan = planIngest(batch, new Map(links.map((row) => [Number(row.seq), linkOf(row)])), context);
      for (let start = 0; start < plan.rows.length; start += INSERT_BATCH) {
        const columns: unknown[][] = ENTRY_COLUMN_NAMES.map(() => []);
        for (const row of plan.rows.slice(start, start + INSERT_BATCH)) entryColumns(kioskId, row).forEach((value, i) => columns[i]?.push(value));
        await client.query(INSERT_ROWS, columns);
      }
      for (const { seq, problem } of plan.reflag) await client.query('UPDATE entry SET problem = $1 WHERE kiosk_id = $2 AND seq = $3', [problem, kioskId, seq]);
      for (const { seq, flag, detail } of plan.flags) {
        await client.query('INSERT INTO entry_flag (kiosk_id, seq, flag, detail) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING', [kioskId, seq, flag, detail]);
      }
      for (const entry of plan.conflicts) {
        await client.query('INSERT INTO entry_conflict (kiosk_id, seq, hash, entry) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING', [
          kioskId,
          entry.seq,
          entry.hash,
          JSON.stringify(entry),
        ]);
      }

      let head = { contiguousSeq: Number(chain.contiguous_seq), headHash: chain.head_hash };
      for (;;) {
        const { rows } = await client.query<LinkRow>('SELECT seq, prev_hash, hash, problem FROM entry WHERE kiosk_id = $1 AND seq > $2 ORDER BY seq LIMIT $3', [
          kioskId,
          head.contiguousSeq,
          WALK_STEP,
        ]);
        const walked = advanceChain(head, rows.map(linkOf));
        head = walked;
        if (walked.stopped || rows.length < WALK_STEP) break;
      }
      const flagged = plan.rows.filter((r) => r.problem !== null).length + plan.reflag.length;
      const maxSeq = Math.max(Number(chain.max_seq), plan.rows.at(-1)?.entry.seq ?? 0);
      await client.query(
        `UPDATE entry_chain SET contiguous_seq = $2, head_hash = $3, max_seq = $4, flagged_entries = flagged_entries + $5, conflicts = conflicts + $6,
           updated_at = now() WHERE kiosk_id = $1`,
        [kioskId, head.contiguousSeq, head.headHash, maxSeq, flagged, plan.conflicts.length],
      );
      return { accepted: plan.rows.length, duplicates: plan.duplicates, contiguousSeq: head.contiguousSeq, problems: plan.problems };
    });
  }

  async chain(kioskId: string): Promise<KioskChain | undefined> {
    const row = (await this.pool.query<ChainRow>('SELECT * FROM entry_chain WHERE kiosk_id = $1', [kioskId])).rows[0];
    if (row === undefined) return undefined;
    return {
      kioskId: row.kiosk_id,
      contiguousSeq: Number(row.contiguous_seq),
      headHash: row.head_hash,
      maxSeq: Number(row.max_seq),
      flaggedEntries: Number(row.flagged_entries),
      conflicts: Number(row.conflicts),
    };
  }

  async trace(query: TraceQuery): Promise<TracePlace[]> {
    checkTraceQuery(query);
    // One snapshot: the visits and their contacts come from one state of the database.
    return inPgTransaction(this.pool, 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY', async (client) => {
      const { rows: visits } = await client.query<TraceRow>(PG_TRACE_VISITS, [query.personId, query.fromMs, query.toMs]);
      const places: TracePlace[] = [];
      for (const row of visits) {
        const atMs = Number(row.at_ms);
        const contacts =
          row.location === ''
            ? []
            : (await client.query<TraceRow>(PG_TRACE_CONTACTS, [row.location, atMs - query.windowMs, atMs + query.windowMs, query.personId])).rows;
        places.push({ visit: tracedEntryOf(row), contacts: contacts.map(tracedEntryOf) });
      }
      return places;
    });
  }
}
