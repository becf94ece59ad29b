import type pg from 'pg';
import { ENTRY_LIMITS } from '../../domain/entries/entry-fields.js';
import type { EntryPartitions, PrunedEntries } from '../entries/entry-retention.js';
import { vnDate, vnDayOf, vnDayStartMs } from '../reports/vn-calendar.js';
import { inPgTransaction } from './pg-transaction.js';

/**
 * The day partitions of the PostgreSQL hub's entry table (migration 11,
 * pg-entry-partitioning-sql.ts): entry_pYYYYMMDD holds the entries of one Vietnam day,
 * entry_default whatever has no day partition (a kiosk clock far off, or a day whose
 * partition could not be created in time). Partitions are made ahead (today, tomorrow) by
 * `prepare`, on demand by ingest for a late upload, and dropped whole by `prune`.
 */

/** Any number, as long as every Chốt hub process uses the same one for "changing entry partitions". */
const PARTITION_LOCK = 0x43686f75;
/** DDL waits this long for a lock, then gives up: entries then land in entry_default, moved out later. */
const DDL_LOCK_TIMEOUT = '3s';
const PARTITION_NAME = /^entry_p(\d{4})(\d{2})(\d{2})$/;
/** PostgreSQL's lock_not_available: the DDL's lock_timeout expired. */
const LOCK_NOT_AVAILABLE = '55P03';

export const DEFAULT_PARTITION = 'entry_default';

/** The partition of a Vietnam day. */
export function partitionName(day: number): string {
  return `entry_p${vnDate(day).replaceAll('-', '')}`;
}

/** The Vietnam day a partition name stands for, or undefined for another table. */
export function dayOfPartition(name: string): number | undefined {
  const match = PARTITION_NAME.exec(name);
  if (match === null) return undefined;
  return Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) / 86_400_000;
}

/** The days that get a partition of their own: from the first day a kiosk could log to tomorrow. */
export function hasOwnPartition(day: number, nowMs: number): boolean {
  return day >= vnDayOf(ENTRY_LIMITS.earliestAtMs) && day <= vnDayOf(nowMs) + 1;
}

export class PgEntryPartitions implements EntryPartitions {
  /** Days known to have a partition, so ingest asks the catalogue once per day, not per batch. */
  private known: Set<number> | undefined;

  constructor(private readonly pool: pg.Pool) {}

  /** The days that have a partition, oldest first. */
  async days(): Promise<number[]> {
    const { rows } = await this.pool.query<{ name: string }>(
      `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'entry'::regclass`,
    );
    return rows.flatMap((row) => dayOfPartition(row.name) ?? []).sort((a, b) => a - b);
  }

  async prepare(nowMs: number): Promise<void> {
    const today = vnDayOf(nowMs);
    await this.ensure([today, today + 1], nowMs);
  }

  /** A partition for each day of these entry times that may have one (hasOwnPartition) and lacks it. */
  async ensureFor(atMs: Iterable<number>, nowMs: number): Promise<void> {
    const days = new Set<number>();
    for (const ms of atMs) days.add(vnDayOf(ms));
    await this.ensure([...days], nowMs);
  }

  private async ensure(days: readonly number[], nowMs: number): Promise<void> {
    const known = (this.known ??= new Set(await this.days()));
    for (const day of days) {
      if (known.has(day) || !hasOwnPartition(day, nowMs)) continue;
      try {
        await this.create(day);
        known.add(day);
      } catch (error) {
        // Busy (a long report holds entry_default): the entries go to entry_default now and
        // move into their partition when the next ingest or prepare creates it.
        if ((error as { code?: string }).code !== LOCK_NOT_AVAILABLE) throw error;
      }
    }
  }

  /**
   * Creates a day's partition without blocking the entry table: built apart, filled with that
   * day's rows from entry_default (ATTACH refuses while entry_default holds any), then
   * attached, which locks the parent only against other DDL (SHARE UPDATE EXCLUSIVE), not
   * against ingest or reads. CREATE TABLE … PARTITION OF would lock the whole table.
   */
  private async create(day: number): Promise<void> {
    const name = partitionName(day);
    const from = vnDayStartMs(day);
    const to = vnDayStartMs(day + 1);
    await inPgTransaction(this.pool, 'BEGIN', async (client) => {
      await client.query('SELECT pg_advisory_xact_lock($1)', [PARTITION_LOCK]);
      await client.query(`SET LOCAL lock_timeout = '${DDL_LOCK_TIMEOUT}'`);
      const exists = await client.query<{ found: string | null }>('SELECT to_regclass($1)::text AS found', [name]);
      if (exists.rows[0]?.found != null) return;
      await client.query(`LOCK TABLE ${DEFAULT_PARTITION} IN ACCESS EXCLUSIVE MODE`);
      await client.query(`CREATE TABLE ${name} (LIKE entry INCLUDING DEFAULTS INCLUDING CONSTRAINTS)`);
      // The range as a CHECK spares ATTACH a scan of the new table to prove it.
      await client.query(`ALTER TABLE ${name} ADD CONSTRAINT ${name}_range CHECK (at_ms >= ${from} AND at_ms < ${to})`);
      await client.query(
        `WITH moved AS (DELETE FROM ${DEFAULT_PARTITION} WHERE at_ms >= $1 AND at_ms < $2 RETURNING *) INSERT INTO ${name} SELECT * FROM moved`,
        [from, to],
      );
      await client.query(`ALTER TABLE entry ATTACH PARTITION ${name} FOR VALUES FROM (${from}) TO (${to})`);
      await client.query(`ALTER TABLE ${name} DROP CONSTRAINT ${name}_range`);
    });
  }

  /**
   * Drops every day partition before `cutoffDay` whole (no row-by-row delete, no bloat, no
   * vacuum), and deletes what else is older: entry_default's rows and refused entries.
   */
  async prune(cutoffDay: number): Promise<PrunedEntries> {
    const cutoffMs = vnDayStartMs(cutoffDay);
    return inPgTransaction(this.pool, 'BEGIN', async (client) => {
      await client.query('SELECT pg_advisory_xact_lock($1)', [PARTITION_LOCK]);
      await client.query(`SET LOCAL lock_timeout = '${DDL_LOCK_TIMEOUT}'`);
      const { rows } = await client.query<{ name: string; estimate: number }>(
        `SELECT c.relname AS name, c.reltuples AS estimate FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'entry'::regclass`,
      );
      const dropped = rows
        .flatMap((row) => {
          const day = dayOfPartition(row.name);
          return day !== undefined && day < cutoffDay ? [{ name: row.name, day, estimatedRows: Math.max(0, Math.round(row.estimate)) }] : [];
        })
        .sort((a, b) => a.day - b.day);
      // Dropping a partition locks the whole entry table for the moment it takes (catalogue
      // work, no row is read); lock_timeout bounds how long ingest may queue behind it when a
      // long report holds the table, and a prune that times out is retried at the next run.
      for (const { name } of dropped) await client.query(`DROP TABLE ${name}`);
      const defaultRows = (await client.query(`DELETE FROM ${DEFAULT_PARTITION} WHERE at_ms < $1`, [cutoffMs])).rowCount ?? 0;
      const conflicts =
        (await client.query('DELETE FROM entry_conflict WHERE received_at < to_timestamp($1::double precision / 1000)', [cutoffMs])).rowCount ?? 0;
      for (const { day } of dropped) this.known?.delete(day);
      return { dropped, defaultRows, conflicts };
    });
  }
}
