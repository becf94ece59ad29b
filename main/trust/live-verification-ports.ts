import { statSync } from 'node:fs';
import { join } from 'node:path';
import type { VerificationContext } from '../../domain/credentials/verification.js';
import { messageOf } from '../../platform/message-of.js';
import { ReloadableHubKeys } from './hub-key-store.js';
import { readPinnedHubKeys } from './hub-keys-file.js';
import { HUB_DCC_SCHEMAS_FILE, HUB_DCC_TRUST_LIST_FILE, HUB_DCC_VALUE_SETS_FILE, loadVerificationPorts, type VerificationPorts } from './kiosk-trust.js';

/** The files whose change means the DCC trust a running kiosk holds is out of date: what the sync writes. */
const WATCHED = [HUB_DCC_TRUST_LIST_FILE, HUB_DCC_SCHEMAS_FILE, HUB_DCC_VALUE_SETS_FILE];

/**
 * A running kiosk's verification ports, reloaded when the sync has installed a new hub DCC
 * trust file — by this process's sync loop or by a `chot sync` run beside it, so it is the
 * files that are watched, not an event. Each scan asks `current()`, which costs three stat
 * calls when nothing changed; a change is read and the schemas compiled at once, on the scan
 * that sees it. Files that cannot be read (a half-written hand-placed file) keep the ports
 * in force and say why once: a kiosk must not stop trusting everything because of one file.
 * The pinned hub keys change only by an act of this process (an enrolment by QR pins one),
 * which says so with `reloadHubKeys()`.
 */
export class LiveVerificationPorts {
  private ports: VerificationPorts;
  private stamp: string;
  private readonly hubKeys: ReloadableHubKeys;

  constructor(
    private readonly dataDir: string,
    private readonly onReloadFailed: (message: string) => void = () => undefined,
  ) {
    this.stamp = this.filesStamp();
    this.ports = loadVerificationPorts({ dataDir });
    // Compile the DCC schemas at start, not at the first DCC scanned.
    this.ports.dccSchemas?.compileAll();
    this.hubKeys = new ReloadableHubKeys(this.ports.hubKeys ?? { byKeyId: () => undefined }, () => readPinnedHubKeys(dataDir));
  }

  reloadHubKeys(): void {
    this.hubKeys.reload();
  }

  current(): Omit<VerificationContext, 'now'> & { readonly hubKeys: ReloadableHubKeys } {
    const stamp = this.filesStamp();
    if (stamp !== this.stamp) {
      this.stamp = stamp;
      try {
        const ports = loadVerificationPorts({ dataDir: this.dataDir });
        ports.dccSchemas?.compileAll();
        this.ports = ports;
      } catch (error) {
        this.onReloadFailed(`the DCC trust files changed but cannot be read, the ones loaded before stay in force: ${messageOf(error)}`);
      }
    }
    return { ...this.ports, hubKeys: this.hubKeys };
  }

  private filesStamp(): string {
    return WATCHED.map((relative) => {
      try {
        const stat = statSync(join(this.dataDir, relative));
        return `${stat.mtimeMs}:${stat.size}:${stat.ino}`;
      } catch {
        return '-';
      }
    }).join('|');
  }
}
