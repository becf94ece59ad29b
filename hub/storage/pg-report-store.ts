import type pg from 'pg';
import {
  bucketSql,
  checkReportRange,
  hourSql,
  IS_SCAN_SQL,
  PEOPLE_LEVELS_SQL,
  type HourCount,
  type KioskActivity,
  type PeopleCount,
  type PeopleLevel,
  type ReportStore,
  type ScanCount,
  type ScanCountQuery,
  type StaffDecisionCount,
} from '../reports/report-store.js';
import { DAY_MS, type ReportBucket } from '../reports/vn-calendar.js';

/** bigint and count(*) come back as strings. */
interface CountRow {
  location: string;
  kiosk_id: string;
  bucket: string;
  outcome: string;
  credential_kind: string;
  authenticity: string;
  scans: string;
  flagged: string;
}
interface DecisionRow {
  location: string;
  bucket: string;
  decision: string | null;
  staff: string | null;
  decided_outcome: string | null;
  decisions: string;
}
interface PeopleRow {
  level: PeopleLevel;
  location: string;
  bucket: string;
  people: string;
}
interface HourRow {
  location: string;
  hour: string;
  scans: string;
}
interface ActivityRow {
  kiosk_id: string;
  scans: string;
  last_at_ms: string;
}

/**
 * The places with an entry in the period, walked in order one index seek at a time (as
 * PLACES_CTE in report-store.ts), but within the period: each seek then reads only the day
 * partitions in range, not one per day kept. (SQLite, one table, keeps the unbounded walk:
 * there a bound would read every out-of-period entry of each place.)
 */
const PG_PLACES_CTE = `WITH RECURSIVE place(location) AS (
    SELECT (SELECT location FROM entry WHERE at_ms >= $1 AND at_ms < $2 ORDER BY location LIMIT 1)
    UNION ALL
    SELECT (SELECT e.location FROM entry AS e WHERE e.location > p.location AND e.at_ms >= $1 AND e.at_ms < $2 ORDER BY e.location LIMIT 1)
      FROM place AS p WHERE p.location IS NOT NULL
  )`;

/**
 * The period's entries, place by place. The LATERAL subquery with OFFSET 0 is not flattened,
 * so each place reads its own range of entry_by_place (location = $ AND at_ms range) rather
 * than the planner guessing from the recursive CTE's unknown size. Only the columns counted:
 * with a covering index (location, at_ms) INCLUDE (kiosk_id, outcome, credential_kind,
 * authenticity, problem, override), if a migration adds one, that is an index-only scan.
 */
const IN_PERIOD = `FROM place CROSS JOIN LATERAL (
    SELECT entry.location, entry.kiosk_id, entry.at_ms, entry.outcome, entry.credential_kind, entry.authenticity, entry.problem, entry.override FROM entry
    WHERE entry.location = place.location AND entry.at_ms >= $1 AND entry.at_ms < $2 OFFSET 0
  ) AS e`;

export const PG_SCAN_COUNTS = (by: ReportBucket): string => `${PG_PLACES_CTE}
  SELECT e.location, e.kiosk_id, ${bucketSql(by, 'e.at_ms')} AS bucket, e.outcome, e.credential_kind, e.authenticity,
    sum(CASE WHEN ${IS_SCAN_SQL()} THEN 1 ELSE 0 END) AS scans, count(e.problem) AS flagged
  ${IN_PERIOD}
  GROUP BY e.location, e.kiosk_id, bucket, e.outcome, e.credential_kind, e.authenticity`;

/** The period's staff decisions, place by place, with what the decision needs of them (as IN_PERIOD). */
const DECISIONS_IN_PERIOD = `FROM place CROSS JOIN LATERAL (
    SELECT entry.location, entry.kiosk_id, entry.at_ms, entry.reasons, entry.override FROM entry
    WHERE entry.location = place.location AND entry.at_ms >= $1 AND entry.at_ms < $2 AND NOT ${IS_SCAN_SQL('entry')} OFFSET 0
  ) AS e`;

/**
 * Staff decisions with the outcome of the entry each names: reasons are ["override",
 * "overrides:<seq>"] or ["confirm", "confirms:<seq>"], the entry on the same kiosk, found by
 * its primary key: a LATERAL lookup per decision, so the planner cannot choose to hash the
 * whole entry table for a few hundred decisions. override is [by, reason]. A malformed seq
 * matches nothing (NULL), as in SQLite. The entry is looked for within a day either side of
 * the decision (staff decide at the gate, within minutes; the day leaves room for a kiosk
 * clock set right in between), so each lookup reads at most three day partitions (pruned
 * at run time), not one per day kept.
 */
