import type Database from 'better-sqlite3';
import {
  bucketSql,
  checkReportRange,
  hourSql,
  IS_SCAN_SQL,
  PEOPLE_LEVELS_SQL,
  PLACES_CTE,
  type HourCount,
  type KioskActivity,
  type PeopleCount,
  type PeopleLevel,
  type ReportStore,
  type ScanCount,
  type ScanCountQuery,
  type StaffDecisionCount,
} from '../reports/report-store.js';
import type { ReportBucket } from '../reports/vn-calendar.js';

interface CountRow {
  location: string;
  kiosk_id: string;
  bucket: number;
  outcome: string;
  credential_kind: string;
  authenticity: string;
  scans: number;
  flagged: number;
}
interface DecisionRow {
  location: string;
  bucket: number;
  decision: string | null;
  staff: string | null;
  decided_outcome: string | null;
  decisions: number;
}
interface PeopleRow {
  level: PeopleLevel;
  location: string;
  bucket: number;
  people: number;
}
interface HourRow {
  location: string;
  hour: number;
  scans: number;
}
interface ActivityRow {
  kiosk_id: string;
  scans: number;
  last_at_ms: number;
}

/**
 * The covering index a report would rather read, (location, at_ms, kiosk_id, outcome,
 * credential_kind, authenticity, problem, override): not in the schema yet (it would be a migration of its own).
 * When a database has it, the report reads it alone, without a table lookup per entry.
 */
export const SQLITE_REPORT_INDEX = 'entry_for_report';

/**
 * The period's entries, place by place: CROSS JOIN keeps SQLite's join order (places first),
 * and INDEXED BY holds each place's read to its range of the index, whatever the statistics
 * say (tested by EXPLAIN QUERY PLAN). Both indexes start (location, at_ms).
 */
const inPeriod = (index: string): string => `FROM place CROSS JOIN entry AS e INDEXED BY ${index}
  WHERE e.location = place.location AND e.at_ms >= ? AND e.at_ms < ?`;

export const SQLITE_SCAN_COUNTS = (by: ReportBucket, index = 'entry_by_place'): string => `${PLACES_CTE}
  SELECT e.location, e.kiosk_id, ${bucketSql(by, 'e.at_ms')} AS bucket, e.outcome, e.credential_kind, e.authenticity,
    sum(CASE WHEN ${IS_SCAN_SQL()} THEN 1 ELSE 0 END) AS scans, count(e.problem) AS flagged
  ${inPeriod(index)}
  GROUP BY e.location, e.kiosk_id, bucket, e.outcome, e.credential_kind, e.authenticity`;

/**
 * Staff decisions with the outcome of the entry each names: reasons are ["override",
 * "overrides:<seq>"] or ["confirm", "confirms:<seq>"], the entry on the same kiosk, found by
 * its primary key. override is [by, reason].
 */
const DECIDED_SEQ = `CAST(substr(json_extract(e.reasons, '$[1]'), instr(json_extract(e.reasons, '$[1]'), ':') + 1) AS INTEGER)`;
export const SQLITE_STAFF_DECISIONS = (by: ReportBucket, index = 'entry_by_place'): string => `${PLACES_CTE}
  SELECT e.location, ${bucketSql(by, 'e.at_ms')} AS bucket, json_extract(e.reasons, '$[0]') AS decision,
    json_extract(e.override, '$[0]') AS staff, o.outcome AS decided_outcome, count(*) AS decisions
  FROM place CROSS JOIN entry AS e INDEXED BY ${index}
  LEFT JOIN entry AS o ON o.kiosk_id = e.kiosk_id AND o.seq = ${DECIDED_SEQ}
  WHERE e.location = place.location AND e.at_ms >= ? AND e.at_ms < ? AND NOT ${IS_SCAN_SQL()}
  GROUP BY e.location, bucket, decision, staff, decided_outcome`;

export const SQLITE_DISTINCT_PEOPLE = (by: ReportBucket, index = 'entry_by_place'): string => `${PLACES_CTE},
  seen AS MATERIALIZED (SELECT e.location, ${bucketSql(by, 'e.at_ms')} AS bucket, e.person_id ${inPeriod(index)} AND e.person_id IS NOT NULL)
  ${PEOPLE_LEVELS_SQL}`;

