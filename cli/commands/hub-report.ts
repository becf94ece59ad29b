import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { defaultHubDataDir } from '../../hub/config/hub-paths.js';
import { buildReport } from '../../hub/reports/build-report.js';
import { reportCsv } from '../../hub/reports/report-csv.js';
import { reportHtml } from '../../hub/reports/report-html.js';
import { silentCsv } from '../../hub/reports/report-silent.js';
import { DEFAULT_SILENT_AFTER_MS, parseDuration } from '../../hub/devices/device-overview.js';
import { REPORT_BUCKETS, vnDayOfDate, type ReportBucket } from '../../hub/reports/vn-calendar.js';
import { openHubStorage, type HubStorageLocation } from '../../hub/storage/open-hub-storage.js';
import { UsageError } from '../args.js';
import { messageOf } from '../../platform/message-of.js';

/** The report command's lines for the hub's help text. */
export const HUB_REPORT_HELP = `  report --from YYYY-MM-DD --to YYYY-MM-DD [--by day|week] [--format csv|html] [--out FILE] [--silent-after 7d] [--silent-csv FILE] [--pg URL]
             scans per location and per day or ISO week (Vietnam time, both dates
             included): by colour and by credential (EU DCC, Chốt pass, ID card, chip-verified
             ID card, health-insurance card, typed, unreadable or invalid code, other),
             distinct people, scans per hour of day, reds and yellows staff let in and
             confirms (by staff member), flagged entries, scan points registered and active,
             and the registered scan points without a scan in the 7 days up to --to.
             csv (default) for spreadsheets; html: one printable A4 file with charts.
             The HTML also counts the registered scan points the hub heard from (any
             signed request) within --silent-after (default 7d) and lists the silent ones;
             --silent-csv FILE writes that list as CSV (kiosk, location, last seen)`;

export interface HubReportIo {
  readonly stdout: { write(text: string): unknown };
  /** Epoch milliseconds, printed on the report. */
  readonly now?: () => number;
}

const FORMATS = ['csv', 'html'] as const;
type ReportFormat = (typeof FORMATS)[number];
/** A longer report is a database dump, not a report: ask for it in pieces. */
export const MAX_REPORT_DAYS = 366;

/** A calendar date, YYYY-MM-DD, as a Vietnam day number. */
export function parseReportDate(option: string, text: string): number {
  const day = vnDayOfDate(text.trim());
  // From 2000: earlier is a typo, and the storage's day arithmetic wants times after 1970.
  if (day === undefined || day < (vnDayOfDate('2000-01-01') as number)) {
    throw new UsageError(`--${option} must be a date YYYY-MM-DD (a Vietnam calendar day, from 2000), e.g. 2021-10-18; got ${JSON.stringify(text)}`);
  }
  return day;
}

/** `chot hub report --from DATE --to DATE [--by day|week] [--format csv|html] [--out FILE] [--data DIR | --pg URL]` */
export async function runHubReport(args: readonly string[], io: HubReportIo = { stdout: process.stdout }): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...args],
      options: {
        from: { type: 'string' },
        to: { type: 'string' },
        by: { type: 'string' },
        format: { type: 'string' },
        out: { type: 'string' },
        'silent-after': { type: 'string' },
        'silent-csv': { type: 'string' },
        data: { type: 'string' },
        pg: { type: 'string' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new UsageError(messageOf(error));
  }
  if (values.from === undefined || values.to === undefined)
    throw new UsageError('--from and --to are needed: the first and last day of the report, YYYY-MM-DD');
  const fromDay = parseReportDate('from', values.from);
  const toDay = parseReportDate('to', values.to);
  if (fromDay > toDay) throw new UsageError(`--from (${values.from}) must not be after --to (${values.to})`);
  if (toDay - fromDay + 1 > MAX_REPORT_DAYS) throw new UsageError(`a report covers at most ${MAX_REPORT_DAYS} days; split the period`);
  const by = values.by ?? 'day';
  if (!(REPORT_BUCKETS as readonly string[]).includes(by)) throw new UsageError(`--by must be day or week; got ${JSON.stringify(by)}`);
  const format = values.format ?? 'csv';
  if (!(FORMATS as readonly string[]).includes(format)) throw new UsageError(`--format must be csv or html; got ${JSON.stringify(format)}`);
  if (values.out === '') throw new UsageError('--out needs a file name');
  if (values['silent-csv'] === '') throw new UsageError('--silent-csv needs a file name');
  const silentAfterMs = values['silent-after'] === undefined ? DEFAULT_SILENT_AFTER_MS : parseDuration(values['silent-after']);
  if (silentAfterMs === undefined)
    throw new UsageError(
      `--silent-after must be a whole number of s, m, h or d (at least a minute, at most a year), e.g. 7d; got ${JSON.stringify(values['silent-after'])}`,
    );
  if (values.data !== undefined && values.pg !== undefined) throw new UsageError('give --data DIR or --pg URL, not both');
  const location: HubStorageLocation = values.pg !== undefined ? { pgUrl: values.pg } : { dataDir: resolve(values.data ?? defaultHubDataDir()) };

  const storage = await openHubStorage(location);
  let report;
  try {
    report = await buildReport(storage, { fromDay, toDay, by: by as ReportBucket, now: (io.now ?? Date.now)(), silentAfterMs });
  } finally {
    await storage.close();
  }
  const text = (format as ReportFormat) === 'html' ? reportHtml(report) : reportCsv(report);
  if (values['silent-csv'] !== undefined && report.silent !== undefined) writeFileSync(values['silent-csv'], silentCsv(report.silent));
  if (values.out === undefined) {
    io.stdout.write(text);
    return 0;
  }
  writeFileSync(values.out, text);
  const t = report.totals;
  io.stdout.write(
    `report written to ${values.out}: ${t.counts.scans} scans (${t.counts.flagged} flagged), ${t.active} of ${t.registered} registered scan points active, ` +
      `${report.idle.length} without a scan in the last 7 days\n`,
  );
  return 0;
}
