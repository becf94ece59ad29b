import { OVERRIDE_LIMITS } from '../contract/operator-override.js';

/**
 * The `staff` trust file's content: the staff the hub lets sign in at its kiosks, each with a
 * stable id (what a staff badge names), a display name (what the entry log's `by` says), and
 * optionally a PIN kept as a salted scrypt hash in the same fields as a kiosk's own
 * `staff-pins.json` entry — the PIN itself is never stored or sent. A staff member without a
 * PIN signs in with a badge only. A scope limits where: absent, every kiosk of the hub.
 */
export interface ScryptParameters {
  readonly alg: 'scrypt';
  /** CPU and memory cost, a power of two. */
  readonly N: number;
  readonly r: number;
  readonly p: number;
  readonly keyLength: number;
}

/** A salted slow hash of a PIN: the kdf's parameters, the salt and the hash (base64). */
export interface StaffPinHash {
  readonly kdf: ScryptParameters;
  readonly salt: string;
  readonly hash: string;
}

export interface StaffScope {
  /** Kiosk device ids (as enrolment gave them). */
  readonly kiosks?: readonly string[];
  /** Locations, as the hub named them at enrolment. */
  readonly locations?: readonly string[];
}

export type HubStaffEntry = {
  readonly id: string;
  readonly name: string;
  readonly addedAt: string;
  /** Absent: every kiosk. Present: only the kiosks listed or at the locations listed. */
  readonly scope?: StaffScope;
} & (StaffPinHash | { readonly kdf?: undefined; readonly salt?: undefined; readonly hash?: undefined });

/** A staff id: short, printable ASCII, so it fits a badge and a log line and cannot be confused with a name. */
export const STAFF_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$/;
/** A province's staff fit many times over; the bound keeps a kiosk from hashing without end. */
export const MAX_HUB_STAFF = 5_000;
const MAX_SCOPE_ITEMS = 1_000;

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/u;

const isStringList = (value: unknown): value is readonly string[] =>
  Array.isArray(value) && value.length <= MAX_SCOPE_ITEMS && value.every((item) => typeof item === 'string' && item !== '');

const positiveInteger = (value: unknown): boolean => typeof value === 'number' && Number.isSafeInteger(value) && value > 0;

function pinProblem(entry: Readonly<Record<string, unknown>>): string | undefined {
  const present = ['kdf', 'salt', 'hash'].filter((field) => entry[field] !== undefined);
  if (present.length === 0) return undefined;
  if (present.length !== 3) return 'has part of a PIN hash (kdf, salt and hash go together)';
  const kdf = entry.kdf as Record<string, unknown> | null;
  if (typeof kdf !== 'object' || kdf === null || kdf.alg !== 'scrypt') return 'kdf is not scrypt';
  if (![kdf.N, kdf.r, kdf.p, kdf.keyLength].every(positiveInteger)) return 'kdf parameters are not positive integers';
  // A hub key holder could otherwise make every kiosk spend gigabytes on one sign-in.
  if ((kdf.N as number) > 2 ** 20 || (kdf.r as number) > 16 || (kdf.p as number) > 4 || (kdf.keyLength as number) > 64)
    return 'kdf parameters are beyond the kiosk’s limits';
  if (typeof entry.salt !== 'string' || typeof entry.hash !== 'string') return 'salt or hash is not a string';
  return undefined;
}

/** Undefined when `document.staff` is a valid staff list, else what is wrong (ids and positions only: no names in a log). */
export function staffListProblem(document: Readonly<Record<string, unknown>>): string | undefined {
  const staff = document.staff;
  if (!Array.isArray(staff)) return 'staff is not a list';
  if (staff.length > MAX_HUB_STAFF) return `${staff.length} staff, more than ${MAX_HUB_STAFF}`;
  const ids = new Set<string>();
  for (const [index, value] of staff.entries()) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return `staff ${index} is not an object`;
    const entry = value as Readonly<Record<string, unknown>>;
    if (typeof entry.id !== 'string' || !STAFF_ID_PATTERN.test(entry.id)) return `staff ${index}: id is not 1–32 letters, digits, ".", "_" or "-"`;
    if (ids.has(entry.id)) return `staff ${index}: id ${entry.id} twice`;
    ids.add(entry.id);
    const name = entry.name;
    if (typeof name !== 'string' || name.trim() === '' || [...name].length > OVERRIDE_LIMITS.byMaxChars || CONTROL.test(name))
      return `staff ${entry.id}: name is not 1–${OVERRIDE_LIMITS.byMaxChars} printable characters`;
    if (typeof entry.addedAt !== 'string' || Number.isNaN(Date.parse(entry.addedAt))) return `staff ${entry.id}: addedAt is not a time`;
    const pin = pinProblem(entry);
    if (pin !== undefined) return `staff ${entry.id}: ${pin}`;
    if (entry.scope !== undefined) {
      const scope = entry.scope as Record<string, unknown> | null;
      if (typeof scope !== 'object' || scope === null) return `staff ${entry.id}: scope is not an object`;
      if (scope.kiosks !== undefined && !isStringList(scope.kiosks)) return `staff ${entry.id}: scope.kiosks is not a list of ids`;
      if (scope.locations !== undefined && !isStringList(scope.locations)) return `staff ${entry.id}: scope.locations is not a list of names`;
    }
  }
  return undefined;
}

/** Whether a staff member may sign in at the kiosk `deviceId` at `location` (undefined: a kiosk not enrolled, which only unscoped staff reach). */
export function staffScopeIncludes(entry: HubStaffEntry, kiosk: { readonly deviceId?: string; readonly location?: string }): boolean {
  if (entry.scope === undefined) return true;
  const byKiosk = kiosk.deviceId !== undefined && (entry.scope.kiosks ?? []).includes(kiosk.deviceId);
  const byLocation = kiosk.location !== undefined && (entry.scope.locations ?? []).includes(kiosk.location);
  return byKiosk || byLocation;
}
