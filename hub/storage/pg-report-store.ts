import type pg from 'pg';
import { bucketSql, checkReportRange, PLACES_CTE, type KioskActivity, type ReportStore, type ScanCount, type ScanCountQuery } from '../reports/report-store.js';
import type { ReportBucket } from '../reports/vn-calendar.js';

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
interface ActivityRow {
  kiosk_id: string;
  scans: string;
  last_at_ms: string;
}

/**
 * The period's entries, place by place. The LATERAL subquery with OFFSET 0 is not flattened,
 * so each place reads its own range of entry_by_place (location = $ AND at_ms range) rather
 * than the planner guessing from the recursive CTE's unknown size. Only the columns counted:
 * with a covering index (location, at_ms) INCLUDE (kiosk_id, outcome, credential_kind,
 * authenticity, problem), if a migration adds one, that is an index-only scan.
 */
const IN_PERIOD = `FROM place CROSS JOIN LATERAL (
    SELECT entry.location, entry.kiosk_id, entry.at_ms, entry.outcome, entry.credential_kind, entry.authenticity, entry.problem FROM entry
    WHERE entry.location = place.location AND entry.at_ms >= $1 AND entry.at_ms < $2 OFFSET 0
  ) AS e`;

export const PG_SCAN_COUNTS = (by: ReportBucket): string => `${PLACES_CTE}
  SELECT e.location, e.kiosk_id, ${bucketSql(by, 'e.at_ms')} AS bucket, e.outcome, e.credential_kind, e.authenticity, count(*) AS scans, count(e.problem) AS flagged
  ${IN_PERIOD}
  GROUP BY e.location, e.kiosk_id, bucket, e.outcome, e.credential_kind, e.authenticity`;

export const PG_KIOSK_ACTIVITY = `${PLACES_CTE}
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

  async kioskActivity(fromMs: number, toMs: number): Promise<KioskActivity[]> {
    checkReportRange(fromMs, toMs);
    const { rows } = await this.pool.query<ActivityRow>(PG_KIOSK_ACTIVITY, [fromMs, toMs]);
    return rows.map((r) => ({ kioskId: r.kiosk_id, scans: Number(r.scans), lastAtMs: Number(r.last_at_ms) }));
  }
}
