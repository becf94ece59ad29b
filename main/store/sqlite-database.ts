import Database from 'better-sqlite3';
import { dirname } from 'node:path';
import { createKioskOwnerOnlyFile } from '../config/data-dir-permissions.js';

export type SqliteDatabase = Database.Database;

/**
 * A numbered schema migration. Lists of them are append only: a migration that has
 * shipped is never edited. Each is tested by migrating a database seeded at the version
 * before it.
 */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
  /**
   * Runs before `sql`, outside its transaction: registers SQL functions a conversion
   * needs, or does work in another database file first (kiosk migration 4). It may run
   * again after a crash, or while another connection migrates, so it must be idempotent.
   * `db.name` is the file the database was opened from.
   */
  readonly setup?: (db: SqliteDatabase) => void;
}

/**
 * Opens a Chốt SQLite database with the settings durability needs — WAL so reads never
 * block the writer, synchronous=FULL so a commit survives a power cut — and migrates it.
 * The kiosk database and the facts database are both opened through here, so they
 * cannot drift apart in how durable they are.
 */
export function openMigratedDatabase(file: string, migrations: readonly Migration[]): SqliteDatabase {
  // Owner only (the facts of a province): created 0600 in a 0700 directory before SQLite
  // opens it, as SQLite gives the -wal and -shm journals the database file's mode.
  if (file !== ':memory:') createKioskOwnerOnlyFile(file, dirname(file));
  const db = new Database(file);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    migrate(db, migrations);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

/** Applies every migration above the database's `user_version`, each in its own transaction. */
export function migrate(db: SqliteDatabase, migrations: readonly Migration[]): number {
  const current = db.pragma('user_version', { simple: true }) as number;
  const newest = migrations.at(-1)?.version ?? 0;
  if (current > newest) {
    throw new Error(`database schema version ${current} is newer than this Chốt (knows up to ${newest}); upgrade Chốt`);
  }
  for (const migration of migrations) {
    if (migration.version <= current) continue;
    migration.setup?.(db);
    db.transaction(() => {
      // Another connection (the sync worker's) may have migrated meanwhile: look again
      // under the write lock, or a conversion would run twice.
      if ((db.pragma('user_version', { simple: true }) as number) >= migration.version) return;
      db.exec(migration.sql);
      db.pragma(`user_version = ${migration.version}`);
    }).immediate();
  }
  return newest;
}
