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
