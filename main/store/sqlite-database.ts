import Database from 'better-sqlite3';
import { dirname } from 'node:path';
import { migrateSqlite, type SqliteMigration } from '../../platform/sqlite-migrate.js';
import { createKioskOwnerOnlyFile } from '../config/data-dir-permissions.js';

export type SqliteDatabase = Database.Database;

/**
 * Opens a Chốt SQLite database with the settings durability needs — WAL so reads never
 * block the writer, synchronous=FULL so a commit survives a power cut — and migrates it.
 * The kiosk database and the facts database are both opened through here, so they
 * cannot drift apart in how durable they are.
 */
export function openMigratedDatabase(file: string, migrations: readonly SqliteMigration[]): SqliteDatabase {
  // Owner only (the facts of a province): created 0600 in a 0700 directory before SQLite
  // opens it, as SQLite gives the -wal and -shm journals the database file's mode.
  if (file !== ':memory:') createKioskOwnerOnlyFile(file, dirname(file));
  const db = new Database(file);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    migrateSqlite(db, migrations);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}
