import type { EnrollmentStore } from '../enrollment/enrollment-store.js';
import { assembleReport, type Report } from './report-model.js';
import type { ReportStore } from './report-store.js';
import { DAY_MS, vnDayStartMs, type ReportBucket } from './vn-calendar.js';

/** A report's request: Vietnam calendar days, both inclusive. */
export interface ReportRequest {
  readonly fromDay: number;
  readonly toDay: number;
  readonly by: ReportBucket;
  /** Epoch milliseconds, printed on the report. */
  readonly now: number;
}

/** How far back a registered scan point must have scanned not to be listed as idle. */
export const IDLE_DAYS = 7;

/** Reads the grouped counts and the devices, and assembles the report. */
export async function buildReport(storage: { readonly reports: ReportStore; readonly enrollment: EnrollmentStore }, request: ReportRequest): Promise<Report> {
  if (request.fromDay > request.toDay) throw new RangeError('a report needs from ≤ to');
  const fromMs = vnDayStartMs(request.fromDay);
  const toMs = vnDayStartMs(request.toDay + 1);
  // Idle means no scan in the 7 days up to the report's end, even when the report is shorter.
  const idleFromMs = toMs - IDLE_DAYS * DAY_MS;
  const [counts, recent, devices] = await Promise.all([
    storage.reports.scanCounts({ fromMs, toMs, by: request.by }),
    storage.reports.kioskActivity(idleFromMs, toMs),
    storage.enrollment.listDevices(),
  ]);
  return assembleReport({ ...request, generatedAt: request.now, idleFromMs, idleToMs: toMs, counts, recent, devices });
}
