import * as fs from 'node:fs';
import { join } from 'node:path';
import { STAFF_PIN_PATTERN } from '../../domain/contract/staff-session.js';
import { OVERRIDE_LIMITS } from '../../domain/contract/operator-override.js';
import type { StaffPinHash } from '../../domain/trust/staff-list.js';
import { makeOwnerOnlyDir, OWNER_ONLY_FILE_MODE } from '../../platform/owner-only-files.js';
import { DEFAULT_SCRYPT_COST, findByStaffPin, hashStaffPin, type ScryptCost } from '../../platform/staff-pin-hash.js';
import { nodeOwnerOnlyFs } from '../config/data-dir-permissions.js';
import { HubStaffList } from './hub-staff-list.js';

export { DEFAULT_SCRYPT_COST, type ScryptCost };

/**
 * The kiosk's staff PINs: `<data-dir>/staff-pins.json`, owner-only (0600), holding for each
 * staff member a name and a salted slow hash of the PIN — never the PIN (platform/staff-pin-hash.ts
 * says why scrypt). The file says where its list came from (`source: "local"`, written by
 * `chot staff`). The list the hub signs and distributes is installed BESIDE it by the sync
 * (`staff-pins.hub.json`, hub-staff-list.ts), never merged into it, so a sync replaces the
 * hub's list without touching the local one; both count when a PIN is entered.
 *
 * A name in both lists: the LOCAL entry wins and the hub's entry of that name is not used.
 * The local list is set on this very machine by whoever administers it; a list arriving by
 * sync must not let a second PIN (the hub's) act under the name of a person this kiosk
 * already knows, nor change which PIN that name answers to.
 */
export const STAFF_PINS_FILE = 'staff-pins.json';
export const STAFF_PINS_FORMAT = 'chot-staff-pins/1';

export type StaffPinEntry = { readonly name: string; readonly addedAt: string } & StaffPinHash;

/** Who may sign in at this kiosk, from either list: `staffId` only for the hub's staff, `pin` absent for a badge-only member. */
export interface StaffMember {
  readonly name: string;
  readonly source: 'local' | 'hub';
  readonly staffId?: string;
  readonly pin?: StaffPinHash;
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
  private readonly hub: HubStaffList;

  constructor(
    private readonly dataDir: string,
    private readonly cost: ScryptCost = DEFAULT_SCRYPT_COST,
    private readonly now: () => number = Date.now,
  ) {
    this.file = join(dataDir, STAFF_PINS_FILE);
    this.hub = new HubStaffList(dataDir);
  }

  /** Everyone who may sign in here: the local list, then the hub's members for this kiosk whose name is not local (see above). */
  members(): readonly StaffMember[] {
    const local = this.entries().map((entry): StaffMember => ({ name: entry.name, source: 'local', pin: entry }));
    const localNames = new Set(local.map((member) => member.name));
    const hub = this.hub
      .forThisKiosk()
      .filter((entry) => !localNames.has(entry.name))
      .map((entry): StaffMember => ({
        name: entry.name,
        source: 'hub',
        staffId: entry.id,
        ...(entry.hash === undefined ? {} : { pin: { kdf: entry.kdf, salt: entry.salt, hash: entry.hash } }),
      }));
    return [...local, ...hub];
  }

  /** The hub's staff member of this id who may sign in here (a staff badge names one), if any. */
  hubMember(staffId: string): StaffMember | undefined {
    return this.members().find((member) => member.source === 'hub' && member.staffId === staffId);
  }

  /** The local list's entries; none when the file does not exist (a kiosk with no staff PIN). Read each time: `chot staff` may change it while the kiosk runs. */
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
    const entry: StaffPinEntry = { name, ...(await hashStaffPin(pin, this.cost)), addedAt: new Date(this.now()).toISOString() };
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

  /** The name of the local staff member whose PIN this is, if any (`chot staff add` refuses a PIN in use). */
  async find(pin: string, entries: readonly StaffPinEntry[] = this.entries()): Promise<string | undefined> {
    if (!STAFF_PIN_PATTERN.test(pin)) return undefined;
    return (await findByStaffPin(pin, entries))?.name;
  }

  /** The staff member, of either list, whose PIN this is, if any. */
  async findMember(pin: string, members: readonly StaffMember[] = this.members()): Promise<StaffMember | undefined> {
    if (!STAFF_PIN_PATTERN.test(pin)) return undefined;
    return (
      await findByStaffPin(
        pin,
        members.map((member) => ({ ...member.pin, member })),
      )
    )?.member;
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
