import Database from 'better-sqlite3-multiple-ciphers';
import { renameSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { AtRestKeyError, type AtRestKey } from './at-rest-key.js';
import { fsyncPath } from '../../platform/fsync-path.js';

/**
 * Page encryption of the kiosk's SQLite files (docs/encryption.md): SQLCipher 4's format
 * (AES-256-CBC, a random IV and an HMAC per page) with the HMAC on SHA-1, so the files open in
 * SQLCipher's own tools with the key and `cipher_hmac_algorithm = HMAC_SHA1`, through SQLite3
 * Multiple Ciphers (better-sqlite3-multiple-ciphers, the same API as better-sqlite3).
 */

type Db = Database.Database;

/** Keys a fresh connection and proves the key opens the file; a wrong key is an AtRestKeyError, not an empty database. */
export function applyAtRestKey(db: Db, key: AtRestKey, file: string): void {
  db.pragma(`cipher = 'sqlcipher'`);
  db.pragma('legacy = 4');
  // The page check is an HMAC under a random 256-bit key: on SHA-1 it is as sound a MAC as on
  // SHA-512 (HMAC needs no collision resistance), and SHA-512 in software made the initial
  // sync of a province 1.55× and a lookup's p99 53 µs, against 1.30× and 49.6 µs on SHA-1
  // (README, "Performance"). SQLCipher 3 used the same; AES runs on AES-NI either way.
  db.pragma('hmac_algorithm = 0');
  // The raw key (x'…'): no passphrase derivation, so opening costs nothing.
  db.pragma(`key = "x'${key.hex}'"`);
  // SQLite3 Multiple Ciphers does not encrypt temporary files: sorts and temporary tables
  // stay in memory, so no plaintext of the facts reaches the disk that way.
  db.pragma('temp_store = MEMORY');
  try {
    db.prepare('SELECT count(*) FROM sqlite_master').get();
  } catch (error) {
    if ((error as { code?: unknown }).code === 'SQLITE_NOTADB') {
      throw new AtRestKeyError(`Khóa ${key.origin} không mở được ${file}`, `the key ${key.origin} does not open ${file} (another kiosk's key?)`);
    }
    throw error;
  }
}

/** The steps of encryptDatabaseInPlace, each a point a power cut may fall after (the kill tests stop there). */
export type EncryptionStep = 'checkpointed' | 'copied' | 'synced' | 'verified' | 'source-closed' | 'renamed';

export interface EncryptInPlaceOptions {
  /** Called after each step; a test's child process kills itself there. */
  readonly afterStep?: (step: EncryptionStep) => void;
}

/** The encrypted copy, beside the file: a leftover from a cut-off run is thrown away and the copy made again. */
export function encryptingCopyOf(file: string): string {
  return `${file}.encrypting`;
}

function removeLeftovers(file: string): void {
  for (const suffix of ['', '-journal', '-wal', '-shm']) rmSync(`${encryptingCopyOf(file)}${suffix}`, { force: true });
}

const quote = (name: string): string => `"${name.replaceAll('"', '""')}"`;

/** Schema objects in the order a copy needs them: tables (filled) before their indexes, triggers and views. */
const SCHEMA_ORDER = `CASE type WHEN 'table' THEN 0 WHEN 'index' THEN 1 WHEN 'view' THEN 2 ELSE 3 END`;

function copyInto(target: Db): void {
  const objects = target
    .prepare(`SELECT type, name, sql FROM src.sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' ORDER BY ${SCHEMA_ORDER}, rowid`)
    .all() as { type: string; name: string; sql: string }[];
  target.transaction(() => {
    for (const object of objects) {
      target.exec(object.sql);
      if (object.type === 'table') target.exec(`INSERT INTO main.${quote(object.name)} SELECT * FROM src.${quote(object.name)}`);
    }
    const hasSequence = target.prepare(`SELECT 1 FROM src.sqlite_master WHERE name = 'sqlite_sequence'`).get() !== undefined;
    if (hasSequence) target.exec('DELETE FROM main.sqlite_sequence; INSERT INTO main.sqlite_sequence SELECT * FROM src.sqlite_sequence');
  })();
  // The version decides which migrations run next: it travels with the data.
  target.pragma(`user_version = ${Number(target.pragma('src.user_version', { simple: true }))}`);
  target.pragma(`application_id = ${Number(target.pragma('src.application_id', { simple: true }))}`);
}

function tableCounts(db: Db, schema: string): string {
  const tables = db.prepare(`SELECT name FROM ${schema}.sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`).all() as {
    name: string;
  }[];
  return tables.map(({ name }) => `${name}=${String((db.prepare(`SELECT count(*) AS n FROM ${schema}.${quote(name)}`).get() as { n: number }).n)}`).join(',');
}

/**
 * Encrypts a plaintext database file where it lies, so that a kill at any moment leaves
 * either the whole plaintext file (and the next start does it again) or the whole encrypted
 * one, never a mix and never a lost entry:
 * 1. the source's WAL is checkpointed into it, and its write lock held, so nothing changes
 *    under the copy;
 * 2. an encrypted copy is written beside it (`….encrypting`, leftovers of a cut-off run
 *    thrown away first), synced, and checked: intact, the same rows in every table;
 * 3. the source is closed (its WAL and shared memory go with it) and the copy renamed over
 *    it, the rename made durable by syncing the directory.
 * The freed blocks of the plaintext file are not wiped (an SSD cannot promise to): docs/encryption.md.
 */
export function encryptDatabaseInPlace(file: string, key: AtRestKey, options: EncryptInPlaceOptions = {}): void {
  const step = options.afterStep ?? ((): void => undefined);
  const copy = encryptingCopyOf(file);
  removeLeftovers(file);
  const source = new Database(file, { fileMustExist: true });
  let sourceOpen = true;
  try {
    source.pragma('busy_timeout = 5000');
    const [checkpoint] = source.pragma('wal_checkpoint(TRUNCATE)') as { busy: number }[];
    if (checkpoint !== undefined && checkpoint.busy !== 0) throw new Error(`cannot encrypt ${file}: another process has it open`);
    source.prepare('BEGIN IMMEDIATE').run();
    step('checkpointed');
    const target = new Database(copy);
    try {
      applyAtRestKey(target, key, copy);
      // An empty key attaches the plaintext file as it is.
      target.prepare(`ATTACH DATABASE ? AS src KEY ''`).run(file);
      copyInto(target);
      step('copied');
      const expected = tableCounts(target, 'src');
      target.exec('DETACH DATABASE src');
      const check = target.pragma('quick_check', { simple: true });
      if (check !== 'ok') throw new Error(`the encrypted copy of ${file} failed its check: ${String(check)}`);
      if (tableCounts(target, 'main') !== expected) throw new Error(`the encrypted copy of ${file} does not hold the same rows`);
    } finally {
      target.close();
    }
    fsyncPath(copy);
    step('synced');
    step('verified');
    source.prepare('ROLLBACK').run();
    source.close();
    sourceOpen = false;
    // The last connection's close removes them; a crashed writer's may be left.
    rmSync(`${file}-wal`, { force: true });
    rmSync(`${file}-shm`, { force: true });
    step('source-closed');
    renameSync(copy, file);
    fsyncPath(dirname(file));
    step('renamed');
  } catch (error) {
    if (sourceOpen) source.close();
    removeLeftovers(file);
    throw error;
  }
}
