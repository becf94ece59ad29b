import { randomBytes, scrypt as scryptCallback, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import * as fs from 'node:fs';
import { join } from 'node:path';
import { STAFF_PIN_PATTERN } from '../../domain/contract/staff-session.js';
import { OVERRIDE_LIMITS } from '../../domain/contract/operator-override.js';
import { makeOwnerOnlyDir, OWNER_ONLY_FILE_MODE } from '../../platform/owner-only-files.js';
import { nodeOwnerOnlyFs } from '../config/data-dir-permissions.js';

/**
 * The kiosk's staff PINs: `<data-dir>/staff-pins.json`, owner-only (0600), holding for each
 * staff member a name and a salted slow hash of the PIN — never the PIN. The file says where
 * its list came from (`source: "local"`, written by `chot staff`); a list the hub signs and
 * distributes is meant to be installed BESIDE it (`staff-pins.hub.json`, with its signature),
 * never merged into it, so a sync can replace the hub's list without touching the local one.
 *
 * Why scrypt and these costs: a PIN has at most 10^12 values (10^6 for six digits), so no hash
 * makes a stolen file safe against an offline search; the file's mode keeps it from other
 * users, the core's lock after wrong PINs keeps the screen from being a search, and the slow
 * hash with a salt per entry makes a copied file cost ~0.1 s of work per guess per entry,
 * with no table shared across entries or kiosks. Each entry keeps its own parameters, so a
 * later cost can be raised without breaking the PINs already set.
 */
export const STAFF_PINS_FILE = 'staff-pins.json';
export const STAFF_PINS_FORMAT = 'chot-staff-pins/1';

export interface ScryptCost {
  /** CPU and memory cost (a power of two): 2^15 with r 8 takes 32 MiB and ~0.1 s. */
  readonly N: number;
  readonly r: number;
  readonly p: number;
  readonly keyLength: number;
}

export const DEFAULT_SCRYPT_COST: ScryptCost = { N: 32_768, r: 8, p: 1, keyLength: 32 };
const SALT_BYTES = 16;

export interface StaffPinEntry {
  readonly name: string;
  readonly kdf: { readonly alg: 'scrypt' } & ScryptCost;
  /** base64 */
  readonly salt: string;
  /** base64 */
  readonly hash: string;
  readonly addedAt: string;
}

interface StaffPinsFile {
  readonly format: typeof STAFF_PINS_FORMAT;
  readonly source: 'local';
  readonly staff: readonly StaffPinEntry[];
}

/** A staff file that cannot be read, or a name or PIN `chot staff` refuses; the message says which. */
export class StaffPinError extends Error {
  override readonly name = 'StaffPinError';
}

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/u;

/** A staff name as the entry log writes it in `override_by`: the override's limits on a typed "who". */
export function checkStaffName(raw: string): string {
  const name = raw.normalize('NFC').trim();
  if (name === '') throw new StaffPinError('the staff name is empty');
  if ([...name].length > OVERRIDE_LIMITS.byMaxChars) throw new StaffPinError(`the staff name is longer than ${OVERRIDE_LIMITS.byMaxChars} characters`);
  if (CONTROL.test(name)) throw new StaffPinError('the staff name holds control characters');
  return name;
}

function scrypt(pin: string, salt: Buffer, cost: ScryptCost): Promise<Buffer> {
  // maxmem: twice what N and r need, as node's 32 MiB default is exactly too small for 2^15.
  const options: ScryptOptions = { N: cost.N, r: cost.r, p: cost.p, maxmem: 256 * cost.N * cost.r };
  return new Promise((resolve, reject) => scryptCallback(pin, salt, cost.keyLength, options, (error, key) => (error ? reject(error) : resolve(key))));
}

function isEntry(value: unknown): value is StaffPinEntry {
  if (typeof value !== 'object' || value === null) return false;
  const entry = value as Record<string, unknown>;
  const kdf = entry.kdf as Record<string, unknown> | undefined;
  return (
    typeof entry.name === 'string' &&
    typeof entry.salt === 'string' &&
    typeof entry.hash === 'string' &&
    typeof kdf === 'object' &&
    kdf !== null &&
    kdf.alg === 'scrypt' &&
    [kdf.N, kdf.r, kdf.p, kdf.keyLength].every((n) => typeof n === 'number' && Number.isInteger(n) && n > 0)
  );
}

export class StaffPinStore {
  readonly file: string;

  constructor(
    private readonly dataDir: string,
    private readonly cost: ScryptCost = DEFAULT_SCRYPT_COST,
    private readonly now: () => number = Date.now,
  ) {
    this.file = join(dataDir, STAFF_PINS_FILE);
  }

  /** Every entry; none when the file does not exist (a kiosk with no staff PIN). Read each time: `chot staff` may change it while the kiosk runs. */
  entries(): readonly StaffPinEntry[] {
    let text: string;
    try {
      text = fs.readFileSync(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new StaffPinError(`${STAFF_PINS_FILE} is not valid JSON`);
    }
    const file = parsed as Partial<StaffPinsFile> | null;
    if (file?.format !== STAFF_PINS_FORMAT || !Array.isArray(file.staff) || !file.staff.every(isEntry)) {
      throw new StaffPinError(`${STAFF_PINS_FILE} is not a ${STAFF_PINS_FORMAT} file`);
    }
    return file.staff;
  }

  names(): string[] {
    return this.entries().map((entry) => entry.name);
  }

  /** Adds a staff member. A PIN another member already has is refused: a PIN alone must say who signed in. */
  async add(rawName: string, pin: string): Promise<void> {
    const name = checkStaffName(rawName);
    if (!STAFF_PIN_PATTERN.test(pin)) throw new StaffPinError('the PIN must be 6 to 12 digits');
    const entries = this.entries();
    if (entries.some((entry) => entry.name === name)) throw new StaffPinError(`staff member ${JSON.stringify(name)} already exists (chot staff remove first)`);
    if ((await this.find(pin, entries)) !== undefined) throw new StaffPinError('another staff member has this PIN: choose another');
    const salt = randomBytes(SALT_BYTES);
    const hash = await scrypt(pin, salt, this.cost);
    const entry: StaffPinEntry = {
      name,
      kdf: { alg: 'scrypt', ...this.cost },
      salt: salt.toString('base64'),
      hash: hash.toString('base64'),
      addedAt: new Date(this.now()).toISOString(),
    };
    this.write([...entries, entry]);
  }

  /** Removes a staff member; false when there is none of that name. */
  remove(rawName: string): boolean {
    const name = rawName.normalize('NFC').trim();
    const entries = this.entries();
    const kept = entries.filter((entry) => entry.name !== name);
    if (kept.length === entries.length) return false;
    this.write(kept);
    return true;
  }

  /** The staff member whose PIN this is, if any. Every entry is hashed, so the time says nothing of which matched. */
  async find(pin: string, entries: readonly StaffPinEntry[] = this.entries()): Promise<string | undefined> {
    if (!STAFF_PIN_PATTERN.test(pin)) return undefined;
    let found: string | undefined;
    for (const entry of entries) {
      const expected = Buffer.from(entry.hash, 'base64');
      const actual = await scrypt(pin, Buffer.from(entry.salt, 'base64'), entry.kdf);
      if (actual.length === expected.length && timingSafeEqual(actual, expected) && found === undefined) found = entry.name;
    }
    return found;
  }

  /** Written whole to a new owner-only file, then renamed over the old: a crash leaves one or the other, never half. */
  private write(staff: readonly StaffPinEntry[]): void {
    makeOwnerOnlyDir(nodeOwnerOnlyFs, this.dataDir);
    const body: StaffPinsFile = { format: STAFF_PINS_FORMAT, source: 'local', staff };
    const temp = `${this.file}.${process.pid}.tmp`;
    fs.writeFileSync(temp, `${JSON.stringify(body, null, 2)}\n`, { mode: OWNER_ONLY_FILE_MODE, flag: 'w' });
    // writeFileSync's mode applies only to a file it creates; a stale temp file is tightened too.
    fs.chmodSync(temp, OWNER_ONLY_FILE_MODE);
    fs.renameSync(temp, this.file);
  }
}
