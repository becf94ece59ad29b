import * as fs from 'node:fs';
import { createOwnerOnlyFile, secureOwnerOnlyTree, type OwnerOnlyFileSystem } from '../../domain/storage/owner-only-files.js';

/** node:fs as the owner-only port of the domain. */
export const nodeOwnerOnlyFs: OwnerOnlyFileSystem = { ...fs, platform: process.platform };

/**
 * Makes the kiosk's data directory owner-only at start (kiosk.sqlite, facts.sqlite and
 * their journals, hub.json, trust/, rules/ …): it holds the health facts of a province.
 * An install from before this rule is tightened, and said so once, naming the kiosk's
 * own files only.
 */
export function secureKioskDataDir(dataDir: string, log: (line: string) => void): void {
  const changed = secureOwnerOnlyTree(nodeOwnerOnlyFs, dataDir);
  if (changed.length === 0) return;
  const named = changed.length > 12 ? [...changed.slice(0, 12), '…'] : changed;
  log(`data directory was readable by other users; now owner-only (${changed.length} changed: ${named.join(', ')})`);
}

/** An owner-only file in an owner-only directory (created empty if absent): for SQLite files and what the kiosk writes. */
export function createKioskOwnerOnlyFile(file: string, dir: string): void {
  createOwnerOnlyFile(nodeOwnerOnlyFs, file, dir);
}
