import type Database from 'better-sqlite3';

/**
 * Numbered schema migrations of the hub's SQLite database. Append only: a migration that
 * has shipped is never edited. (The hub may not import main/, so it keeps its own small
 * runner, the same shape as the kiosk's.)
 */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

export const HUB_SQLITE_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'people, facts per kind and the change feed',
    sql: `
      -- Identifiers only, no names or addresses. id12 as an integer: the rowid, the fastest
      -- key SQLite has, and the snapshot's order. seq: the change set that last changed the
      -- person (the change feed).
      CREATE TABLE person (
        id12   INTEGER PRIMARY KEY,
        old_id TEXT,
        bhxh   TEXT,
        seq    INTEGER NOT NULL
      ) STRICT;
      -- The delta's index: the people changed after a sequence, without reading the other
      -- ten million. An index entry carries the rowid, so this is really (seq, id12).
      -- Snapshot pages need none: they walk the primary key.
      CREATE INDEX person_by_seq ON person(seq);

      -- Facts, one table per kind, clustered by person (WITHOUT ROWID) so that one page of
      -- people reads neighbouring rows.
      CREATE TABLE vaccination (
        id12     INTEGER NOT NULL,
        dose     INTEGER NOT NULL,
        given_on TEXT NOT NULL,
        product  TEXT NOT NULL,
        PRIMARY KEY (id12, dose)
      ) STRICT, WITHOUT ROWID;
      CREATE TABLE test_result (
        id12     INTEGER NOT NULL,
        taken_at INTEGER NOT NULL, -- epoch milliseconds
        kind     TEXT NOT NULL CHECK (kind IN ('pcr', 'rapid')),
        result   TEXT NOT NULL CHECK (result IN ('positive', 'negative')),
        PRIMARY KEY (id12, taken_at, kind)
      ) STRICT, WITHOUT ROWID;
      CREATE TABLE recovery (
        id12         INTEGER PRIMARY KEY,
        recovered_on TEXT NOT NULL
      ) STRICT;
      CREATE TABLE quarantine (
        id12      INTEGER NOT NULL,
        status    TEXT NOT NULL CHECK (status IN ('F0', 'F1')),
        starts_on TEXT NOT NULL,
        ends_on   TEXT,
        PRIMARY KEY (id12, status, starts_on)
      ) STRICT, WITHOUT ROWID;

      -- The feed's head, and the number of people (count(*) reads the whole table).
      CREATE TABLE feed (
        one    INTEGER PRIMARY KEY CHECK (one = 1),
        seq    INTEGER NOT NULL,
        people INTEGER NOT NULL
      ) STRICT;
      INSERT INTO feed (one, seq, people) VALUES (1, 0, 0);

      -- One row per change set: what it was, and an upper bound of each delta's size.
      CREATE TABLE change_set (
        seq            INTEGER PRIMARY KEY,
        kind           TEXT NOT NULL,
        source         TEXT NOT NULL,
        rows           INTEGER NOT NULL,
        people_changed INTEGER NOT NULL,
        applied_at     TEXT NOT NULL
      ) STRICT;
    `,
  },
  {
    version: 2,
    name: 'enrolment: one-time codes and devices',
    sql: `
      -- One-time enrolment codes, by the SHA-256 (hex) of the code only: whoever reads a copy
      -- of this database cannot enrol a kiosk with it. A row is deleted when it is redeemed.
      CREATE TABLE enrollment_code (
        code_hash  TEXT PRIMARY KEY CHECK (length(code_hash) = 64 AND code_hash NOT GLOB '*[^0-9a-f]*'),
        location   TEXT NOT NULL,
        expires_at INTEGER NOT NULL -- epoch milliseconds
      ) STRICT;

      -- Enrolled kiosks: the key their requests are verified with. Revoked ones stay, so a
      -- revoked key cannot enrol again and the list shows what was revoked.
      CREATE TABLE device (
        device_id   TEXT PRIMARY KEY,
        public_key  BLOB NOT NULL CHECK (length(public_key) = 32), -- raw Ed25519
        location    TEXT NOT NULL,
        revoked     INTEGER NOT NULL DEFAULT 0 CHECK (revoked IN (0, 1)),
        enrolled_at INTEGER NOT NULL -- epoch milliseconds
      ) STRICT;
    `,
  },
];

/** Applies every migration above the database's `user_version`, each in its own transaction. */
export function migrateHubSqlite(db: Database.Database, migrations: readonly Migration[] = HUB_SQLITE_MIGRATIONS): number {
  const current = db.pragma('user_version', { simple: true }) as number;
  const newest = migrations.at(-1)?.version ?? 0;
  if (current > newest) {
    throw new Error(`hub database schema version ${current} is newer than this Chốt (knows up to ${newest}); upgrade Chốt`);
  }
  for (const migration of migrations) {
    if (migration.version <= current) continue;
    db.transaction(() => {
      db.exec(migration.sql);
      db.pragma(`user_version = ${migration.version}`);
    })();
  }
  return newest;
}
