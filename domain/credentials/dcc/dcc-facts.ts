import type { PersonFacts, RecoveryCertificate, TestResult, UncountedEntry, UncountedReason, VaccinationDose } from '../../facts/person-facts.js';
import { vaccineProductByCode } from '../../facts/vaccine-products.js';
import { formatIsoDate, isRealDate } from '../../time/calendar-date.js';
import type { SubjectDisplay } from '../credential.js';
import {
  COVID_19,
  inValueSet,
  RENAMED_PRODUCT_CODES,
  TEST_RESULT,
  TEST_TYPE,
  VACCINE_MEDICINAL_PRODUCT,
  VACCINE_PROPHYLAXIS,
  valueSetInForce,
  type ValueSetOverrides,
} from './dcc-value-sets.js';
import { parseIsoInstant } from '../../time/iso-instant.js';
import { visibleText } from '../../text/visible-text.js';

/**
 * From the health certificate (JSON, schema `ver`) to what the rules and the screen use.
 * Every code the colour depends on is checked against the EU value sets
 * (dcc-value-sets.ts) and nothing is guessed: an entry about another disease, with a code
 * outside its value set, a vaccine Chốt does not recognise, or a missing or impossible
 * date does not count — a fact the rules cannot trust must not turn a screen green — and
 * is listed in `notCounted`, so the rules can say why. Dates are kept as the certificate
 * states them; what a recovery's dates are worth is the rule set's policy, not the parser's.
 */

type Json = Record<string, unknown>;
type Read<T> = T | { readonly why: UncountedReason };

const isRecord = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const entries = (hcert: Json, key: string): unknown[] => (Array.isArray(hcert[key]) ? (hcert[key] as unknown[]) : []);
const positiveInteger = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value) && value > 0;
const notCounted = <T extends object>(read: Read<T>): read is { readonly why: UncountedReason } => 'why' in read;

/** `YYYY-MM-DD` from a DCC date, which some issuers wrote as a date-time; null when not a real date. */
export function calendarDate(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:$|[T ])/.exec(value);
  if (m === null) return null;
  const [year, month, day] = [m[1], m[2], m[3]].map(Number) as [number, number, number];
  return isRealDate(year, month, day) ? formatIsoDate(year, month, day) : null;
}

/** `valueSets`: the hub's value sets, which replace the built-in ones of the same id. */
export function factsFromHcert(hcert: unknown, valueSets?: ValueSetOverrides): PersonFacts {
  if (!isRecord(hcert)) return { doses: [], tests: [], quarantine: [] };
  const uncounted: UncountedEntry[] = [];
  /**
   * The first entry of a type is read; any further one (schemas before 1.3.0 allow several)
   * is listed as not counted, because the EU business rules decide on `payload.v.0` (and
   * `t.0`, `r.0`) alone: a certificate must not be greener here than at an EU verifier.
   */
  const counted = <T extends object>(kind: UncountedEntry['kind'], list: unknown[], read: (entry: Json) => Read<T>): T[] =>
    list.flatMap((entry, index) => {
      const result: Read<T> = index > 0 ? { why: 'not-first-entry' } : isRecord(entry) ? read(entry) : { why: 'incomplete' };
      if (!notCounted(result)) return [result];
      uncounted.push({ kind, why: result.why });
      return [];
    });
  const doses = counted('vaccination', entries(hcert, 'v'), (v) => readVaccination(v, valueSets));
  const tests = counted('test', entries(hcert, 't'), (t) => readTest(t, valueSets));
  const recoveryCertificate = counted('recovery', entries(hcert, 'r'), readRecovery)[0];
  return {
    doses,
    tests,
    quarantine: [],
    ...(recoveryCertificate === undefined ? {} : { recoveryCertificate }),
    ...(uncounted.length === 0 ? {} : { notCounted: uncounted }),
  };
}

function readVaccination(v: Json, valueSets: ValueSetOverrides | undefined): Read<VaccinationDose> {
  if (v['tg'] !== COVID_19) return { why: 'disease' };
  if (!inValueSet(valueSetInForce(VACCINE_MEDICINAL_PRODUCT, valueSets), v['mp'])) return { why: 'vaccine-product' };
  // A value-set code Chốt has no course length for (never authorised here) is not a dose either.
  const product = vaccineProductByCode(RENAMED_PRODUCT_CODES[v['mp']] ?? v['mp']);
  if (product === undefined) return { why: 'vaccine-product' };
  if (!inValueSet(valueSetInForce(VACCINE_PROPHYLAXIS, valueSets), v['vp'])) return { why: 'vaccine-type' };
  const date = calendarDate(v['dt']);
  if (!positiveInteger(v['dn']) || date === null) return { why: 'incomplete' };
  return { dose: v['dn'], date, product: product.code, ...(positiveInteger(v['sd']) ? { totalDoses: v['sd'] } : {}) };
}

function readTest(t: Json, valueSets: ValueSetOverrides | undefined): Read<TestResult> {
  if (t['tg'] !== COVID_19) return { why: 'disease' };
  // A code must be in the set in force AND be one whose kind (PCR or rapid) and result Chốt
  // knows: a new test type the hub's set adds is not guessed to be either.
  if (!inValueSet(valueSetInForce(TEST_TYPE, valueSets), t['tt']) || !Object.hasOwn(TEST_TYPE.kinds, t['tt'])) return { why: 'test-type' };
  if (!inValueSet(valueSetInForce(TEST_RESULT, valueSets), t['tr']) || !Object.hasOwn(TEST_RESULT.results, t['tr'])) return { why: 'test-result' };
  const takenAt = typeof t['sc'] === 'string' ? parseIsoInstant(t['sc']) : null;
  if (takenAt === null) return { why: 'incomplete' };
  return {
    takenAt: new Date(takenAt).toISOString(),
    kind: TEST_TYPE.kinds[t['tt']] as TestResult['kind'],
    result: TEST_RESULT.results[t['tr']] as TestResult['result'],
  };
}

function readRecovery(r: Json): Read<RecoveryCertificate> {
  if (r['tg'] !== COVID_19) return { why: 'disease' };
  const [positiveOn, validFrom, validUntil] = [calendarDate(r['fr']), calendarDate(r['df']), calendarDate(r['du'])];
  if (positiveOn === null || validFrom === null || validUntil === null) return { why: 'incomplete' };
  return { positiveOn, validFrom, validUntil };
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
