import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { staffListProblem, staffScopeIncludes, type HubStaffEntry } from '../../domain/trust/staff-list.js';
import { loadHubConfig } from '../hub-client/hub-config.js';

/**
 * Where the sync installs the hub's signed staff list (trust-file-store.ts), beside the local
 * `staff-pins.json`: the signed document as the hub published it, so it says its version and
 * signature. Only the sync writes it, and only after checking the signature by the pinned hub
 * key and that it is not older than the one installed.
 */
export const HUB_STAFF_FILE = 'staff-pins.hub.json';

/**
 * The hub's staff list as installed on this kiosk, read at each use (a sync may replace it
 * while the kiosk runs), narrowed to the members whose scope includes this kiosk — its device
 * id and location from enrolment (hub.json). A file that is there but unreadable throws: it
 * was meant to hold staff, so the kiosk's staff actions close rather than open.
 */
export class HubStaffList {
  readonly file: string;

  constructor(private readonly dataDir: string) {
    this.file = join(dataDir, HUB_STAFF_FILE);
  }

  forThisKiosk(): readonly HubStaffEntry[] {
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    let document: Record<string, unknown>;
    try {
      document = JSON.parse(text) as Record<string, unknown>;
    } catch {
      throw new Error(`${HUB_STAFF_FILE} is not valid JSON`);
    }
    const problem = typeof document === 'object' && document !== null ? staffListProblem(document) : 'not an object';
    if (problem !== undefined) throw new Error(`${HUB_STAFF_FILE}: ${problem}`);
    const kiosk = this.kiosk();
    return (document.staff as readonly HubStaffEntry[]).filter((entry) => staffScopeIncludes(entry, kiosk));
  }

  private kiosk(): { deviceId?: string; location?: string } {
    try {
      const config = loadHubConfig(this.dataDir);
      return config === undefined ? {} : { deviceId: config.deviceId, location: config.location };
    } catch {
      // A damaged hub.json: no scope can be matched, so only staff of every kiosk count.
      return {};
    }
  }
}
