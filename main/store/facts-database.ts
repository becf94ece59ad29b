import type { SqliteMigration } from '../../platform/sqlite-migrate.js';
import type { AtRestKey } from './at-rest-key.js';
import { openMigratedDatabase, type AtRestOpenOptions, type SqliteDatabase } from './sqlite-database.js';

/**
 * The people and their facts, synced from the hub, in a database file of their own
 * beside `kiosk.sqlite`. SQLite has one write lock per file: a sync's snapshot swap holds
 * it for seconds at 10 million people, and the entry log must commit every verdict before
 * the screen changes — in one file, an entry waited behind a delta (1.2 s measured).
 */
export const FACTS_DATABASE_FILE = 'facts.sqlite';

/** The facts kept in `meta`: the sync watermark, when the facts were last current, a snapshot's resume cursor. */
export const FACTS_META_KEYS = ['facts_seq', 'facts_synced_at', 'facts_snapshot_progress'] as const;

/**
 * The lookup indexes of `person` (in `schema`, when another database is attached). A
 * snapshot swap and the move out of kiosk.sqlite build them once over the finished table:
 * several times faster than keeping them up to date row by row, as old IDs and BHXH
 * numbers arrive in random order.
 */
export function personIndexesSql(schema = 'main'): string {
  return `
    CREATE INDEX ${schema}.person_by_old_id ON person(old_id) WHERE old_id IS NOT NULL;
    CREATE INDEX ${schema}.person_by_bhxh ON person(bhxh) WHERE bhxh IS NOT NULL;
  `;
}

/**
 * Numbered schema migrations of the facts database; append only, like the kiosk's (so the
 * SQL is written out, not built from the helpers above, which may change).
 */
export const FACTS_MIGRATIONS: readonly SqliteMigration<SqliteDatabase>[] = [
  {
    version: 1,
    name: 'people and their facts, as kiosk migration 3 left them',
    sql: `
      -- Keyed by the 12-digit ID as an integer: rowid lookups are the fastest SQLite has.
      -- No names, no addresses: identifiers and facts (the binary of
      -- domain/sync/facts-codec.ts) only.
      CREATE TABLE person (
        id12   INTEGER PRIMARY KEY,
        old_id TEXT,
        facts  BLOB NOT NULL,
        bhxh   TEXT
      ) STRICT;
      CREATE INDEX person_by_old_id ON person(old_id) WHERE old_id IS NOT NULL;
      CREATE INDEX person_by_bhxh ON person(bhxh) WHERE bhxh IS NOT NULL;

      CREATE TABLE meta (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
      ) STRICT;
    `,
  },
];

/**
 * Opens the facts database with the kiosk database's settings (WAL, synchronous=FULL,
 * busy_timeout). The sync writer lowers synchronous while it loads a snapshot's shadow
 * table and raises it again for the swap.
 */
export function openFactsDatabase(file: string, key?: AtRestKey, options: AtRestOpenOptions = {}): SqliteDatabase {
  return openMigratedDatabase(file, FACTS_MIGRATIONS, key, options);
}
