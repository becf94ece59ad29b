import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { HubStorage } from './hub-storage.js';
import { PgHubStorage } from './pg-hub-storage.js';
import { HUB_SQLITE_FILE, SqliteHubStorage } from './sqlite-hub-storage.js';

/** Where a hub keeps its people and facts: `--data DIR` (embedded SQLite) or `--pg URL`. */
export type HubStorageLocation = { readonly dataDir: string } | { readonly pgUrl: string };

export async function openHubStorage(location: HubStorageLocation): Promise<HubStorage> {
  if ('pgUrl' in location) return PgHubStorage.open(location.pgUrl);
  return SqliteHubStorage.open(join(location.dataDir, HUB_SQLITE_FILE));
}

/** Names the store for messages, without the password a PostgreSQL URL may carry. */
export function describeHubStorage(location: HubStorageLocation): string {
  if (!('pgUrl' in location)) return join(location.dataDir, HUB_SQLITE_FILE);
  try {
    const url = new URL(location.pgUrl);
    if (url.password !== '') url.password = '***';
    return url.toString();
  } catch {
    return 'PostgreSQL';
  }
}

/**
 * Commands that list or change what a hub holds need one that exists: a mistyped --data must
 * say so, not create an empty hub and report that it has nothing. (PostgreSQL: the server says.)
 */
export function assertHubStorageExists(location: HubStorageLocation): void {
  if ('dataDir' in location && !existsSync(join(location.dataDir, HUB_SQLITE_FILE))) {
    throw new Error(`no hub database at ${describeHubStorage(location)}: check --data (or give --pg URL)`);
  }
}
