import type { PersonFacts, QuarantineStatus, TestResult, VaccinationDose } from '../facts/person-facts.js';
import { VACCINE_PRODUCTS } from '../facts/vaccine-products.js';
import { formatIsoDate, isRealDate } from '../time/calendar-date.js';
import { ByteReader, ByteWriter, malformed } from './byte-io.js';

/**
 * A person's facts in compact binary: the body of a sync record and, byte for byte, the
 * kiosk's stored `person.facts` BLOB, so an apply copies bytes instead of re-encoding.
 * Layout in docs/sync-format.md ("Facts"). Unlike the status pass, nothing is dropped:
 * every dose, test and quarantine period is kept, within sane maxima, and the order is
 * kept, so decoding gives back exactly what was encoded (instants in UTC form).
 */
export const FACT_LIMITS = { doses: 32, tests: 512, quarantine: 64, doseNumber: 255, productCodeBytes: 64 } as const;

/**
 * Product numbers on the wire: the status-pass numbers 1–14 (vaccine-products.ts), frozen
 * for format version 1. A product added later travels as its code, so an older kiosk
 * never meets a number it cannot name.
 */
export const SYNC_PRODUCT_INDEX_MAX = 14;
const PRODUCT_INDEX = new Map(VACCINE_PRODUCTS.filter((p) => p.passIndex <= SYNC_PRODUCT_INDEX_MAX).map((p) => [p.code, p.passIndex]));
const PRODUCT_CODE = new Map([...PRODUCT_INDEX].map(([code, index]) => [index, code]));

const DAY_MS = 86_400_000;
const EPOCH_MS = Date.UTC(2020, 0, 1);
/** Dates and instants are kept between 1900-01-01 and 2199-12-31, as calendar-date.ts allows. */
const MIN_DAY = (Date.UTC(1900, 0, 1) - EPOCH_MS) / DAY_MS;
const MAX_DAY = (Date.UTC(2199, 11, 31) - EPOCH_MS) / DAY_MS;
const MIN_MS = MIN_DAY * DAY_MS;
const MAX_MS = (MAX_DAY + 1) * DAY_MS - 1;
const zigzag = (n: number): number => (n >= 0 ? 2 * n : -2 * n - 1);
const unzigzag = (z: number): number => (z % 2 === 0 ? z / 2 : -(z + 1) / 2);
const MAX_DAY_ZZ = Math.max(zigzag(MIN_DAY), zigzag(MAX_DAY));
const MAX_MS_ZZ = Math.max(zigzag(MIN_MS), zigzag(MAX_MS));

function dayOf(isoDate: string): number {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(isoDate);
  const [year, month, day] = match === null ? [0, 0, 0] : [Number(match[1]), Number(match[2]), Number(match[3])];
  if (!isRealDate(year, month, day)) throw new RangeError(`${isoDate} is not a date between 1900 and 2199`);
  return (Date.UTC(year, month - 1, day) - EPOCH_MS) / DAY_MS;
}

function dateOf(day: number): string {
  const d = new Date(EPOCH_MS + day * DAY_MS);
  return formatIsoDate(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate());
}

function instantOf(text: string): number {
  const ms = /^\d{4}-\d{2}-\d{2}T/.test(text) ? Date.parse(text) : NaN;
  if (!(ms - EPOCH_MS >= MIN_MS && ms - EPOCH_MS <= MAX_MS)) throw new RangeError(`${text} is not an ISO 8601 instant between 1900 and 2199`);
  return ms - EPOCH_MS;
}

function count(items: readonly unknown[], limit: number, what: string): number {
  if (items.length > limit) throw new RangeError(`${items.length} ${what} exceed the limit of ${limit}`);
  return items.length;
}

function smallInt(value: number, min: number, what: string): number {
  if (!Number.isInteger(value) || value < min || value > FACT_LIMITS.doseNumber)
    throw new RangeError(`${what} ${value} is not an integer from ${min} to ${FACT_LIMITS.doseNumber}`);
  return value;
}

