import type Database from 'better-sqlite3';
import { assertNotNewer, newestVersion, type Migration } from './migration.js';

export type { Migration } from './migration.js';

/**
 * What migrating needs of a connection: better-sqlite3's (the hub) and
 * better-sqlite3-multiple-ciphers' (the kiosk, whose files may be encrypted) both fit.
 */
export type SqliteConnection = Pick<Database.Database, 'pragma' | 'exec' | 'transaction' | 'name'>;

/** A SQLite migration: its SQL, and optionally work that must come before it. */
export interface SqliteMigration<D extends SqliteConnection = Database.Database> extends Migration {
  /**
   * Runs before `sql`, outside its transaction: registers SQL functions a conversion
   * needs, or does work in another database file first (kiosk migration 4). It may run
   * again after a crash, or while another connection migrates, so it must be idempotent.
   * `db.name` is the file the database was opened from.
   */
  readonly setup?: (db: D) => void;
}

/**
 * Applies every migration above the database's `user_version`, each in its own
 * transaction. Several connections may open an old file at once — the kiosk and its sync
 * worker, or `chot hub import` and `chot hub serve` — so each migration takes the write
 * lock first (BEGIN IMMEDIATE) and looks at the version again under it: whoever was second
 * finds the work done, instead of running it twice ("table already exists").
 * `what` names the database in the error a too-new file gets.
 */
export function migrateSqlite<D extends SqliteConnection>(db: D, migrations: readonly SqliteMigration<D>[], what = 'database'): number {
  const current = db.pragma('user_version', { simple: true }) as number;
  assertNotNewer(what, current, migrations);
  for (const migration of migrations) {
    if (migration.version <= current) continue;
    migration.setup?.(db);
    db.transaction(() => {
      if ((db.pragma('user_version', { simple: true }) as number) >= migration.version) return;
      db.exec(migration.sql);
      db.pragma(`user_version = ${migration.version}`);
    }).immediate();
  }
  return newestVersion(migrations);
}
