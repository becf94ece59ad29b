/**
 * CertLogic date-times (spec 1.3.3, "Dates and date-times", `plusTime`, `dccDateOfBirth`).
 *
 * A date-time is an instant with millisecond precision. Comparisons (`after`, `before`…)
 * compare instants, never text, so `2021-10-15T00:00:00+07:00` and `2021-10-14T17:00:00Z`
 * are the same moment. The offset the text was written in is kept only to print the value
 * back the way it came in (a reason text in Vietnam time reads better than one in UTC).
 *
 * Offsetting follows the spec's JavaScript reference exactly: `setUTC<unit>(getUTC<unit>() +
 * amount)`, i.e. calendar arithmetic on the UTC fields. For `day` and `hour` that is exact
 * addition of 24 h / 1 h (UTC has no DST and JavaScript time no leap seconds); for `month`
 * and `year` a day-of-month that does not exist rolls over (2020-02-29 + 1 year =
 * 2021-03-01), as the spec's leap-day table shows.
 */

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;
/** ECMAScript's time range: ±100 000 000 days around the epoch. */
const MAX_EPOCH_MS = 8.64e15;
/** Days in 400 Gregorian years; shifting a year by 400 keeps every calendar field. */
const DAYS_PER_400_YEARS = 146_097;

export const TIME_UNITS = ['year', 'month', 'day', 'hour'] as const;
export type TimeUnit = (typeof TIME_UNITS)[number];

export function isTimeUnit(value: unknown): value is TimeUnit {
  return value === 'year' || value === 'month' || value === 'day' || value === 'hour';
}

/** An instant made by `plusTime` or `dccDateOfBirth`; immutable. */
export class CertLogicDateTime {
  constructor(
    /** Milliseconds since 1970-01-01T00:00:00Z. */
    readonly epochMs: number,
    /** The UTC offset the source text was written in (0 for `Z` or no offset); display only. */
    readonly offsetMinutes: number,
  ) {}

  /** ISO 8601 in the offset the value was written in, e.g. `2021-10-15T00:00:00.000+07:00`. */
  toISOString(): string {
    const shifted = this.epochMs + this.offsetMinutes * MINUTE_MS;
    // Near the end of the time range the shifted instant may fall outside it; UTC still prints.
    if (this.offsetMinutes === 0 || Math.abs(shifted) > MAX_EPOCH_MS) return new Date(this.epochMs).toISOString();
    const sign = this.offsetMinutes < 0 ? '-' : '+';
    const abs = Math.abs(this.offsetMinutes);
    const offset = `${sign}${pad2(Math.floor(abs / 60))}:${pad2(abs % 60)}`;
    return `${new Date(shifted).toISOString().slice(0, -1)}${offset}`;
  }

  toJSON(): string {
    return this.toISOString();
  }

