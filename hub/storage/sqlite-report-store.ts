import type Database from 'better-sqlite3';
import { bucketSql, checkReportRange, PLACES_CTE, type KioskActivity, type ReportStore, type ScanCount, type ScanCountQuery } from '../reports/report-store.js';
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
interface ActivityRow {
  kiosk_id: string;
  scans: number;
  last_at_ms: number;
}

/**
 * The covering index a report would rather read, (location, at_ms, kiosk_id, outcome,
 * credential_kind, authenticity, problem): not in the schema yet (it would be a migration of its own).
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
  SELECT e.location, e.kiosk_id, ${bucketSql(by, 'e.at_ms')} AS bucket, e.outcome, e.credential_kind, e.authenticity, count(*) AS scans, count(e.problem) AS flagged
  ${inPeriod(index)}
  GROUP BY e.location, e.kiosk_id, bucket, e.outcome, e.credential_kind, e.authenticity`;

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

  async kioskActivity(fromMs: number, toMs: number): Promise<KioskActivity[]> {
    checkReportRange(fromMs, toMs);
    return this.statements.activity.all(fromMs, toMs).map((r) => ({ kioskId: r.kiosk_id, scans: r.scans, lastAtMs: r.last_at_ms }));
  }
}
