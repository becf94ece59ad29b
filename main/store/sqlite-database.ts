import Database from 'better-sqlite3-multiple-ciphers';
import { closeSync, openSync, readSync } from 'node:fs';
import { dirname } from 'node:path';
import { migrateSqlite, type SqliteMigration } from '../../platform/sqlite-migrate.js';
import { createKioskOwnerOnlyFile } from '../config/data-dir-permissions.js';
import type { AtRestKey } from './at-rest-key.js';
import { applyAtRestKey, encryptDatabaseInPlace } from './database-encryption.js';

export type SqliteDatabase = Database.Database;

/** What a database file holds, by its first 16 bytes: SQLite's magic, or random-looking pages. */
export type SqliteFileState = 'absent' | 'empty' | 'plaintext' | 'encrypted';

const SQLITE_MAGIC = Buffer.from('SQLite format 3\0', 'latin1');

export function sqliteFileState(file: string): SqliteFileState {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return 'absent';
  }
  try {
    const head = Buffer.alloc(SQLITE_MAGIC.length);
    const length = readSync(fd, head, 0, head.length, 0);
    if (length === 0) return 'empty';
    return length === head.length && head.equals(SQLITE_MAGIC) ? 'plaintext' : 'encrypted';
  } finally {
    closeSync(fd);
  }
}

/** An encrypted database and no key: the kiosk does not start (nor start afresh beside it). */
export class DatabaseLockedError extends Error {
  override readonly name = 'DatabaseLockedError';
  constructor(readonly file: string) {
    super(
      `${file} được mã hóa nhưng không có khóa (systemd credential chot-db-key hoặc --db-key-file) / ` +
        `${file} is encrypted and no key was given (the chot-db-key systemd credential or --db-key-file)`,
    );
  }
}

/** The key each connection was opened with: a migration that opens a sibling file (kiosk migration 4) opens it with the same. */
const keys = new WeakMap<SqliteDatabase, AtRestKey>();

export function atRestKeyOf(db: SqliteDatabase): AtRestKey | undefined {
  return keys.get(db);
}

/** Attaches `file` as `schema` with the key `db` was opened with (SQLCipher reads the sibling with the same settings), or as plaintext. */
export function attachSibling(db: SqliteDatabase, file: string, schema: string): void {
  const key = atRestKeyOf(db);
  if (!/^[a-z_]+$/.test(schema)) throw new Error(`not a schema name: ${schema}`);
  if (key === undefined || sqliteFileState(file) === 'plaintext') db.prepare(`ATTACH DATABASE ? AS ${schema} KEY ''`).run(file);
  else db.prepare(`ATTACH DATABASE ? AS ${schema} KEY "x'${key.hex}'"`).run(file);
}

export interface OpenSqliteOptions {
  readonly key?: AtRestKey | undefined;
  readonly readonly?: boolean;
  readonly fileMustExist?: boolean;
}

/**
 * Opens a kiosk database, encrypted or not, without changing it: readers (the sync's snapshot
 * check, the doctor, the CLI) open through here. A plaintext file opens as it is even when a
 * key is given (only the core encrypts, in openMigratedDatabase); an encrypted one needs the key.
 */
export function openKioskSqlite(file: string, options: OpenSqliteOptions = {}): SqliteDatabase {
  const state = file === ':memory:' ? 'empty' : sqliteFileState(file);
  if (state === 'encrypted' && options.key === undefined) throw new DatabaseLockedError(file);
  const db = new Database(file, {
    ...(options.readonly === true ? { readonly: true } : {}),
    ...(options.fileMustExist === true ? { fileMustExist: true } : {}),
  });
  try {
    if (options.key !== undefined && state !== 'plaintext') {
      applyAtRestKey(db, options.key, file);
      keys.set(db, options.key);
    }
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

export interface AtRestOpenOptions {
  /**
   * Encrypt a plaintext file from before in place (crash-safe, database-encryption.ts). Only
   * the kiosk does, as it starts: the rename replaces the file, so a command run beside a
   * kiosk that still writes the plaintext one must never do it (it opens that as it is).
   */
  readonly encryptPlaintext?: boolean;
}

/**
 * Opens a Chốt SQLite database with the settings durability needs — WAL so reads never
 * block the writer, synchronous=FULL so a commit survives a power cut — and migrates it.
 * The kiosk database and the facts database are both opened through here, so they
 * cannot drift apart in how durable they are, nor in how they are encrypted: with a key, a
 * new file is created encrypted, and a plaintext one from before encrypted when asked.
 */
export function openMigratedDatabase(
  file: string,
  migrations: readonly SqliteMigration<SqliteDatabase>[],
  key?: AtRestKey,
  options: AtRestOpenOptions = {},
): SqliteDatabase {
  // Owner only (the facts of a province): created 0600 in a 0700 directory before SQLite
  // opens it, as SQLite gives the -wal and -shm journals the database file's mode.
  if (file !== ':memory:') {
    createKioskOwnerOnlyFile(file, dirname(file));
    if (key !== undefined && options.encryptPlaintext === true && sqliteFileState(file) === 'plaintext') encryptDatabaseInPlace(file, key);
  }
  const db = openKioskSqlite(file, { key });
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
