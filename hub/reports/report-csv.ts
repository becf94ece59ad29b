import { csvCell } from './csv-cell.js';
import { KIND_GROUPS, REPORT_OUTCOMES, type Counts, type PeriodCounts, type Report } from './report-model.js';
import { vnDate } from './vn-calendar.js';

/**
 * The report as one table a spreadsheet filters: the `section` column says what a row is
 * (`total`, `period` for all places per day or week, `location` for a place over the whole
 * period, `location-period`, `idle` for a scan point without a scan in the last 7 days).
 * Columns that do not apply to a section are empty. Dates are Vietnam calendar days.
 */
export const REPORT_CSV_HEADER = [
  'section',
  'location',
  'scan_point',
  'period',
  'first_day',
  'last_day',
  'scan_points_registered',
  'scan_points_active',
  'scans',
  'flagged',
  ...REPORT_OUTCOMES,
  ...KIND_GROUPS.map((k) => k.replace(/-/g, '_')),
];

const countCells = (c: Counts): number[] => [c.scans, c.flagged, ...REPORT_OUTCOMES.map((o) => c.byOutcome[o]), ...KIND_GROUPS.map((k) => c.byKind[k])];
const periodCells = (p: PeriodCounts): string[] => [p.label, vnDate(p.firstDay), vnDate(p.lastDay)];

export function reportCsv(report: Report): string {
  const whole = [`${vnDate(report.fromDay)}/${vnDate(report.toDay)}`, vnDate(report.fromDay), vnDate(report.toDay)];
  const rows: (string | number)[][] = [
    ['total', '', '', ...whole, report.totals.registered, report.totals.active, ...countCells(report.totals.counts)],
    ...report.periods.map((p) => ['period', '', '', ...periodCells(p), '', '', ...countCells(p.counts)]),
  ];
  for (const place of report.locations) {
    rows.push(['location', place.location, '', ...whole, place.registered, place.active, ...countCells(place.counts)]);
    for (const p of place.periods) rows.push(['location-period', place.location, '', ...periodCells(p), '', '', ...countCells(p.counts)]);
  }
  const idleWindow = [`${vnDate(report.toDay - 6)}/${vnDate(report.toDay)}`, vnDate(report.toDay - 6), vnDate(report.toDay)];
  for (const idle of report.idle)
    rows.push(['idle', idle.location, idle.deviceId, ...idleWindow, '', '', 0, 0, ...REPORT_OUTCOMES.map(() => 0), ...KIND_GROUPS.map(() => 0)]);
  return `${[REPORT_CSV_HEADER.join(','), ...rows.map((cells) => cells.map(csvCell).join(','))].join('\r\n')}\r\n`;
}
