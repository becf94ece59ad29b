/**
 * Calendar dates as printed on Vietnamese cards (ddmmyyyy), and Vietnam's clock.
 * Vietnam keeps UTC+7 all year (no daylight saving), so a fixed offset is exact.
 */
export const VIETNAM_UTC_OFFSET_MINUTES = 7 * 60;

const DAY_MS = 24 * 60 * 60 * 1000;

/** `15031989` → `1989-03-15`, or null when it is not a real date. */
export function parseDdMmYyyy(text: string): string | null {
  if (!/^\d{8}$/.test(text)) return null;
  const day = Number(text.slice(0, 2));
  const month = Number(text.slice(2, 4));
  const year = Number(text.slice(4, 8));
  return isRealDate(year, month, day) ? formatIsoDate(year, month, day) : null;
}

export function isRealDate(year: number, month: number, day: number): boolean {
  if (year < 1900 || year > 2199 || month < 1 || month > 12 || day < 1) return false;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return day <= daysInMonth;
}

export function formatIsoDate(year: number, month: number, day: number): string {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** Epoch milliseconds of 00:00 Vietnam time on an ISO calendar date (YYYY-MM-DD). */
export function vietnamMidnightMs(isoDate: string): number {
  const [year, month, day] = isoDate.split('-').map(Number) as [number, number, number];
  return Date.UTC(year, month - 1, day) - VIETNAM_UTC_OFFSET_MINUTES * 60 * 1000;
}

/** The calendar date in Vietnam at an instant. */
export function vietnamDateOf(epochMs: number): string {
  const shifted = new Date(epochMs + VIETNAM_UTC_OFFSET_MINUTES * 60 * 1000);
  return formatIsoDate(shifted.getUTCFullYear(), shifted.getUTCMonth() + 1, shifted.getUTCDate());
}

export function addDaysMs(epochMs: number, days: number): number {
  return epochMs + days * DAY_MS;
}

/** An instant as ISO 8601 in Vietnam time, e.g. `2021-10-15T08:30:00.000+07:00`. */
export function toVietnamIso(epochMs: number): string {
  const shifted = new Date(epochMs + VIETNAM_UTC_OFFSET_MINUTES * 60 * 1000);
  return `${shifted.toISOString().slice(0, 23)}+07:00`;
}
