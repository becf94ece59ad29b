import type { PersonFacts, QuarantineStatus, TestResult, VaccinationDose } from '../../facts/person-facts.js';
import { vaccineProductByPassIndex, findVaccineProduct } from '../../facts/vaccine-products.js';
import { formatIsoDate } from '../../time/calendar-date.js';
import { hasLetter, visibleText } from '../../text/visible-text.js';
import { STAFF_ID_PATTERN } from '../../trust/staff-list.js';

/**
 * The binary body of a Chốt status pass, version 1 (specified in docs/status-pass.md).
 * Fixed-width big-endian fields, so a pass with facts still fits a version-10 QR code at
 * error-correction level M once signed and base45-encoded.
 */
export const PASS_VERSION = 1;
export const PASS_PREFIX = 'CHOT1:';
/** Signed bytes are this ASCII context followed by the body: a signature cannot be replayed as anything else. */
export const PASS_SIGNING_CONTEXT = 'CHOT-PASS-1';
export const SIGNATURE_BYTES = 64;
export const LIMITS = { doses: 4, tests: 4, quarantine: 2 } as const;

export interface PassBody {
  /** Hex of the first 4 bytes of the signing key's raw Ed25519 public key. */
  readonly keyId: string;
  /** Unix seconds. */
  readonly issuedAt: number;
  readonly expiresAt: number;
  readonly id12: string;
  readonly facts?: PersonFacts;
  /**
   * A staff badge: the hub's staff member of this id (domain/trust/staff-list.ts). Scanned at
   * a kiosk it opens a staff session rather than deciding an entry. Such a pass carries no
   * citizen ID (id12 is all zeros) and no facts.
   */
  readonly staffId?: string;
  /**
   * Who holds the pass, signed, for staff to match against the person in front of them (a
   * printed badge is handed around more easily than a phone). Optional: a pass without it
   * names the person by ID alone, as every pass did before the section existed.
   */
  readonly holder?: PassHolder;
}

/** A pass holder's name and birth year: at least one of the two. */
export interface PassHolder {
  /** NFC, no invisible characters, at least one letter, at most HOLDER_NAME_MAX_BYTES in UTF-8. */
  readonly name?: string;
  readonly birthYear?: number;
}

/**
 * A holder's name is bounded so that the largest pass (full facts section and name) still fits
 * a version-10 QR code at level M: 64 bytes is 21 to 64 letters of a Vietnamese name.
 */
export const HOLDER_NAME_MAX_BYTES = 64;
export const HOLDER_BIRTH_YEARS = { min: 1900, max: 2199 } as const;

/** Why a name cannot go on a pass, or undefined when it can (the issuer normalises it with visibleText first). */
export function holderNameProblem(name: string): string | undefined {
  if (name !== visibleText(name)) return 'a name on a pass is NFC text without control, bidi or invisible characters';
  if (!hasLetter(name)) return 'a name on a pass needs at least one letter';
  if (new TextEncoder().encode(name).length > HOLDER_NAME_MAX_BYTES) return `a name on a pass is at most ${HOLDER_NAME_MAX_BYTES} bytes of UTF-8`;
  return undefined;
}

export function isHolderBirthYear(year: number): boolean {
  return Number.isInteger(year) && year >= HOLDER_BIRTH_YEARS.min && year <= HOLDER_BIRTH_YEARS.max;
}

/** Flag bits of the body's byte 18: each says a section follows, in this order. */
const FLAG_FACTS = 0x80;
const FLAG_STAFF = 0x40;
const FLAG_HOLDER = 0x20;
const NO_BIRTH_YEAR = 0;
/** A staff badge names no person: its id12 field is this. */
export const STAFF_BADGE_ID12 = '000000000000';

const HEADER_BYTES = 19;
const EPOCH_DAY_MS = Date.UTC(2020, 0, 1);
const NO_DAY = 0xffff;
const DAY_MS = 86_400_000;

const toDays = (isoDate: string): number => {
  const days = Math.round((Date.parse(`${isoDate}T00:00:00Z`) - EPOCH_DAY_MS) / DAY_MS);
  if (!(days >= 0 && days < NO_DAY)) throw new RangeError(`${isoDate} is outside the pass's dates (2020–2199)`);
  return days;
};
const fromDays = (days: number): string => {
  const d = new Date(EPOCH_DAY_MS + days * DAY_MS);
  return formatIsoDate(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate());
};

/** Keeps the most recent entries within the pass's limits: older history does not change a colour. */
function latest<T>(items: readonly T[], limit: number, key: (item: T) => string): T[] {
  return [...items].sort((a, b) => key(a).localeCompare(key(b))).slice(-limit);
}

