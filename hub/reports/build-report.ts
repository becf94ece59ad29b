import type { DeviceStatusStore } from '../devices/device-status-store.js';
import type { EnrollmentStore } from '../enrollment/enrollment-store.js';
import { assembleReport, type Report } from './report-model.js';
import { silentReportOf } from './report-silent.js';
import type { ReportStore } from './report-store.js';
import { DAY_MS, vnDayStartMs, type ReportBucket } from './vn-calendar.js';

/** A report's request: Vietnam calendar days, both inclusive. */
export interface ReportRequest {
  readonly fromDay: number;
  readonly toDay: number;
  readonly by: ReportBucket;
  /** Epoch milliseconds, printed on the report. */
  readonly now: number;
  /** A kiosk not heard from for this long before `now` is silent (default 7 days). */
  readonly silentAfterMs?: number;
}

/** How far back a registered scan point must have scanned not to be listed as idle. */
export const IDLE_DAYS = 7;

/** Reads the grouped counts and the devices, and assembles the report. */
export async function buildReport(
  storage: { readonly reports: ReportStore; readonly enrollment: EnrollmentStore; readonly deviceStatus: DeviceStatusStore },
  request: ReportRequest,
): Promise<Report> {
  if (request.fromDay > request.toDay) throw new RangeError('a report needs from ≤ to');
  const fromMs = vnDayStartMs(request.fromDay);
  const toMs = vnDayStartMs(request.toDay + 1);
  // Idle means no scan in the 7 days up to the report's end, even when the report is shorter.
  const idleFromMs = toMs - IDLE_DAYS * DAY_MS;
  const query = { fromMs, toMs, by: request.by };
  const [counts, decisions, people, hours, recent, devices, sightings] = await Promise.all([
    storage.reports.scanCounts(query),
    storage.reports.staffDecisions(query),
    storage.reports.distinctPeople(query),
    storage.reports.hourCounts(fromMs, toMs),
    storage.reports.kioskActivity(idleFromMs, toMs),
    storage.enrollment.listDevices(),
    storage.deviceStatus.listDeviceStatus(),
  ]);
  const { silentAfterMs, ...rest } = request;
  return {
    ...assembleReport({ ...rest, generatedAt: request.now, idleFromMs, idleToMs: toMs, counts, decisions, people, hours, recent, devices }),
    silent: silentReportOf(sightings, request.now, silentAfterMs),
  };
}
