import { isRealDate } from '../../time/calendar-date.js';

const INSTANT = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(?:([Zz])|([+-])(\d{2}):?(\d{2}))?$/;

/**
 * Epoch milliseconds of an ISO 8601 / RFC 3339 date-time, or null. A time without a zone
 * means UTC: `Date.parse` would read it as the machine's local time, which on a kiosk in
 * Vietnam is seven hours off. Fractions beyond milliseconds are cut, not rounded.
 * A bare date (`YYYY-MM-DD`) is midnight UTC.
 */
export function parseIsoInstant(text: string): number | null {
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) text = `${text}T00:00:00Z`;
  const m = INSTANT.exec(text);
  if (m === null) return null;
  const [year, month, day, hour, minute] = [m[1], m[2], m[3], m[4], m[5]].map(Number) as [number, number, number, number, number];
  const second = m[6] === undefined ? 0 : Number(m[6]);
  if (!isRealDate(year, month, day) || hour > 23 || minute > 59 || second > 60) return null;
  const millis = m[7] === undefined ? 0 : Number(m[7].slice(0, 3).padEnd(3, '0'));
  let offsetMinutes = 0;
  if (m[9] !== undefined) {
    const offsetHours = Number(m[10]);
    const offsetMins = Number(m[11]);
    if (offsetHours > 23 || offsetMins > 59) return null;
    offsetMinutes = (m[9] === '-' ? -1 : 1) * (offsetHours * 60 + offsetMins);
  }
  // A leap second (60) is folded onto the next second, as most clocks do.
  return Date.UTC(year, month - 1, day, hour, minute, second, millis) - offsetMinutes * 60_000;
}

/** ISO 8601 in UTC for an epoch-millisecond instant, or undefined when no Date can hold it. */
export function isoOrUndefined(epochMs: number): string | undefined {
  return Number.isFinite(epochMs) && Math.abs(epochMs) <= 8.64e15 ? new Date(epochMs).toISOString() : undefined;
}
