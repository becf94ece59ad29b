import { KIOSK_MIGRATIONS } from './migrations.js';
import type { SqliteMigration } from '../../platform/sqlite-migrate.js';
import type { AtRestKey } from './at-rest-key.js';
import { openMigratedDatabase, type AtRestOpenOptions, type SqliteDatabase } from './sqlite-database.js';

export type { SqliteDatabase } from './sqlite-database.js';

/** The entry log's file in the data directory; the people are in FACTS_DATABASE_FILE beside it. */
export const KIOSK_DATABASE_FILE = 'kiosk.sqlite';

export interface KioskDatabaseOptions extends AtRestOpenOptions {
  /** Tests of a migration open an older schema; the kiosk always opens the newest. */
  readonly migrations?: readonly SqliteMigration<SqliteDatabase>[];
}

/**
 * Opens the kiosk database (`kiosk.sqlite`: the entry log) with WAL and synchronous=FULL,
 * so a committed entry survives a power cut. The people live in their own file
 * (facts-database.ts) since migration 4, so that an entry never waits for a sync to
 * release the write lock. `key`: the at-rest key (docs/encryption.md).
 */
export function openKioskDatabase(file: string, key?: AtRestKey, options: KioskDatabaseOptions = {}): SqliteDatabase {
  return openMigratedDatabase(file, options.migrations ?? KIOSK_MIGRATIONS, key, options);
}
