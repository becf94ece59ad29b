import { hostname } from 'node:os';
import { join } from 'node:path';
import { SNAPSHOT_CACHE_DIR } from './snapshot-files.js';

export interface InstanceCacheDir {
  readonly dir: string;
  /** True when no later process can find this directory again: remove it when stopping. */
  readonly removeOnClose: boolean;
}

/**
 * Where this process builds its snapshots by default. The snapshot cache belongs to one
 * process: at its start it deletes every file no index of its own names (snapshot-files.ts),
 * so two processes building into one directory would delete each other's builds.
 *
 * The embedded SQLite hub is one process: `<data>/cache/snapshots`, as it always was.
 * Processes sharing a PostgreSQL database usually share the data directory too (one key,
 * one rules folder): each builds into `<data>/cache/snapshots/<host>-<port>`, the same name
 * again after a restart, so its cache survives one. A process on a port the system chose
 * (port 0) cannot be found again by its next start: its directory is named by its process
 * id and removed when it stops.
 */
export function defaultSnapshotCacheDir(dataDir: string, sharedStorage: boolean, port: number): InstanceCacheDir {
  const base = join(dataDir, SNAPSHOT_CACHE_DIR);
  if (!sharedStorage) return { dir: base, removeOnClose: false };
  // A host name is the operator's, but it becomes a path here: nothing but a plain file name.
  const host = hostname().replace(/[^A-Za-z0-9._-]/g, '_') || 'host';
  if (port !== 0) return { dir: join(base, `${host}-${port}`), removeOnClose: false };
  return { dir: join(base, `${host}-pid${process.pid}`), removeOnClose: true };
}
