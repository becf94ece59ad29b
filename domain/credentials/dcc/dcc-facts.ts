import type { PersonFacts, TestResult, VaccinationDose } from '../../facts/person-facts.js';
import { formatIsoDate, isRealDate } from '../../time/calendar-date.js';
import type { SubjectDisplay } from '../credential.js';
import { parseIsoInstant } from '../../time/iso-instant.js';
import { visibleText } from '../../text/visible-text.js';

/**
 * From the health certificate (JSON, schema `ver`) to what the rules and the screen use.
 * Entries that cannot be understood are left out rather than guessed: the schema check
 * reports them, and a fact the rules cannot trust must not turn a screen green.
 */

/** DCC value set "test type" (LOINC). */
const TEST_KINDS: Readonly<Record<string, TestResult['kind']>> = {
  'LP6464-4': 'pcr', // nucleic acid amplification
  'LP217198-3': 'rapid', // rapid immunoassay
};

/** DCC value set "test result" (SNOMED CT). */
const TEST_RESULTS: Readonly<Record<string, TestResult['result']>> = {
  '260415000': 'negative', // not detected
  '260373001': 'positive', // detected
};

type Json = Record<string, unknown>;

const isRecord = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const entries = (hcert: Json, key: string): Json[] => (Array.isArray(hcert[key]) ? (hcert[key] as unknown[]).filter(isRecord) : []);
const positiveInteger = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value) && value > 0;

/** `YYYY-MM-DD` from a DCC date, which some issuers wrote as a date-time; null when not a real date. */
export function calendarDate(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:$|[T ])/.exec(value);
  if (m === null) return null;
  const [year, month, day] = [m[1], m[2], m[3]].map(Number) as [number, number, number];
  return isRealDate(year, month, day) ? formatIsoDate(year, month, day) : null;
}

export function factsFromHcert(hcert: unknown): PersonFacts {
  if (!isRecord(hcert)) return { doses: [], tests: [], quarantine: [] };
  const doses: VaccinationDose[] = [];
  for (const v of entries(hcert, 'v')) {
    const date = calendarDate(v['dt']);
    if (!positiveInteger(v['dn']) || date === null || typeof v['mp'] !== 'string' || v['mp'] === '') continue;
    doses.push({ dose: v['dn'], date, product: v['mp'], ...(positiveInteger(v['sd']) ? { totalDoses: v['sd'] } : {}) });
  }
  const tests: TestResult[] = [];
  for (const t of entries(hcert, 't')) {
    const kind = typeof t['tt'] === 'string' ? TEST_KINDS[t['tt']] : undefined;
    const result = typeof t['tr'] === 'string' ? TEST_RESULTS[t['tr']] : undefined;
    const takenAt = typeof t['sc'] === 'string' ? parseIsoInstant(t['sc']) : null;
    if (kind === undefined || result === undefined || takenAt === null) continue;
    tests.push({ takenAt: new Date(takenAt).toISOString(), kind, result });
  }
  // The latest recovery counts; ISO dates compare as strings.
  let recoveredOn: string | undefined;
  for (const r of entries(hcert, 'r')) {
    const date = calendarDate(r['fr']);
    if (date !== null && (recoveredOn === undefined || date > recoveredOn)) recoveredOn = date;
  }
  return { doses, tests, quarantine: [], ...(recoveredOn === undefined ? {} : { recoveredOn }) };
}

/**
 * Name and birth date for staff to match the person. The name is surname first, as the
 * DCC stores it and as Vietnamese names are written; the transliterated (ICAO 9303)
 * fields stand in when the issuer left the national-script ones out.
 */
export function subjectFromHcert(hcert: unknown): SubjectDisplay {
  if (!isRecord(hcert)) return {};
  const nam = isRecord(hcert['nam']) ? hcert['nam'] : {};
  const text = (key: string): string => (typeof nam[key] === 'string' ? (nam[key] as string).trim() : '');
  const machine = (key: string): string => text(key).replace(/</g, ' ').replace(/ +/g, ' ').trim();
  const surname = text('fn') || machine('fnt');
  const given = text('gn') || machine('gnt');
  // Shown to staff: no bidi override or zero-width character from the certificate.
  const name = visibleText([surname, given].filter((part) => part !== '').join(' '));
  const birthDate = partialDate(hcert['dob']);
  return { ...(name === '' ? {} : { name }), ...(birthDate === undefined ? {} : { birthDate }) };
}

/**
 * `YYYY`, `YYYY-MM` or `YYYY-MM-DD` from a DCC `dob`, which may be partial, empty, padded
 * with `XX` for the unknown part, or (in early issues) a date-time.
 */
function partialDate(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const m = /^(\d{4})(?:-(\d{2}|XX)(?:-(\d{2}|XX))?)?(?:$|[T ])/.exec(value.trim());
  if (m === null) return undefined;
  const year = Number(m[1]);
  if (year < 1900) return undefined;
  if (m[2] === undefined || m[2] === 'XX') return m[1];
  const month = Number(m[2]);
  if (month < 1 || month > 12) return undefined;
  if (m[3] === undefined || m[3] === 'XX') return `${m[1]}-${m[2]}`;
  return isRealDate(year, month, Number(m[3])) ? formatIsoDate(year, month, Number(m[3])) : undefined;
}
