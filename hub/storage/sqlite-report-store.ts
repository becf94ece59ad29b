import type Database from 'better-sqlite3';
import { bucketSql, checkReportRange, PLACES_CTE, type KioskActivity, type ReportStore, type ScanCount, type ScanCountQuery } from '../reports/report-store.js';
import type { ReportBucket } from '../reports/vn-calendar.js';

interface CountRow { location: string; kiosk_id: string; bucket: number; outcome: string; credential_kind: string; scans: number; flagged: number }
interface ActivityRow { kiosk_id: string; scans: number; last_at_ms: number }

/**
 * The period's entries, place by place: CROSS JOIN keeps SQLite's join order (places first),
 * and INDEXED BY holds each place's read to its range of entry_by_place, whatever the
 * statistics say (tested by EXPLAIN QUERY PLAN).
 */
const IN_PERIOD = `FROM place CROSS JOIN entry AS e INDEXED BY entry_by_place
  WHERE e.location = place.location AND e.at_ms >= ? AND e.at_ms < ?`;

export const SQLITE_SCAN_COUNTS = (by: ReportBucket): string => `${PLACES_CTE}
  SELECT e.location, e.kiosk_id, ${bucketSql(by, 'e.at_ms')} AS bucket, e.outcome, e.credential_kind, count(*) AS scans, count(e.problem) AS flagged
  ${IN_PERIOD}
  GROUP BY e.location, e.kiosk_id, bucket, e.outcome, e.credential_kind`;

export const SQLITE_KIOSK_ACTIVITY = `${PLACES_CTE}
  SELECT e.kiosk_id, count(*) AS scans, max(e.at_ms) AS last_at_ms
  ${IN_PERIOD}
  GROUP BY e.kiosk_id`;

/** ReportStore in the hub's SQLite database, on the storage's long-lived connection (reads only). */
export class SqliteReportStore implements ReportStore {
  private readonly statements;

  constructor(db: Database.Database) {
    this.statements = {
      day: db.prepare<[number, number], CountRow>(SQLITE_SCAN_COUNTS('day')),
      week: db.prepare<[number, number], CountRow>(SQLITE_SCAN_COUNTS('week')),
      activity: db.prepare<[number, number], ActivityRow>(SQLITE_KIOSK_ACTIVITY),
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
      scans: r.scans,
      flagged: r.flagged,
    }));
  }

  async kioskActivity(fromMs: number, toMs: number): Promise<KioskActivity[]> {
    checkReportRange(fromMs, toMs);
    return this.statements.activity.all(fromMs, toMs).map((r) => ({ kioskId: r.kiosk_id, scans: r.scans, lastAtMs: r.last_at_ms }));
  }
}