export const PG_STAFF_DECISIONS = (by: ReportBucket): string => `${PG_PLACES_CTE}
  SELECT e.location, ${bucketSql(by, 'e.at_ms')} AS bucket, e.reasons::json ->> 0 AS decision,
    e.override::json ->> 0 AS staff, o.outcome AS decided_outcome, count(*) AS decisions
  ${DECISIONS_IN_PERIOD}
  LEFT JOIN LATERAL (
    SELECT entry.outcome FROM entry WHERE entry.kiosk_id = e.kiosk_id AND entry.seq = substring(e.reasons::json ->> 1 from ':([0-9]{1,15})$')::bigint
      AND entry.at_ms BETWEEN e.at_ms - ${DAY_MS} AND e.at_ms + ${DAY_MS}
  ) AS o ON true
  GROUP BY e.location, bucket, decision, staff, decided_outcome`;

export const PG_DISTINCT_PEOPLE = (by: ReportBucket): string => `${PG_PLACES_CTE},
  seen AS MATERIALIZED (SELECT e.location, ${bucketSql(by, 'e.at_ms')} AS bucket, e.person_id FROM place CROSS JOIN LATERAL (
    SELECT entry.location, entry.at_ms, entry.person_id FROM entry
    WHERE entry.location = place.location AND entry.at_ms >= $1 AND entry.at_ms < $2 AND entry.person_id IS NOT NULL OFFSET 0
  ) AS e)
  ${PEOPLE_LEVELS_SQL}`;

export const PG_HOUR_COUNTS = `${PG_PLACES_CTE}
  SELECT e.location, ${hourSql('e.at_ms')} AS hour, count(*) AS scans
  ${IN_PERIOD}
  WHERE ${IS_SCAN_SQL()}
  GROUP BY e.location, hour`;

export const PG_KIOSK_ACTIVITY = `${PG_PLACES_CTE}
  SELECT e.kiosk_id, count(*) AS scans, max(e.at_ms) AS last_at_ms
  ${IN_PERIOD}
  GROUP BY e.kiosk_id`;

/** ReportStore in the hub's PostgreSQL database: one autocommitted read per call. */
export class PgReportStore implements ReportStore {
  constructor(private readonly pool: pg.Pool) {}

  async scanCounts(query: ScanCountQuery): Promise<ScanCount[]> {
    checkReportRange(query.fromMs, query.toMs);
    const { rows } = await this.pool.query<CountRow>(PG_SCAN_COUNTS(query.by), [query.fromMs, query.toMs]);
    return rows.map((r) => ({
      location: r.location,
      kioskId: r.kiosk_id,
      bucketStart: Number(r.bucket),
      outcome: r.outcome,
      credentialKind: r.credential_kind,
      authenticity: r.authenticity,
      scans: Number(r.scans),
      flagged: Number(r.flagged),
    }));
  }

  async staffDecisions(query: ScanCountQuery): Promise<StaffDecisionCount[]> {
    checkReportRange(query.fromMs, query.toMs);
    const { rows } = await this.pool.query<DecisionRow>(PG_STAFF_DECISIONS(query.by), [query.fromMs, query.toMs]);
    return rows.map((r) => ({
      location: r.location,
      bucketStart: Number(r.bucket),
      decision: r.decision ?? '',
      staff: r.staff ?? '',
      decidedOutcome: r.decided_outcome,
      decisions: Number(r.decisions),
    }));
  }

  async distinctPeople(query: ScanCountQuery): Promise<PeopleCount[]> {
    checkReportRange(query.fromMs, query.toMs);
    const { rows } = await this.pool.query<PeopleRow>(PG_DISTINCT_PEOPLE(query.by), [query.fromMs, query.toMs]);
    return rows.map((r) => ({ level: r.level, location: r.location, bucketStart: Number(r.bucket), people: Number(r.people) }));
  }

  async hourCounts(fromMs: number, toMs: number): Promise<HourCount[]> {
    checkReportRange(fromMs, toMs);
    const { rows } = await this.pool.query<HourRow>(PG_HOUR_COUNTS, [fromMs, toMs]);
    return rows.map((r) => ({ location: r.location, hour: Number(r.hour), scans: Number(r.scans) }));
  }

  async kioskActivity(fromMs: number, toMs: number): Promise<KioskActivity[]> {
    checkReportRange(fromMs, toMs);
    const { rows } = await this.pool.query<ActivityRow>(PG_KIOSK_ACTIVITY, [fromMs, toMs]);
    return rows.map((r) => ({ kioskId: r.kiosk_id, scans: Number(r.scans), lastAtMs: Number(r.last_at_ms) }));
  }
}
