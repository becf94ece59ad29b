import type Database from 'better-sqlite3';
import type pg from 'pg';

/**
 * The admin token table, for both engines. It belongs in the numbered migrations
 * (sqlite-migrations.ts, pg-migrations.ts) as the next version; until it is wired in there,
 * `ensureAdminTokenTable*` create it when a storage opens. `IF NOT EXISTS` on purpose: a
 * database that got the table from these functions must take the numbered migration too.
 *
 * Only the SHA-256 of a token is kept (a copy of the database lets nobody call the admin
 * API). Names are unique for ever, revoked and expired tokens included: the request log
 * names the token, so a name must always mean the same token.
 */
export const ADMIN_TOKEN_SQLITE_SQL = `
  CREATE TABLE IF NOT EXISTS admin_token (
    label      TEXT PRIMARY KEY, -- the token's name (a column called name would look like personal data)
    token_hash TEXT NOT NULL UNIQUE CHECK (length(token_hash) = 64), -- hex SHA-256 of the token
    created_at INTEGER NOT NULL, -- epoch milliseconds
    expires_at INTEGER NOT NULL, -- epoch milliseconds
    revoked_at INTEGER           -- epoch milliseconds; NULL while usable
  ) STRICT;
`;

export const ADMIN_TOKEN_PG_SQL = `
  CREATE TABLE IF NOT EXISTS admin_token (
    label      text PRIMARY KEY, -- the token's name (a column called name would look like personal data)
    token_hash text NOT NULL UNIQUE CHECK (length(token_hash) = 64), -- hex SHA-256 of the token
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    revoked_at timestamptz           -- NULL while usable
  );
`;

/**
 * Creates the table in a migrated SQLite hub database if it lacks it. Looks first, so that
 * a process opening an existing hub (the build workers, the CLI) never takes the write lock,
 * which an import may hold for minutes.
 */
export function ensureAdminTokenTable(db: Database.Database): void {
  const present = db.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'admin_token'").get();
  if (present === undefined) db.exec(ADMIN_TOKEN_SQLITE_SQL);
}

/** Serialises concurrent creators (two hub processes starting at once), as the migrator's lock does. */
const ADMIN_TOKEN_LOCK = 0x43686f75;

/** Creates the table in a migrated PostgreSQL hub database if it lacks it. */
export async function ensureAdminTokenTablePg(client: pg.ClientBase): Promise<void> {
  const { rows } = await client.query<{ present: boolean }>("SELECT to_regclass('admin_token') IS NOT NULL AS present");
  if (rows[0]?.present === true) return;
  await client.query('BEGIN');
  try {
    // Without the lock, two concurrent CREATE TABLE IF NOT EXISTS can still collide in pg_type.
    await client.query('SELECT pg_advisory_xact_lock($1)', [ADMIN_TOKEN_LOCK]);
    await client.query(ADMIN_TOKEN_PG_SQL);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  }
}
