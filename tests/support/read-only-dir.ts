import { execFileSync } from 'node:child_process';
import { chmodSync } from 'node:fs';
import { requireSystemPackage } from './system-package.js';

/**
 * Makes a directory refuse new files, for this process too, and returns how to undo it. A
 * chmod does not stop root (the CI container runs as root), so root sets the immutable
 * attribute instead (chattr, e2fsprogs; the file system must support it, as ext4 does).
 */
export function makeDirReadOnly(dir: string): () => void {
  if (process.getuid?.() === 0) {
    requireSystemPackage('e2fsprogs');
    execFileSync('chattr', ['+i', dir]);
    return () => execFileSync('chattr', ['-i', dir]);
  }
  chmodSync(dir, 0o500);
  return () => chmodSync(dir, 0o700);
}
