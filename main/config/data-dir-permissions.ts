import * as fs from 'node:fs';
import { createOwnerOnlyFile, secureOwnerOnlyTree, type OwnerOnlyFileSystem } from '../../platform/owner-only-files.js';

/** node:fs as the owner-only port of the domain. */
export const nodeOwnerOnlyFs: OwnerOnlyFileSystem = { ...fs, platform: process.platform };

/**
 * Makes the kiosk's data directory owner-only at start (kiosk.sqlite, facts.sqlite and
 * their journals, hub.json, trust/, rules/ …): it holds the health facts of a province.
 * An install from before this rule is tightened, and said so once, naming the kiosk's
 * own files only.
 */
export function secureKioskDataDir(dataDir: string, log: (line: string) => void): void {
  const { changed, failed } = secureOwnerOnlyTree(nodeOwnerOnlyFs, dataDir);
  const named = (paths: readonly string[]): string => (paths.length > 12 ? [...paths.slice(0, 12), '…'] : paths).join(', ');
  if (changed.length > 0) log(`data directory was readable by other users; now owner-only (${changed.length} changed: ${named(changed)})`);
  if (failed.length > 0) log(`data directory: cannot make ${failed.length} path(s) owner-only (${named(failed)}): change their owner or permissions by hand`);
}

/** An owner-only file in an owner-only directory (created empty if absent): for SQLite files and what the kiosk writes. */
export function createKioskOwnerOnlyFile(file: string, dir: string): void {
  createOwnerOnlyFile(nodeOwnerOnlyFs, file, dir);
}
