import BetterSqlite3 from 'better-sqlite3';
import MultipleCiphers from 'better-sqlite3-multiple-ciphers';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { loadAtRestKey, type AtRestKey } from '../../../main/store/at-rest-key.js';
import type { SqliteDatabase } from '../../../main/store/sqlite-database.js';

/**
 * The three ways the encryption benchmark opens the same kiosk databases:
 * - `unencrypted`: the kiosk's own path (better-sqlite3-multiple-ciphers) without a key;
 * - `encrypted`: the same path with an at-rest key (SQLCipher 4 pages);
 * - `better-sqlite3`: the plain library the kiosk used before, on the unencrypted file,
 *   to show what the cipher-capable build costs when no key is given.
 */
export type DatabaseVariant = 'unencrypted' | 'encrypted' | 'better-sqlite3';

export const DATABASE_VARIANTS: readonly DatabaseVariant[] = ['unencrypted', 'encrypted', 'better-sqlite3'];

/** A key file as an operator would provide it (64 hex digits, mode 0600), read back through the kiosk's own loader. */
export function writeBenchKeyFile(dir: string): { readonly file: string; readonly key: AtRestKey } {
  const file = join(dir, 'chot-db.key');
  writeFileSync(file, `${randomBytes(32).toString('hex')}\n`, { mode: 0o600 });
  const key = loadAtRestKey({ keyFile: file, env: {} });
  if (key === undefined) throw new Error(`no key read from ${file}`);
  return { file, key };
}

/** The per-connection settings openMigratedDatabase gives the kiosk's connections; journal_mode (WAL) is kept in the file. */
const CONNECTION_PRAGMAS = ['synchronous', 'foreign_keys', 'busy_timeout'] as const;

/**
 * Opens `file`, already created and migrated by the kiosk's own connection `like`, with
 * better-sqlite3 and the same connection settings, read off `like` so the two cannot drift.
 * better-sqlite3-multiple-ciphers is a fork with the same API, so the kiosk's stores take
 * the connection as they are (the cast is for the two packages' separate type declarations).
 */
export function openWithBetterSqlite3(file: string, like: SqliteDatabase): SqliteDatabase {
  const db = new BetterSqlite3(file, { fileMustExist: true });
  for (const pragma of CONNECTION_PRAGMAS) db.pragma(`${pragma} = ${Number(like.pragma(pragma, { simple: true }))}`);
  const journal = String(db.pragma('journal_mode', { simple: true }));
  if (journal !== 'wal') throw new Error(`${file} is not in WAL mode (${journal}): not the kiosk's settings`);
  return db as unknown as SqliteDatabase;
}

/** Both libraries' package and SQLite versions, for the run's log: the comparison is only fair on the same SQLite. */
export function libraryVersions(): string {
  const require = createRequire(import.meta.url);
  const describe = (name: string, Database: new (file: string) => { prepare(sql: string): { pluck(): { get(): unknown } }; close(): void }): string => {
    const db = new Database(':memory:');
    try {
      const { version } = require(`${name}/package.json`) as { version: string };
      return `${name} ${version} (SQLite ${String(db.prepare('SELECT sqlite_version()').pluck().get())})`;
    } finally {
      db.close();
    }
  };
  return [describe('better-sqlite3', BetterSqlite3), describe('better-sqlite3-multiple-ciphers', MultipleCiphers)].join(', ');
}
