import { isRealDate } from './calendar-date.js';

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
const INSTANT = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(?:([Zz])|([+-])(\d{2})(?::?(\d{2}))?)?$/;

const MONTH_NAMES = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

export type IsoInstantResult = { readonly ok: true; readonly ms: number } | { readonly ok: false; readonly problem: string };

/**
 * The one strict reader of ISO 8601 / RFC 3339 instants in Chốt (DCC dates, `--at`,
 * `chot hub trace` and its HTTP route). Unlike `Date.parse`, it never rolls an impossible
 * date over (`2021-02-31` is not 3 March) and never reads a zoneless time in the machine's
 * own zone. A time without a zone is at `zonelessOffsetMinutes` from UTC (0: UTC; 420:
 * Vietnam time); a bare date (`YYYY-MM-DD`) is midnight there. Fractions beyond
 * milliseconds are cut, not rounded. A failure says precisely what is wrong, in English,
 * for a command's or an API's error message.
 */
export function readIsoInstant(text: string, zonelessOffsetMinutes = 0): IsoInstantResult {
  const dateOnly = DATE_ONLY.test(text);
  const m = INSTANT.exec(dateOnly ? `${text}T00:00` : text);
  if (m === null) return { ok: false, problem: 'is not an ISO 8601 date or time (e.g. 2021-10-20 or 2021-10-20T08:00+07:00)' };
  const [year, month, day, hour, minute] = [m[1], m[2], m[3], m[4], m[5]].map(Number) as [number, number, number, number, number];
  if (month < 1 || month > 12) return { ok: false, problem: `has no month ${month}` };
  if (!isRealDate(year, month, day)) {
    if (year < 1900 || year > 2199) return { ok: false, problem: `has a year outside 1900–2199 (${year})` };
    const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
    return { ok: false, problem: `is not a real date: ${MONTH_NAMES[month - 1] ?? ''} ${year} has ${days} days` };
  }
  const second = m[6] === undefined ? 0 : Number(m[6]);
  if (hour > 23 || minute > 59 || second > 60)
    return { ok: false, problem: `is not a real time of day (${m[4]}:${m[5]}${m[6] === undefined ? '' : `:${m[6]}`})` };
  const millis = m[7] === undefined ? 0 : Number(m[7].slice(0, 3).padEnd(3, '0'));
  let offsetMinutes = zonelessOffsetMinutes;
  if (m[8] !== undefined) offsetMinutes = 0;
  else if (m[9] !== undefined) {
    const offsetHours = Number(m[10]);
    // An offset of whole hours may be written without minutes (`+07`), as ISO 8601 allows.
    const offsetMins = Number(m[11] ?? 0);
    if (offsetHours > 23 || offsetMins > 59) return { ok: false, problem: `has no time zone offset ${m[9]}${m[10]}:${m[11] ?? '00'}` };
    offsetMinutes = (m[9] === '-' ? -1 : 1) * (offsetHours * 60 + offsetMins);
  }
  // A leap second (60) is folded onto the next second, as most clocks do.
  return { ok: true, ms: Date.UTC(year, month - 1, day, hour, minute, second, millis) - offsetMinutes * 60_000 };
}

/** Epoch milliseconds of an ISO 8601 instant (see readIsoInstant; zoneless = UTC), or null. */
export function parseIsoInstant(text: string): number | null {
  const result = readIsoInstant(text);
  return result.ok ? result.ms : null;
}

/** ISO 8601 in UTC for an epoch-millisecond instant, or undefined when no Date can hold it. */
export function isoOrUndefined(epochMs: number): string | undefined {
  return Number.isFinite(epochMs) && Math.abs(epochMs) <= 8.64e15 ? new Date(epochMs).toISOString() : undefined;
}
