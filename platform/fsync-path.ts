import { closeSync, fsyncSync, openSync } from 'node:fs';

/**
 * Makes a file's content, or a directory's entries (a rename, a new link), durable: what a
 * crash-safe replace needs between its steps. Opened read-only, which fsync allows on Linux.
 */
export function fsyncPath(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