export function encodePassBody(body: PassBody): Uint8Array {
  if (!/^\d{12}$/.test(body.id12)) throw new Error('a pass needs a 12-digit ID');
  if (!/^[0-9a-f]{8}$/.test(body.keyId)) throw new Error('a key id is 8 hex digits');
  const bytes: number[] = [PASS_VERSION];
  for (let i = 0; i < 8; i += 2) bytes.push(parseInt(body.keyId.slice(i, i + 2), 16));
  const u16 = (n: number) => bytes.push((n >>> 8) & 0xff, n & 0xff);
  const u32 = (n: number) => bytes.push((n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff);
  u32(body.issuedAt);
  u32(body.expiresAt);
  const id = Number(body.id12);
  bytes.push(Math.floor(id / 2 ** 32) & 0xff);
  u32(id % 2 ** 32);
  const facts = body.facts;
  const staffId = body.staffId;
  if (staffId !== undefined && (!STAFF_ID_PATTERN.test(staffId) || facts !== undefined || body.id12 !== STAFF_BADGE_ID12))
    throw new Error('a staff badge needs a staff id of 1–32 letters, digits, ".", "_" or "-", and no person ID or facts');
  const holder = body.holder;
  if (holder !== undefined) checkHolder(holder);
  bytes.push((facts === undefined ? 0 : FLAG_FACTS) | (staffId === undefined ? 0 : FLAG_STAFF) | (holder === undefined ? 0 : FLAG_HOLDER));
  if (facts !== undefined) {
    const doses = latest(facts.doses, LIMITS.doses, (d) => `${d.date}${d.dose}`);
    bytes.push(doses.length);
    for (const dose of doses) {
      u16(toDays(dose.date));
      bytes.push(findVaccineProduct(dose.product)?.passIndex ?? 0);
      bytes.push((Math.min(dose.dose, 15) << 4) | Math.min(dose.totalDoses ?? 0, 15));
    }
    const tests = latest(facts.tests, LIMITS.tests, (t) => new Date(t.takenAt).toISOString());
    bytes.push(tests.length);
    for (const test of tests) {
      u32(Math.floor(Date.parse(test.takenAt) / 1000));
      bytes.push((test.kind === 'pcr' ? 1 : 0) | (test.result === 'positive' ? 2 : 0));
    }
    u16(facts.recoveredOn === undefined ? NO_DAY : toDays(facts.recoveredOn));
    const quarantine = latest(facts.quarantine, LIMITS.quarantine, (q) => q.from);
    bytes.push(quarantine.length);
    for (const q of quarantine) {
      bytes.push(q.status === 'F0' ? 0 : 1);
      u16(toDays(q.from));
      u16(q.to === undefined ? NO_DAY : toDays(q.to));
    }
  }
  if (staffId !== undefined) {
    // ASCII by STAFF_ID_PATTERN: one byte a character.
    bytes.push(staffId.length);
    for (const char of staffId) bytes.push(char.charCodeAt(0));
  }
  if (holder !== undefined) {
    const name = new TextEncoder().encode(holder.name ?? '');
    bytes.push(name.length, ...name);
    u16(holder.birthYear ?? NO_BIRTH_YEAR);
  }
  return Uint8Array.from(bytes);
}

function checkHolder(holder: PassHolder): void {
  if (holder.name === undefined && holder.birthYear === undefined) throw new Error('a pass holder section needs a name or a birth year');
  const problem = holder.name === undefined ? undefined : holderNameProblem(holder.name);
  if (problem !== undefined) throw new Error(problem);
  if (holder.birthYear !== undefined && !isHolderBirthYear(holder.birthYear))
    throw new Error(`a birth year on a pass is ${HOLDER_BIRTH_YEARS.min}–${HOLDER_BIRTH_YEARS.max}`);
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** The holder section as read: the name is kept as signed; the display sanitises it (parse-pass.ts). */
function readHolder(u8: () => number, u16: () => number): PassHolder | undefined {
  const length = u8();
  if (length > HOLDER_NAME_MAX_BYTES) return undefined;
  const name = length === 0 ? undefined : strictUtf8.decode(Uint8Array.from({ length }, u8));
  const birthYear = u16();
  if (birthYear !== NO_BIRTH_YEAR && !isHolderBirthYear(birthYear)) return undefined;
  if (name === undefined && birthYear === NO_BIRTH_YEAR) return undefined;
  return { ...(name === undefined ? {} : { name }), ...(birthYear === NO_BIRTH_YEAR ? {} : { birthYear }) };
}

export type DecodedBody = { readonly ok: true; readonly body: PassBody } | { readonly ok: false; readonly code: 'pass.version' | 'pass.malformed' };

/** Strict decoding: every count within its limit, every value in range, no trailing bytes. */
export function decodePassBody(bytes: Uint8Array): DecodedBody {
  if (bytes.length < HEADER_BYTES) return { ok: false, code: 'pass.malformed' };
  if (bytes[0] !== PASS_VERSION) return { ok: false, code: 'pass.version' };
  let at = 1;
  const u8 = (): number => {
    if (at >= bytes.length) throw new RangeError('truncated');
    return bytes[at++] as number;
  };
  const u16 = (): number => (u8() << 8) | u8();
  const u32 = (): number => u16() * 65536 + u16();
  try {
    const keyId = Array.from({ length: 4 }, () => u8().toString(16).padStart(2, '0')).join('');
    const issuedAt = u32();
    const expiresAt = u32();
    const id = u8() * 2 ** 32 + u32();
    if (id > 999_999_999_999 || expiresAt < issuedAt) return { ok: false, code: 'pass.malformed' };
    const flags = u8();
    if ((flags & ~(FLAG_FACTS | FLAG_STAFF | FLAG_HOLDER)) !== 0 || (flags & (FLAG_FACTS | FLAG_STAFF)) === (FLAG_FACTS | FLAG_STAFF))
      return { ok: false, code: 'pass.malformed' };
    let facts: PersonFacts | undefined;
    if ((flags & FLAG_FACTS) !== 0) {
      const doses: VaccinationDose[] = [];
      const doseCount = u8();
      if (doseCount > LIMITS.doses) return { ok: false, code: 'pass.malformed' };
      for (let i = 0; i < doseCount; i++) {
        const date = fromDays(u16());
        const product = u8();
        const numbers = u8();
        const known = vaccineProductByPassIndex(product);
        const total = numbers & 0x0f;
        doses.push({ dose: numbers >> 4, date, product: known?.code ?? 'other', ...(total === 0 ? {} : { totalDoses: total }) });
      }
      const tests: TestResult[] = [];
      const testCount = u8();
      if (testCount > LIMITS.tests) return { ok: false, code: 'pass.malformed' };
      for (let i = 0; i < testCount; i++) {
        const takenAt = new Date(u32() * 1000).toISOString();
        const bits = u8();
        if (bits > 3) return { ok: false, code: 'pass.malformed' };
        tests.push({ takenAt, kind: bits & 1 ? 'pcr' : 'rapid', result: bits & 2 ? 'positive' : 'negative' });
      }
      const recovered = u16();
      const quarantine: QuarantineStatus[] = [];
      const quarantineCount = u8();
      if (quarantineCount > LIMITS.quarantine) return { ok: false, code: 'pass.malformed' };
      for (let i = 0; i < quarantineCount; i++) {
        const status = u8();
        if (status > 1) return { ok: false, code: 'pass.malformed' };
        const from = fromDays(u16());
        const to = u16();
        quarantine.push({ status: status === 0 ? 'F0' : 'F1', from, ...(to === NO_DAY ? {} : { to: fromDays(to) }) });
      }
      facts = { doses, tests, quarantine, ...(recovered === NO_DAY ? {} : { recoveredOn: fromDays(recovered) }) };
    }
    let staffId: string | undefined;
    if ((flags & FLAG_STAFF) !== 0) {
      const length = u8();
      staffId = String.fromCharCode(...Array.from({ length }, u8));
      if (!STAFF_ID_PATTERN.test(staffId) || id !== 0) return { ok: false, code: 'pass.malformed' };
    }
    let holder: PassHolder | undefined;
    if ((flags & FLAG_HOLDER) !== 0) {
      holder = readHolder(u8, u16);
      if (holder === undefined) return { ok: false, code: 'pass.malformed' };
    }
    if (at !== bytes.length) return { ok: false, code: 'pass.malformed' };
    return {
      ok: true,
      body: {
        keyId,
        issuedAt,
        expiresAt,
        id12: String(id).padStart(12, '0'),
        ...(facts === undefined ? {} : { facts }),
        ...(staffId === undefined ? {} : { staffId }),
        ...(holder === undefined ? {} : { holder }),
      },
    };
  } catch {
    return { ok: false, code: 'pass.malformed' };
  }
}

/** The bytes a hub signs and a kiosk verifies. */
export function signedBytes(body: Uint8Array): Uint8Array {
  const context = new TextEncoder().encode(PASS_SIGNING_CONTEXT);
  const out = new Uint8Array(context.length + body.length);
  out.set(context);
  out.set(body, context.length);
  return out;
}
