import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { TrustFileHeld } from '../../domain/contract/trust-files-held.js';
import { TRUST_FILE_KINDS } from '../../domain/trust/signed-trust-file.js';

/** The signed documents as installed, one per kind (`trust/hub/<kind>.json`): what the kiosk holds and at which version. */
export const INSTALLED_TRUST_DIR = join('trust', 'hub');

/**
 * Which version of each kind the kiosk holds, from the records the sync writes. The screen
 * asks every few seconds and a DSC list can be megabytes: a record is read again only when
 * its file changed (a new inode: the sync renames a new one over it).
 */
export class InstalledTrustFiles {
  private readonly cache = new Map<string, { readonly stamp: string; readonly held: TrustFileHeld | undefined }>();

  constructor(private readonly dataDir: string) {}

  held(): TrustFileHeld[] {
    return TRUST_FILE_KINDS.flatMap((kind) => {
      const held = this.read(kind);
      return held === undefined ? [] : [held];
    });
  }

  private read(kind: string): TrustFileHeld | undefined {
    const file = join(this.dataDir, INSTALLED_TRUST_DIR, `${kind}.json`);
    let stamp: string;
    try {
      const stat = statSync(file);
      stamp = `${stat.ino}:${stat.mtimeMs}:${stat.size}`;
    } catch {
      return undefined;
    }
    const cached = this.cache.get(kind);
    if (cached?.stamp === stamp) return cached.held;
    let held: TrustFileHeld | undefined;
    try {
      const record = JSON.parse(readFileSync(file, 'utf8')) as { version?: unknown; issuedAt?: unknown };
      held =
        Number.isSafeInteger(record.version) && typeof record.issuedAt === 'string'
          ? { kind, version: record.version as number, issuedAt: record.issuedAt }
          : undefined;
    } catch {
      // A damaged record shows as not held; the next good document the sync installs replaces it.
      held = undefined;
    }
    this.cache.set(kind, { stamp, held });
    return held;
  }
}
