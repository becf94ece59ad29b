import { randomBytes } from 'node:crypto';
import { STAFF_PIN_PATTERN } from '../../domain/contract/staff-session.js';
import { STAFF_ID_PATTERN, staffListProblem, type HubStaffEntry, type StaffScope } from '../../domain/trust/staff-list.js';
import { DEFAULT_SCRYPT_COST, findByStaffPin, hashStaffPin, type ScryptCost } from '../../platform/staff-pin-hash.js';
import type { HubSigningKey } from '../keys/hub-signing-key.js';
import { publishTrustFile, readPublishedTrustFile } from '../trust/trust-publisher.js';

/** A change `chot hub staff` refuses; the message says why (never a PIN). */
export class HubStaffError extends Error {
  override readonly name = 'HubStaffError';
}

export interface NewHubStaff {
  readonly name: string;
  /** Default: a new random id (`s-` and 8 hex digits). */
  readonly id?: string;
  /** Hashed here; the PIN itself is neither kept nor published. Absent: the member signs in with a badge only. */
  readonly pin?: string;
  readonly scope?: StaffScope;
}

/**
 * The hub's staff list. Its one copy is the published `staff` trust file: each change reads
 * it, changes it and publishes the result as a new signed version, which kiosks install at
 * their next sync — so what the hub shows is exactly what kiosks get.
 */
export class HubStaff {
  constructor(
    private readonly hubDataDir: string,
    private readonly key: HubSigningKey,
    private readonly cost: ScryptCost = DEFAULT_SCRYPT_COST,
    private readonly now: () => number = Date.now,
  ) {}

  list(): readonly HubStaffEntry[] {
    return readPublishedTrustFile(this.hubDataDir, 'staff')?.staff ?? [];
  }

  async add(staff: NewHubStaff): Promise<{ entry: HubStaffEntry; version: number }> {
    const name = staff.name.normalize('NFC').trim();
    const id = staff.id ?? `s-${randomBytes(4).toString('hex')}`;
    if (!STAFF_ID_PATTERN.test(id)) throw new HubStaffError('the staff id must be 1–32 letters, digits, ".", "_" or "-"');
    const list = this.list();
    if (list.some((entry) => entry.id === id)) throw new HubStaffError(`staff id ${id} already exists (chot hub staff remove first)`);
    if (list.some((entry) => entry.name === name)) throw new HubStaffError(`a staff member named ${JSON.stringify(name)} already exists`);
    let pin = {};
    if (staff.pin !== undefined) {
      if (!STAFF_PIN_PATTERN.test(staff.pin)) throw new HubStaffError('the PIN must be 6 to 12 digits');
      // A PIN alone says who signs in: two members with one PIN could not be told apart.
      if ((await findByStaffPin(staff.pin, list)) !== undefined) throw new HubStaffError('another staff member has this PIN: choose another');
      pin = await hashStaffPin(staff.pin, this.cost);
    }
    const entry = {
      id,
      name,
      addedAt: new Date(this.now()).toISOString(),
      ...pin,
      ...(staff.scope === undefined ? {} : { scope: staff.scope }),
    } as HubStaffEntry;
    const version = this.publish([...list, entry]);
    return { entry, version };
  }

  /** Removes the member with this id (or, failing that, the one member of this name); undefined when there is none. */
  remove(idOrName: string): { entry: HubStaffEntry; version: number } | undefined {
    const list = this.list();
    const byName = list.filter((entry) => entry.name === idOrName.normalize('NFC').trim());
    const entry = list.find((candidate) => candidate.id === idOrName) ?? (byName.length === 1 ? byName[0] : undefined);
    if (entry === undefined) return undefined;
    return { entry, version: this.publish(list.filter((candidate) => candidate !== entry)) };
  }

  private publish(staff: readonly HubStaffEntry[]): number {
    // The same check the kiosks make: the hub never publishes a list they would refuse.
    const problem = staffListProblem({ staff });
    if (problem !== undefined) throw new HubStaffError(problem);
    return publishTrustFile(this.hubDataDir, this.key, 'staff', { staff }, this.now()).signed.version;
  }
}
