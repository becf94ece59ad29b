import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { KIOSK_MIGRATIONS, type Migration } from './migrations.js';

export type SqliteDatabase = Database.Database;

/**
 * Opens the kiosk database with the settings durability needs: WAL so reads never
 * block the writer, and synchronous=FULL so a committed entry survives a power cut.
 */
export function openKioskDatabase(file: string, migrations: readonly Migration[] = KIOSK_MIGRATIONS): SqliteDatabase {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
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
