/**
 * Vietnam's calendar for reports: Vietnam keeps UTC+07:00 all year (no daylight saving), so
 * a Vietnam day is a fixed 24-hour span of epoch time and can be computed in SQL from at_ms
 * alone, the same way in SQLite and PostgreSQL. Days are numbered from 1970-01-01 (day 0,
 * a Thursday), like epoch days but in Vietnam time.
 */
export const VN_OFFSET_MS = 7 * 3600_000;
export const DAY_MS = 86_400_000;

/** How a report groups days. */
export type ReportBucket = 'day' | 'week';
export const REPORT_BUCKETS: readonly ReportBucket[] = ['day', 'week'];

/** The Vietnam day number of an instant (epoch ms). */
export function vnDayOf(ms: number): number {
  return Math.floor((ms + VN_OFFSET_MS) / DAY_MS);
}

/** The instant (epoch ms) a Vietnam day begins: its 00:00+07:00. */
export function vnDayStartMs(day: number): number {
  return day * DAY_MS - VN_OFFSET_MS;
}

/** "YYYY-MM-DD" of a Vietnam day number. */
export function vnDate(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** The Vietnam day number of a calendar date "YYYY-MM-DD", or undefined when it is not one (2021-02-30). */
export function vnDayOfDate(date: string): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return undefined;
  const ms = Date.parse(`${date}T00:00:00Z`);
  // Date.parse rolls 2021-02-30 over to March on some engines and refuses it on others: compare back.
  if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== date) return undefined;
  return ms / DAY_MS;
}

/** The Monday starting the ISO week of a day (day 0 was a Thursday). */
export function isoWeekStart(day: number): number {
  return day - mod(day + 3, 7);
}

/** The first day of the bucket holding `day`. */
export function bucketStart(day: number, by: ReportBucket): number {
  return by === 'day' ? day : isoWeekStart(day);
}

/** "2021-W42": the ISO week's year is the year of its Thursday, so 2021-01-03 is in 2020-W53. */
export function isoWeekLabel(day: number): string {
  const thursday = isoWeekStart(day) + 3;
  const year = new Date(thursday * DAY_MS).getUTCFullYear();
  const firstOfYear = Date.UTC(year, 0, 1) / DAY_MS;
  const week = Math.floor((thursday - firstOfYear) / 7) + 1;
  return `${year}-W${String(week).padStart(2, '0')}`;
}

/** A bucket's label: the date for a day, the ISO week for a week. */
export function bucketLabel(start: number, by: ReportBucket): string {
  return by === 'day' ? vnDate(start) : isoWeekLabel(start);
}

/** "20/10/2021": how dates are written in Vietnam. */
export function vnDisplayDate(day: number): string {
  const [y, m, d] = vnDate(day).split('-');
  return `${d}/${m}/${y}`;
}

const mod = (a: number, n: number): number => ((a % n) + n) % n;
