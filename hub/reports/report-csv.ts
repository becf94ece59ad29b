import { csvCell } from './csv-cell.js';
import {
  emptyCounts,
  KIND_GROUPS,
  LET_IN_OUTCOMES,
  REPORT_OUTCOMES,
  type Counts,
  type PeriodCounts,
  type Report,
  type StaffDecisions,
} from './report-model.js';
import { vnDate } from './vn-calendar.js';

/**
 * The report as one table a spreadsheet filters: the `section` column says what a row is
 * (`total`, `period` for all places per day or week, `location` for a place over the whole
 * period, `location-period`, `idle` for a scan point without a scan in the last 7 days,
 * `hour` for the scans in one hour of the Vietnam day over the period, `location-hour` the
 * same for one place, `staff` for one staff
 * member's decisions at one place). Columns that do not apply to a section are empty. Dates
 * and hours are Vietnam time (UTC+07:00).
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
  // Added after the columns above, so a sheet that reads them by name or position still does.
  'people',
  ...LET_IN_OUTCOMES.map((o) => `let_in_${o}`),
  'confirmed',
  'staff',
];

const decisionCells = (d: StaffDecisions): number[] => [...LET_IN_OUTCOMES.map((o) => d.letIn[o]), d.confirmed];
const countCells = (c: Counts): (number | string)[] => [
  c.scans,
  c.flagged,
  ...REPORT_OUTCOMES.map((o) => c.byOutcome[o]),
  ...KIND_GROUPS.map((k) => c.byKind[k]),
  c.people,
  ...decisionCells(c.staff),
  '',
];
/** The count columns of a row that has none but its own. */
const noCounts = (): string[] => countCells(emptyCounts()).map(() => '');
const periodCells = (p: PeriodCounts): string[] => [p.label, vnDate(p.firstDay), vnDate(p.lastDay)];
/** The column a section's own value goes in. */
const column = (name: string): number => REPORT_CSV_HEADER.indexOf(name);

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
  for (const idle of report.idle) rows.push(['idle', idle.location, idle.deviceId, ...idleWindow, '', '', ...countCells(emptyCounts())]);
  // The hour of day: all places (`hour`), then each place with scans (`location-hour`); `period` is the hour, "00" to "23".
  const hourRows = (section: string, location: string, hours: readonly number[]) =>
    hours.map((scans, hour) => {
      const row: (string | number)[] = [section, location, '', String(hour).padStart(2, '0'), whole[1] as string, whole[2] as string, '', '', ...noCounts()];
      row[column('scans')] = scans;
      return row;
    });
  rows.push(...hourRows('hour', '', report.totals.hours));
  for (const place of report.locations) if (place.counts.scans > 0) rows.push(...hourRows('location-hour', place.location, place.hours));
  for (const s of report.staff) {
    const row: (string | number)[] = ['staff', s.location, '', ...whole, '', '', ...noCounts()];
    decisionCells(s).forEach((value, i) => (row[column('let_in_red') + i] = value));
    row[column('staff')] = s.staff;
    rows.push(row);
  }
  return `${[REPORT_CSV_HEADER.join(','), ...rows.map((cells) => cells.map(csvCell).join(','))].join('\r\n')}\r\n`;
}