export const SQLITE_HOUR_COUNTS = (index = 'entry_by_place'): string => `${PLACES_CTE}
  SELECT e.location, ${hourSql('e.at_ms')} AS hour, count(*) AS scans
  ${inPeriod(index)} AND ${IS_SCAN_SQL()}
  GROUP BY e.location, hour`;

export const SQLITE_KIOSK_ACTIVITY = (index = 'entry_by_place'): string => `${PLACES_CTE}
  SELECT e.kiosk_id, count(*) AS scans, max(e.at_ms) AS last_at_ms
  ${inPeriod(index)}
  GROUP BY e.kiosk_id`;

/** ReportStore in the hub's SQLite database, on the storage's long-lived connection (reads only). */
export class SqliteReportStore implements ReportStore {
  private readonly statements;
  /** The index the report reads: the covering one when the database has it. */
  readonly index: string;

  constructor(db: Database.Database) {
    const covering = db.prepare<[string], string>("SELECT name FROM sqlite_schema WHERE type = 'index' AND name = ?").pluck().get(SQLITE_REPORT_INDEX);
    const index = (this.index = covering ?? 'entry_by_place');
    this.statements = {
      day: db.prepare<[number, number], CountRow>(SQLITE_SCAN_COUNTS('day', index)),
      week: db.prepare<[number, number], CountRow>(SQLITE_SCAN_COUNTS('week', index)),
      activity: db.prepare<[number, number], ActivityRow>(SQLITE_KIOSK_ACTIVITY(index)),
      decisions: {
        day: db.prepare<[number, number], DecisionRow>(SQLITE_STAFF_DECISIONS('day', index)),
        week: db.prepare<[number, number], DecisionRow>(SQLITE_STAFF_DECISIONS('week', index)),
      },
      people: {
        day: db.prepare<[number, number], PeopleRow>(SQLITE_DISTINCT_PEOPLE('day', index)),
        week: db.prepare<[number, number], PeopleRow>(SQLITE_DISTINCT_PEOPLE('week', index)),
      },
      hours: db.prepare<[number, number], HourRow>(SQLITE_HOUR_COUNTS(index)),
    };
  }

  async scanCounts(query: ScanCountQuery): Promise<ScanCount[]> {
    checkReportRange(query.fromMs, query.toMs);
    return this.statements[query.by].all(query.fromMs, query.toMs).map((r) => ({
      location: r.location,
      kioskId: r.kiosk_id,
      bucketStart: r.bucket,
      outcome: r.outcome,
      credentialKind: r.credential_kind,
      authenticity: r.authenticity,
      scans: r.scans,
      flagged: r.flagged,
    }));
  }

  async staffDecisions(query: ScanCountQuery): Promise<StaffDecisionCount[]> {
    checkReportRange(query.fromMs, query.toMs);
    return this.statements.decisions[query.by].all(query.fromMs, query.toMs).map((r) => ({
      location: r.location,
      bucketStart: r.bucket,
      decision: r.decision ?? '',
      staff: r.staff ?? '',
      decidedOutcome: r.decided_outcome,
      decisions: r.decisions,
    }));
  }

  async distinctPeople(query: ScanCountQuery): Promise<PeopleCount[]> {
    checkReportRange(query.fromMs, query.toMs);
    return this.statements.people[query.by]
      .all(query.fromMs, query.toMs)
      .map((r) => ({ level: r.level, location: r.location, bucketStart: r.bucket, people: r.people }));
  }

  async hourCounts(fromMs: number, toMs: number): Promise<HourCount[]> {
    checkReportRange(fromMs, toMs);
    return this.statements.hours.all(fromMs, toMs).map((r) => ({ location: r.location, hour: r.hour, scans: r.scans }));
  }

  async kioskActivity(fromMs: number, toMs: number): Promise<KioskActivity[]> {
    checkReportRange(fromMs, toMs);
    return this.statements.activity.all(fromMs, toMs).map((r) => ({ kioskId: r.kiosk_id, scans: r.scans, lastAtMs: r.last_at_ms }));
  }
}
