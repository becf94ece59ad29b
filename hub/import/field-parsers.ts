import { citizenIdParts, hasKnownProvince, hasPlausibleCentury, ID12_PATTERN, OLD_ID9_PATTERN } from '../../domain/credentials/citizen-id.js';
import { findVaccineProduct } from '../../domain/facts/vaccine-products.js';
import { formatIsoDate, isRealDate, VIETNAM_UTC_OFFSET_MINUTES } from '../../domain/time/calendar-date.js';

/**
 * Parsers for the fields of the platforms' CSV exports. Pure: each returns the value or a
 * reason an operator can act on, phrased to follow `<column> "<text>"`.
 */
export type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly reason: string };

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const bad = (reason: string): Parsed<never> => ({ ok: false, reason });

/**
 * A 12-digit citizen ID, with the structure a number alone can show (citizen-id.ts). A
 * province code off the 2021 list is accepted, as the kiosks accept it: numbers issued since
 * Law 26/2023 and the 2025 merger may carry one, and a person refused here would be "no
 * record" at every gate.
 */
export function parseId12(text: string): Parsed<string> {
  if (!ID12_PATTERN.test(text)) return bad(lostLeadingZero(text) ?? inScientificNotation(text) ?? 'is not a 12-digit citizen ID');
  const parts = citizenIdParts(text);
  if (!hasPlausibleCentury(parts)) return bad('is not a citizen ID: its 4th digit (century and sex) must be 0–3');
  return ok(text);
}

/**
 * A spreadsheet reads a column of IDs as numbers and drops their leading 0 (every ID of the
 * provinces 001–099 starts with one): an 11-digit value that is a citizen ID with the 0 back
 * is named as such, with the fix, rather than as "not an ID". It is never fixed silently:
 * the same file may have lost other digits, and a wrong ID would give someone else's facts.
 */
function lostLeadingZero(text: string): string | undefined {
  if (!/^\d{11}$/.test(text)) return undefined;
  const restored = `0${text}`;
  const parts = citizenIdParts(restored);
  if (!hasKnownProvince(parts) || !hasPlausibleCentury(parts)) return undefined;
  return `has 11 digits: a spreadsheet dropped its leading 0 (it is ${restored}); format the id column as Text and export again`;
}

/** A long number shown as `5.6089E+10`: the digits are gone, only the export can be redone. */
function inScientificNotation(text: string): string | undefined {
  if (!/^\d(?:[.,]\d+)?E\+?\d+$/i.test(text)) return undefined;
  return 'is a number in scientific notation: a spreadsheet rounded the ID; format the id column as Text and export again';
}

export function parseOldId(text: string): Parsed<string | undefined> {
  if (text === '') return ok(undefined);
  return OLD_ID9_PATTERN.test(text) ? ok(text) : bad('is not a 9-digit ID card number');
}

export function parseBhxh(text: string): Parsed<string | undefined> {
  if (text === '') return ok(undefined);
  return /^\d{10}$/.test(text) ? ok(text) : bad('is not a 10-digit social-insurance (BHXH) number');
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
// Vietnamese exports (and Excel set to Vietnamese) write day/month/year.
const VN_DATE = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/;

/** A calendar date: `YYYY-MM-DD`, or `dd/mm/yyyy`. Returns `YYYY-MM-DD`. */
export function parseDate(text: string): Parsed<string> {
  const iso = ISO_DATE.exec(text);
  if (iso !== null) {
    // Already in the stored form: only its reality needs checking (the common case, kept cheap).
    return isRealDate(Number(iso[1]), Number(iso[2]), Number(iso[3])) ? ok(text) : bad('is not a real date');
  }
  const vn = VN_DATE.exec(text);
  if (vn === null) return bad('is not a date (write YYYY-MM-DD or dd/mm/yyyy)');
  const [year, month, day] = [Number(vn[3]), Number(vn[2]), Number(vn[1])];
  return isRealDate(year, month, day) ? ok(formatIsoDate(year, month, day)) : bad('is not a real date');
}

const ISO_INSTANT = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?$/i;
const VN_INSTANT = /^(\d{1,2})\/(\d{1,2})\/(\d{4}) (\d{1,2}):(\d{2})(?::(\d{2}))?$/;

/**
 * An instant: ISO 8601 date and time (`2021-10-15T08:30`, seconds, fraction and zone
 * optional), or `dd/mm/yyyy HH:MM[:SS]`. Without a zone it is Vietnam time (UTC+7), which is
 * what the platforms' exports mean. A date alone is refused: a 72-hour test needs its hour.
 */
export function parseInstant(text: string): Parsed<number> {
  let parts: (string | undefined)[];
  let zone: string | undefined;
  const iso = ISO_INSTANT.exec(text);
  if (iso !== null) {
    parts = [iso[1], iso[2], iso[3], iso[4], iso[5], iso[6], iso[7]];
    zone = iso[8];
  } else {
    const vn = VN_INSTANT.exec(text);
    if (vn === null) {
      if (parseDate(text).ok) return bad('has no time of day (write e.g. 2021-10-15T08:30, Vietnam time unless a zone is given)');
      return bad('is not a date and time (write ISO 8601, e.g. 2021-10-15T08:30 or 2021-10-15T08:30:00+07:00)');
    }
    parts = [vn[3], vn[2], vn[1], vn[4], vn[5], vn[6], undefined];
  }
  const [year, month, day, hour, minute, second] = parts.slice(0, 6).map((p) => Number(p ?? 0)) as [number, number, number, number, number, number];
  const millis = Number((parts[6] ?? '0').padEnd(3, '0').slice(0, 3));
  if (!isRealDate(year, month, day)) return bad('is not a real date');
  if (hour > 23 || minute > 59 || second > 59) return bad('is not a real time of day');
  let offsetMinutes = VIETNAM_UTC_OFFSET_MINUTES;
  if (zone !== undefined && zone.toUpperCase() !== 'Z') {
    const digits = zone.replace(':', '');
    const hours = Number(digits.slice(1, 3));
    const minutes = Number(digits.slice(3, 5));
    if (hours > 14 || minutes > 59) return bad('has an impossible time zone');
    offsetMinutes = (zone.startsWith('-') ? -1 : 1) * (hours * 60 + minutes);
  } else if (zone !== undefined) {
    offsetMinutes = 0;
  }
  return ok(Date.UTC(year, month - 1, day, hour, minute, second, millis) - offsetMinutes * 60_000);
}

/** A dose number: the first, second… dose (boosters included). */
export function parseDose(text: string): Parsed<number> {
  if (!/^\d{1,2}$/.test(text) || Number(text) < 1 || Number(text) > 20) return bad('is not a dose number (1, 2, 3…)');
  return ok(Number(text));
}

/** A vaccine by DCC code or common name → its canonical code. */
export function parseProduct(text: string): Parsed<string> {
  const product = findVaccineProduct(text);
  if (product === undefined)
    return bad('is not a known COVID-19 vaccine (give a DCC code such as EU/1/20/1528, or a name such as Comirnaty, Vaxzevria, Spikevax, Sinopharm)');
  return ok(product.code);
}

/** One of a few words, case-insensitive. */
export function parseChoice<T extends string>(text: string, choices: readonly T[], map: (text: string) => string = (t) => t.toLowerCase()): Parsed<T> {
  const value = map(text);
  return (choices as readonly string[]).includes(value) ? ok(value as T) : bad(`must be ${choices.join(' or ')}`);
}
