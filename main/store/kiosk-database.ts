import { KIOSK_MIGRATIONS } from './migrations.js';
import type { SqliteMigration } from '../../platform/sqlite-migrate.js';
import { openMigratedDatabase, type SqliteDatabase } from './sqlite-database.js';

export type { SqliteDatabase } from './sqlite-database.js';

/** The entry log's file in the data directory; the people are in FACTS_DATABASE_FILE beside it. */
export const KIOSK_DATABASE_FILE = 'kiosk.sqlite';

/**
 * Opens the kiosk database (`kiosk.sqlite`: the entry log) with WAL and synchronous=FULL,
 * so a committed entry survives a power cut. The people live in their own file
 * (facts-database.ts) since migration 4, so that an entry never waits for a sync to
 * release the write lock.
 */
export function openKioskDatabase(file: string, migrations: readonly SqliteMigration[] = KIOSK_MIGRATIONS): SqliteDatabase {
  return openMigratedDatabase(file, migrations);
}
