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

/**
 * Staff decisions in the period (docs/entry-log.md: overrides and confirms), grouped by place,
 * day or week, kind, staff member and the colour of the entry decided on. They are counted
 * here and never as scans: a red let in is one person, one red, one override.
 */
export interface StaffDecisionCount {
  readonly location: string;
  readonly bucketStart: number;
  /** The entry's first reason code: `override` or `confirm` (anything else an edited row's). */
  readonly decision: string;
  /** The override's `by`: the signed-in staff member (or the name typed on a kiosk with no staff PIN). Never a person's ID. */
  readonly staff: string;
  /** The outcome of the entry the decision names (`overrides:<seq>` / `confirms:<seq>` on the same kiosk), null if the hub lacks it. */
  readonly decidedOutcome: string | null;
  readonly decisions: number;
}

/** Which grouping a distinct-people count is for; a count of distinct people does not add up across groups. */
export type PeopleLevel = 'all' | 'period' | 'location' | 'location-period';

export interface PeopleCount {
  readonly level: PeopleLevel;
  /** '' at the levels without a place. */
  readonly location: string;
  /** -1 at the levels without a period. */
  readonly bucketStart: number;
  /** Distinct person identifiers (personId) among the entries; unreadable entries have none. */
  readonly people: number;
}

/** Scans (staff decisions left out) per place and hour of the Vietnam day, 0–23. */
export interface HourCount {
  readonly location: string;
  readonly hour: number;
  readonly scans: number;
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
  /** Staff decisions in [fromMs, toMs), grouped; in no particular order. */
  staffDecisions(query: ScanCountQuery): Promise<StaffDecisionCount[]>;
  /** Distinct people in [fromMs, toMs), at every level of the report; in no particular order. */
  distinctPeople(query: ScanCountQuery): Promise<PeopleCount[]>;
  /** Scans in [fromMs, toMs) per place and Vietnam hour of day; in no particular order. */
  hourCounts(fromMs: number, toMs: number): Promise<HourCount[]>;
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

/** The Vietnam hour of day, 0–23, as SQL over `at_ms` (≥ 0, so integer division floors). */
export const hourSql = (atMs = 'at_ms'): string => `(((${atMs} + ${VN_OFFSET_MS}) / ${HOUR_MS}) % 24)`;
const HOUR_MS = 3_600_000;

/** An entry that is a scan, not a staff decision: only overrides and confirms carry `override` (docs/entry-log.md). */
export const IS_SCAN_SQL = (e = 'e'): string => `${e}.override IS NULL`;

/**
 * Distinct people at the four levels of the report in one statement, over a CTE `seen`
 * (location, bucket, person_id) of the period's readable entries, MATERIALIZED so the period
 * is read once, not once per level: a count of distinct people cannot be summed from the
 * finer groups, so each level counts its own.
 */
export const PEOPLE_LEVELS_SQL = `
  SELECT 'location-period' AS level, location, bucket, count(DISTINCT person_id) AS people FROM seen GROUP BY location, bucket
  UNION ALL SELECT 'location', location, -1, count(DISTINCT person_id) FROM seen GROUP BY location
  UNION ALL SELECT 'period', '', bucket, count(DISTINCT person_id) FROM seen GROUP BY bucket
  UNION ALL SELECT 'all', '', -1, count(DISTINCT person_id) FROM seen`;

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
