import { DAY_MS, VN_OFFSET_MS, type ReportBucket } from './vn-calendar.js';

/**
 * What a report reads from the entries, counted by the database: grouped by place, kiosk,
 * Vietnam day or ISO week, outcome, credential kind and authenticity, so a report over ten million
 * entries returns a few thousand rows, never the entries themselves.
 */
export interface ScanCountQuery {
  /** Epoch milliseconds, inclusive. */
  readonly fromMs: number;
  /** Epoch milliseconds, exclusive: the end of the last day of the report. */
  readonly toMs: number;
  readonly by: ReportBucket;
}

export interface ScanCount {
  /** The location the kiosk recorded with the entry ('' before enrolment). */
  readonly location: string;
  readonly kioskId: string;
  /** The first Vietnam day (vn-calendar.ts day number) of the day or ISO week. */
  readonly bucketStart: number;
  readonly outcome: string;
  readonly credentialKind: string;
  /** Counted apart because a chip that verified is a group of its own (report-model.ts: kindGroupOf). */
  readonly authenticity: string;
  readonly scans: number;
  /** Of those, the entries ingest flagged (edited, broken-chain): still scans, but to look at. */
  readonly flagged: number;
}

export interface KioskActivity {
  readonly kioskId: string;
  readonly scans: number;
  /** Epoch milliseconds of its last scan in the range. */
  readonly lastAtMs: number;
}

/**
 * Report queries on the entry table (migration 3), reached as `storage.reports`, SQLite or
 * PostgreSQL; the same contract tests run against both. Both read the period's entries
 * only, place by place through entry_by_place (location, at_ms).
 */
export interface ReportStore {
  /** Scans in [fromMs, toMs), grouped; in no particular order. */
  scanCounts(query: ScanCountQuery): Promise<ScanCount[]>;
  /** The kiosks with at least one scan in [fromMs, toMs); in no particular order. */
  kioskActivity(fromMs: number, toMs: number): Promise<KioskActivity[]>;
}

/** Checks a report's time range the same way in every implementation. */
export function checkReportRange(fromMs: number, toMs: number): void {
  // From 1970 on: the SQL's integer division truncates, which is the floor only for non-negative times.
  if (!Number.isSafeInteger(fromMs) || !Number.isSafeInteger(toMs) || fromMs < 0 || fromMs > toMs) {
    throw new RangeError('a report needs a time range with 0 ≤ from ≤ to');
  }
}

/**
 * The bucket's first day as SQL over `at_ms`, for both engines: the Vietnam day number
 * (vnDayOf), or the Monday of its ISO week (isoWeekStart: day 0 was a Thursday). Integer
 * arithmetic on bigint in both engines; times are ≥ 0 (checkReportRange), so it floors.
 */
export function bucketSql(by: ReportBucket, atMs = 'at_ms'): string {
  const day = `((${atMs} + ${VN_OFFSET_MS}) / ${DAY_MS})`;
  return by === 'day' ? day : `(${day} - ((${day} + 3) % 7))`;
}

/**
 * The distinct locations of the entry table, one index seek each (a loose index scan of
 * entry_by_place), as a recursive CTE named `place`: the table has millions of entries and
 * a few hundred places, and SELECT DISTINCT would read the whole index. The last row is
 * NULL, and joins nothing.
 */
export const PLACES_CTE = `WITH RECURSIVE place(location) AS (
    SELECT (SELECT location FROM entry ORDER BY location LIMIT 1)
    UNION ALL
    SELECT (SELECT e.location FROM entry AS e WHERE e.location > p.location ORDER BY e.location LIMIT 1) FROM place AS p WHERE p.location IS NOT NULL
  )`;
