/**
 * Numbered schema migrations of the kiosk database. Append only: a migration that
 * has shipped is never edited. Each is tested by migrating a database seeded at the
 * version before it.
 */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

export const KIOSK_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'people, facts and the entry log',
    sql: `
      -- Keyed by the 12-digit ID as an integer: rowid lookups are the fastest SQLite has.
      -- No names, no addresses: identifiers and facts only.
      CREATE TABLE person (
        id12   INTEGER PRIMARY KEY,
        old_id TEXT,
        facts  TEXT NOT NULL
      ) STRICT;
      CREATE INDEX person_by_old_id ON person(old_id) WHERE old_id IS NOT NULL;

      CREATE TABLE meta (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
      ) STRICT;

      -- One row per decision shown at the gate, hash-chained:
      -- hash = SHA-256(prev_hash || canonical entry).
      CREATE TABLE entry (
        seq             INTEGER PRIMARY KEY,
        at              TEXT NOT NULL,
        source_kind     TEXT NOT NULL,
        device_id       TEXT NOT NULL,
        credential_kind TEXT NOT NULL,
        authenticity    TEXT NOT NULL,
        person_id       TEXT,
        outcome         TEXT NOT NULL,
        reasons         TEXT NOT NULL,
        rule_set        TEXT,
        prev_hash       BLOB NOT NULL,
        hash            BLOB NOT NULL
      ) STRICT;
    `,
  },
  {
    version: 2,
    name: 'look people up by social-insurance number',
    sql: `
      -- A health-insurance card carries the 10-digit BHXH number, not the citizen ID.
      ALTER TABLE person ADD COLUMN bhxh TEXT;
      CREATE INDEX person_by_bhxh ON person(bhxh) WHERE bhxh IS NOT NULL;
    `,
  },
];