  toString(): string {
    return this.toISOString();
  }
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** Epoch ms of a UTC calendar time; null when a field is out of its range. */
function utcEpochMs(year: number, month: number, day: number, hour = 0, minute = 0, second = 0, ms = 0): number | null {
  if (year < 0 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  if (hour > 23 || minute > 59 || second > 59) return null;
  // Date.UTC reads years 0–99 as 1900–1999; counting from 400 years later and stepping back
  // a whole Gregorian cycle gives the same calendar for every year, 0000 included.
  return Date.UTC(year + 400, month - 1, day, hour, minute, second, ms) - DAYS_PER_400_YEARS * DAY_MS;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

const DASH = 0x2d;
const COLON = 0x3a;
const DOT = 0x2e;
const PLUS = 0x2b;
const T = 0x54;
const Z = 0x5a;

/** The number written by `count` ASCII digits at `start`, or -1 if any of them is not a digit. */
function digits(text: string, start: number, count: number): number {
  if (start + count > text.length) return -1;
  let value = 0;
  for (let i = start; i < start + count; i++) {
    const digit = text.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
}

/**
 * `dccDateOfBirth`: `YYYY`, `YYYY-MM` or `YYYY-MM-DD` to midnight UTC of the last day
 * consistent with it (`2004` → 2004-12-31, `2004-02` → 2004-02-29). Null for anything else,
 * including dates that do not exist.
 */
export function parseDateOfBirth(text: string): CertLogicDateTime | null {
  const year = digits(text, 0, 4);
  if (year < 0) return null;
  if (text.length === 4) return instant(utcEpochMs(year, 12, 31));
  const month = text.charCodeAt(4) === DASH ? digits(text, 5, 2) : -1;
  if (month < 1 || month > 12) return null;
  if (text.length === 7) return instant(utcEpochMs(year, month, daysInMonth(year, month)));
  if (text.length !== 10 || text.charCodeAt(7) !== DASH) return null;
  return instant(utcEpochMs(year, month, digits(text, 8, 2)));
}

/**
 * The string operand of `plusTime`: a date-time in one of the spec's formats, or a date
 * (partial dates read as `dccDateOfBirth` reads them). A missing time is 00:00:00.000 and a
 * missing offset is Z. Decimals beyond milliseconds are cut off (rounding down, as the spec
 * says). Null for other text and for impossible dates or times: the spec leaves those
 * undefined, and refusing them is the only answer that cannot be wrong.
 *
 * Read character by character rather than by regular expression: this runs several times
 * per rule evaluation on the scan path, and allocating match arrays costs garbage
 * collections that show up in the p99.
 */
export function parseDateTime(text: string): CertLogicDateTime | null {
  if (text.length <= 10) return parseDateOfBirth(text);
  if (text.length < 19 || text.charCodeAt(10) !== T) return null;
  const year = digits(text, 0, 4);
  const month = text.charCodeAt(4) === DASH ? digits(text, 5, 2) : -1;
  const day = text.charCodeAt(7) === DASH ? digits(text, 8, 2) : -1;
  const hour = digits(text, 11, 2);
  const minute = text.charCodeAt(13) === COLON ? digits(text, 14, 2) : -1;
  const second = text.charCodeAt(16) === COLON ? digits(text, 17, 2) : -1;
  if (year < 0 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0) return null;
  let pos = 19;
  let ms = 0;
  if (text.charCodeAt(pos) === DOT) {
    const first = ++pos;
    while (digits(text, pos, 1) >= 0) pos++;
    if (pos === first) return null;
    // The first three decimals are the milliseconds; the rest is cut off.
    const used = Math.min(3, pos - first);
    ms = digits(text, first, used) * 10 ** (3 - used);
  }
  const local = utcEpochMs(year, month, day, hour, minute, second, ms);
  if (local === null) return null;
  const offset = offsetAt(text, pos);
  return offset === null ? null : instant(local - offset * MINUTE_MS, offset);
}

/**
 * The offset in minutes written from `pos` to the end: nothing or `Z` (0), or a sign and
 * `h`, `hh`, `hmm`, `hhmm`, `h:mm` or `hh:mm`. Null for anything else.
 */
function offsetAt(text: string, pos: number): number | null {
  const rest = text.length - pos;
  if (rest === 0) return 0;
  const sign = text.charCodeAt(pos);
  if (rest === 1) return sign === Z ? 0 : null;
  if (sign !== PLUS && sign !== DASH) return null;
  const start = pos + 1;
  let hours: number;
  let minutes = 0;
  switch (rest - 1) {
    case 1:
    case 2:
      hours = digits(text, start, rest - 1);
      break;
    case 3:
      hours = digits(text, start, 1);
      minutes = digits(text, start + 1, 2);
      break;
    case 4:
      if (text.charCodeAt(start + 1) === COLON) {
        hours = digits(text, start, 1);
        minutes = digits(text, start + 2, 2);
      } else {
        hours = digits(text, start, 2);
        minutes = digits(text, start + 2, 2);
      }
      break;
    case 5:
      hours = text.charCodeAt(start + 2) === COLON ? digits(text, start, 2) : -1;
      minutes = digits(text, start + 3, 2);
      break;
    default:
      return null;
  }
  if (hours < 0 || hours > 23 || minutes < 0 || minutes > 59) return null;
  return (sign === DASH ? -1 : 1) * (hours * 60 + minutes);
}

function instant(epochMs: number | null, offsetMinutes = 0): CertLogicDateTime | null {
  if (epochMs === null || !(Math.abs(epochMs) <= MAX_EPOCH_MS)) return null;
  return new CertLogicDateTime(epochMs, offsetMinutes);
}

/**
 * `plusTime`'s offsetting: `amount` units later (earlier when negative), keeping the
 * value's display offset. Null when the result leaves ECMAScript's time range.
 */
export function addTime(dateTime: CertLogicDateTime, amount: number, unit: TimeUnit): CertLogicDateTime | null {
  if (amount === 0) return dateTime;
  let epochMs: number;
  switch (unit) {
    case 'hour':
      epochMs = dateTime.epochMs + amount * HOUR_MS;
      break;
    case 'day':
      epochMs = dateTime.epochMs + amount * DAY_MS;
      break;
    case 'month': {
      const date = new Date(dateTime.epochMs);
      epochMs = date.setUTCMonth(date.getUTCMonth() + amount);
      break;
    }
    case 'year': {
      const date = new Date(dateTime.epochMs);
      epochMs = date.setUTCFullYear(date.getUTCFullYear() + amount);
      break;
    }
  }
  return instant(epochMs, dateTime.offsetMinutes);
}