/** Appends `facts`; throws RangeError for what the format cannot hold (the hub refuses such data at import). */
export function writeFacts(w: ByteWriter, facts: PersonFacts): void {
  w.varint(count(facts.doses, FACT_LIMITS.doses, 'doses'));
  for (const dose of facts.doses) {
    w.varint(zigzag(dayOf(dose.date)));
    const index = PRODUCT_INDEX.get(dose.product);
    if (index !== undefined) w.varint(index);
    else {
      if (!/^[\x20-\x7e]{1,64}$/.test(dose.product))
        throw new RangeError(`product code ${JSON.stringify(dose.product)} is not 1–64 printable ASCII characters`);
      w.varint(0);
      w.u8(dose.product.length);
      for (let i = 0; i < dose.product.length; i++) w.u8(dose.product.charCodeAt(i));
    }
    w.varint(smallInt(dose.dose, 0, 'dose number'));
    w.varint(dose.totalDoses === undefined ? 0 : smallInt(dose.totalDoses, 1, 'doses in full course'));
  }
  w.varint(count(facts.tests, FACT_LIMITS.tests, 'tests'));
  for (const test of facts.tests) {
    w.varint(zigzag(instantOf(test.takenAt)));
    w.u8((test.kind === 'pcr' ? 1 : 0) | (test.result === 'positive' ? 2 : 0));
  }
  w.varint(facts.recoveredOn === undefined ? 0 : zigzag(dayOf(facts.recoveredOn)) + 1);
  w.varint(count(facts.quarantine, FACT_LIMITS.quarantine, 'quarantine periods'));
  for (const q of facts.quarantine) {
    w.u8(q.status === 'F0' ? 0 : 1);
    w.varint(zigzag(dayOf(q.from)));
    w.varint(q.to === undefined ? 0 : zigzag(dayOf(q.to)) + 1);
  }
}

export function encodeFacts(facts: PersonFacts): Uint8Array {
  const w = new ByteWriter(64);
  writeFacts(w, facts);
  return w.toBytes();
}

/** Decodes facts that fill `bytes` exactly; throws SyncError `sync.malformed` otherwise. */
export function decodeFacts(bytes: Uint8Array): PersonFacts {
  const r = new ByteReader(bytes);
  const facts = readFacts(r, true);
  r.finish('facts');
  return facts as PersonFacts;
}

/** Checks facts in `bytes[start, end)` as strictly as decoding would, without building objects. */
export function checkFacts(bytes: Uint8Array, start: number, end: number): void {
  const r = new ByteReader(bytes, start, end);
  readFacts(r, false);
  r.finish('facts');
}

function readFacts(r: ByteReader, build: boolean): PersonFacts | undefined {
  const doses: VaccinationDose[] = [];
  const doseCount = r.varint(FACT_LIMITS.doses);
  for (let i = 0; i < doseCount; i++) {
    const day = unzigzag(r.varint(MAX_DAY_ZZ));
    const index = r.varint(SYNC_PRODUCT_INDEX_MAX);
    let product = index === 0 ? '' : (PRODUCT_CODE.get(index) as string);
    if (index === 0) {
      const length = r.u8();
      if (length < 1 || length > FACT_LIMITS.productCodeBytes) throw malformed(`product code of ${length} bytes`);
      const code = r.take(length);
      for (const byte of code) if (byte < 0x20 || byte > 0x7e) throw malformed('product code is not printable ASCII');
      if (build) product = String.fromCharCode(...code);
    }
    const dose = r.varint(FACT_LIMITS.doseNumber);
    const total = r.varint(FACT_LIMITS.doseNumber);
    if (day < MIN_DAY || day > MAX_DAY) throw malformed(`day ${day} out of range`);
    if (build) doses.push({ dose, date: dateOf(day), product, ...(total === 0 ? {} : { totalDoses: total }) });
  }
  const tests: TestResult[] = [];
  const testCount = r.varint(FACT_LIMITS.tests);
  for (let i = 0; i < testCount; i++) {
    const ms = unzigzag(r.varint(MAX_MS_ZZ));
    const bits = r.u8();
    if (bits > 3 || ms < MIN_MS || ms > MAX_MS) throw malformed('test result out of range');
    if (build) tests.push({ takenAt: new Date(EPOCH_MS + ms).toISOString(), kind: bits & 1 ? 'pcr' : 'rapid', result: bits & 2 ? 'positive' : 'negative' });
  }
  const recovered = r.varint(MAX_DAY_ZZ + 1);
  const recoveredDay = recovered === 0 ? 0 : unzigzag(recovered - 1);
  const quarantine: QuarantineStatus[] = [];
  const quarantineCount = r.varint(FACT_LIMITS.quarantine);
  for (let i = 0; i < quarantineCount; i++) {
    const status = r.u8();
    const from = unzigzag(r.varint(MAX_DAY_ZZ));
    const to = r.varint(MAX_DAY_ZZ + 1);
    const toDay = to === 0 ? 0 : unzigzag(to - 1);
    if (status > 1 || from < MIN_DAY || from > MAX_DAY || toDay < MIN_DAY || toDay > MAX_DAY) throw malformed('quarantine period out of range');
    if (build) quarantine.push({ status: status === 0 ? 'F0' : 'F1', from: dateOf(from), ...(to === 0 ? {} : { to: dateOf(toDay) }) });
  }
  if (recoveredDay < MIN_DAY || recoveredDay > MAX_DAY) throw malformed('recovery date out of range');
  if (!build) return undefined;
  return { doses, tests, ...(recovered === 0 ? {} : { recoveredOn: dateOf(recoveredDay) }), quarantine };
}
