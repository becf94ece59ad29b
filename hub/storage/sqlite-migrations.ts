import type Database from 'better-sqlite3';
import { migrateSqlite, type SqliteMigration } from '../../platform/sqlite-migrate.js';

/**
 * Numbered schema migrations of the hub's SQLite database. Append only: a migration that
 * has shipped is never edited. They run through the same runner as the kiosk's.
 */
export const HUB_SQLITE_MIGRATIONS: readonly SqliteMigration[] = [
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
  {
    version: 3,
    name: 'entries uploaded by kiosks, their chains, and the indexes of contact tracing',
    sql: `
      -- One row per gate decision, as the kiosk chained it (hub/entries/entry-store.ts):
      -- every field of the canonical form, so the hub can recompute the hash. at_ms orders
      -- and ranges; at keeps the kiosk's text (with its offset), which the hash covers.
      -- reasons and override are JSON. problem: the flag ingest set (edited, broken-chain).
      CREATE TABLE entry (
        kiosk_id         TEXT NOT NULL,
        seq              INTEGER NOT NULL CHECK (seq > 0),
        at_ms            INTEGER NOT NULL, -- epoch milliseconds
        at               TEXT NOT NULL,
        location         TEXT NOT NULL,
        lane             TEXT NOT NULL,
        direction        TEXT NOT NULL,
        source_kind      TEXT NOT NULL,
        source_device_id TEXT NOT NULL,
        credential_kind  TEXT NOT NULL,
        authenticity     TEXT NOT NULL,
        person_id        TEXT,
        outcome          TEXT NOT NULL,
        reasons          TEXT NOT NULL,
        rule_set         TEXT,
        override         TEXT,
        prev_hash        TEXT NOT NULL,
        hash             TEXT NOT NULL,
        problem          TEXT CHECK (problem IN ('edited', 'broken-chain')),
        PRIMARY KEY (kiosk_id, seq)
      ) STRICT;
      -- Contact tracing: a person's entries in a time range, then everyone at a place in a
      -- window around each; neither reads more than it returns, at ten million entries.
      CREATE INDEX entry_by_person ON entry(person_id, at_ms);
      CREATE INDEX entry_by_place ON entry(location, at_ms);

      -- Each kiosk's chain as verified: entries 1…contiguous_seq are complete and linked,
      -- head_hash is the hash of the last of them. The upload receipt carries contiguous_seq.
      CREATE TABLE entry_chain (
        kiosk_id        TEXT PRIMARY KEY,
        contiguous_seq  INTEGER NOT NULL,
        head_hash       TEXT NOT NULL,
        max_seq         INTEGER NOT NULL,
        flagged_entries INTEGER NOT NULL,
        conflicts       INTEGER NOT NULL,
        updated_at      INTEGER NOT NULL -- epoch milliseconds
      ) STRICT;

      -- Entries refused because the hub holds another one with their kiosk and seq: kept
      -- (as the JSON the kiosk sent) for whoever investigates, never traced.
      CREATE TABLE entry_conflict (
        kiosk_id    TEXT NOT NULL,
        seq         INTEGER NOT NULL,
        hash        TEXT NOT NULL,
        entry       TEXT NOT NULL,
        received_at INTEGER NOT NULL, -- epoch milliseconds
        PRIMARY KEY (kiosk_id, seq, hash)
      ) STRICT, WITHOUT ROWID;
    `,
  },
  {
    version: 4,
    name: 'entries: the canonical format each was hashed in, and the kiosk id it carried',
    sql: `
      -- format: 1 for rows a kiosk logged before its migration 5 (no kiosk, place, lane,
      -- direction or override in their hash; those columns hold ''), 2 since.
      ALTER TABLE entry ADD COLUMN format INTEGER NOT NULL DEFAULT 2 CHECK (format IN (1, 2));
      -- The kiosk id the entry itself carries, when it differs from the uploading kiosk's
      -- (entries logged before enrolment carry 'unenrolled'); NULL when they are the same.
      -- Kept so the stored row still hashes to what the kiosk chained.
      ALTER TABLE entry ADD COLUMN entry_kiosk_id TEXT;
    `,
  },
  {
    version: 5,
    name: 'admin API tokens',
    sql: `
      -- Tokens for the admin HTTP API (hub/admin/admin-tokens.ts): only the SHA-256 of a
      -- token is kept, so a copy of this database lets nobody call the API. Names are unique
      -- for ever, revoked and expired tokens included: the request log names the token.
      CREATE TABLE admin_token (
        label      TEXT PRIMARY KEY, -- the token's name (a column called name would look like personal data)
        token_hash TEXT NOT NULL UNIQUE CHECK (length(token_hash) = 64), -- hex SHA-256 of the token
        created_at INTEGER NOT NULL, -- epoch milliseconds
        expires_at INTEGER NOT NULL, -- epoch milliseconds
        revoked_at INTEGER           -- epoch milliseconds; NULL while usable
      ) STRICT;
    `,
  },
  {
    version: 6,
    name: 'entry flags',
    sql: `
      -- What ingest flagged in an entry whose chain is intact, for an investigation: an entry
      -- naming another location than the one the hub enrolled its kiosk at (ingest-plan.ts).
      -- (Request nonces are kept in a file of their own: sqlite-nonce-store.ts.)
      CREATE TABLE entry_flag (
        kiosk_id TEXT NOT NULL,
        seq      INTEGER NOT NULL,
        flag     TEXT NOT NULL CHECK (flag IN ('foreign-location', 'clock-skew')),
        detail   TEXT NOT NULL, -- the location the entry names
        PRIMARY KEY (kiosk_id, seq, flag)
      ) STRICT;
    `,
  },
  {
    version: 7,
    name: 'entries: format 3, the document signer of a chip ID card',
    sql: `
      -- Entries of format 3 (domain/entries/entry-record.ts) add the identity of the
      -- certificate that signed a chip ID card's data, "<issuer>#<serial>"; NULL for every
      -- other credential and for formats 1 and 2, which had none. Rows already stored keep
      -- their format and bytes. The format column's CHECK cannot be widened in place, so the
      -- table is rebuilt with its columns in the same order, rows copied as they are, and its
      -- indexes made again: a one-time copy of every entry the hub holds (at ten million,
      -- minutes; kiosks retry their uploads meanwhile). An index added by hand is not kept.
      CREATE TABLE entry_v3 (
        kiosk_id         TEXT NOT NULL,
        seq              INTEGER NOT NULL CHECK (seq > 0),
        at_ms            INTEGER NOT NULL, -- epoch milliseconds
        at               TEXT NOT NULL,
        location         TEXT NOT NULL,
        lane             TEXT NOT NULL,
        direction        TEXT NOT NULL,
        source_kind      TEXT NOT NULL,
        source_device_id TEXT NOT NULL,
        credential_kind  TEXT NOT NULL,
        authenticity     TEXT NOT NULL,
        person_id        TEXT,
        outcome          TEXT NOT NULL,
        reasons          TEXT NOT NULL,
        rule_set         TEXT,
        override         TEXT,
        prev_hash        TEXT NOT NULL,
        hash             TEXT NOT NULL,
        problem          TEXT CHECK (problem IN ('edited', 'broken-chain')),
        format           INTEGER NOT NULL DEFAULT 2 CHECK (format IN (1, 2, 3)),
        entry_kiosk_id   TEXT,
        document_signer  TEXT CHECK (document_signer IS NULL OR format = 3),
        PRIMARY KEY (kiosk_id, seq)
      ) STRICT;
      INSERT INTO entry_v3 (kiosk_id, seq, at_ms, at, location, lane, direction, source_kind, source_device_id, credential_kind, authenticity,
                            person_id, outcome, reasons, rule_set, override, prev_hash, hash, problem, format, entry_kiosk_id)
        SELECT kiosk_id, seq, at_ms, at, location, lane, direction, source_kind, source_device_id, credential_kind, authenticity,
               person_id, outcome, reasons, rule_set, override, prev_hash, hash, problem, format, entry_kiosk_id
        FROM entry ORDER BY kiosk_id, seq;
      DROP TABLE entry;
      ALTER TABLE entry_v3 RENAME TO entry;
      CREATE INDEX entry_by_person ON entry(person_id, at_ms);
      CREATE INDEX entry_by_place ON entry(location, at_ms);
    `,
  },
  {
    version: 8,
    name: 'entries: format 4, who typed a typed ID',
    sql: `
      -- Entries of format 4 (domain/entries/entry-record.ts) add the staff member who typed an
      -- ID on a kiosk's staff keypad (source kind 'manual'); NULL for every other entry and for
      -- formats 1 to 3, which had none. Rows already stored keep their format and bytes. As in
      -- migration 7, the format column's CHECK cannot be widened in place: the table is rebuilt
      -- with its columns in the same order, rows copied as they are, its indexes made again.
      CREATE TABLE entry_v4 (
        kiosk_id         TEXT NOT NULL,
        seq              INTEGER NOT NULL CHECK (seq > 0),
        at_ms            INTEGER NOT NULL, -- epoch milliseconds
        at               TEXT NOT NULL,
        location         TEXT NOT NULL,
        lane             TEXT NOT NULL,
        direction        TEXT NOT NULL,
        source_kind      TEXT NOT NULL,
        source_device_id TEXT NOT NULL,
        credential_kind  TEXT NOT NULL,
        authenticity     TEXT NOT NULL,
        person_id        TEXT,
        outcome          TEXT NOT NULL,
        reasons          TEXT NOT NULL,
        rule_set         TEXT,
        override         TEXT,
        prev_hash        TEXT NOT NULL,
        hash             TEXT NOT NULL,
        problem          TEXT CHECK (problem IN ('edited', 'broken-chain')),
        format           INTEGER NOT NULL DEFAULT 2 CHECK (format IN (1, 2, 3, 4)),
        entry_kiosk_id   TEXT,
        document_signer  TEXT CHECK (document_signer IS NULL OR format IN (3, 4)),
        entered_by       TEXT CHECK (entered_by IS NULL OR format = 4),
        PRIMARY KEY (kiosk_id, seq)
      ) STRICT;
      INSERT INTO entry_v4 (kiosk_id, seq, at_ms, at, location, lane, direction, source_kind, source_device_id, credential_kind, authenticity,
                            person_id, outcome, reasons, rule_set, override, prev_hash, hash, problem, format, entry_kiosk_id, document_signer)
        SELECT kiosk_id, seq, at_ms, at, location, lane, direction, source_kind, source_device_id, credential_kind, authenticity,
               person_id, outcome, reasons, rule_set, override, prev_hash, hash, problem, format, entry_kiosk_id, document_signer
        FROM entry ORDER BY kiosk_id, seq;
      DROP TABLE entry;
      ALTER TABLE entry_v4 RENAME TO entry;
      CREATE INDEX entry_by_person ON entry(person_id, at_ms);
      CREATE INDEX entry_by_place ON entry(location, at_ms);
    `,
  },
  {
    version: 9,
    name: 'devices: each kiosk last seen, and its last report',
    sql: `
      -- One row per kiosk heard from (hub/devices/device-status-store.ts): its last
      -- authenticated request of any kind, and the status report it last sent with one
      -- (domain/sync/kiosk-report.ts). Written in batches, not per request.
      CREATE TABLE device_status (
        device_id        TEXT PRIMARY KEY REFERENCES device(device_id),
        seen_at          INTEGER NOT NULL, -- epoch milliseconds, the hub's clock
        reported_at      INTEGER,          -- epoch milliseconds; NULL: never sent a report
        data_seq         INTEGER,
        synced_at        INTEGER,          -- epoch milliseconds, the kiosk's clock
        backlog          INTEGER,
        rule_set_id      TEXT,
        rule_set_version TEXT,
        app_version      TEXT,
        flags            TEXT              -- comma-separated words
      ) STRICT;
    `,
  },
  {
    version: 10,
    name: 'enrolment: each kiosk its scope of provinces',
    sql: `
      -- The provinces a kiosk syncs (domain/sync/province-scope.ts): comma-separated 3-digit
      -- codes, set on the code by \`chot hub enroll-code --scope\` and carried to the device it
      -- enrols. NULL: every province (every kiosk enrolled before scopes existed).
      ALTER TABLE enrollment_code ADD COLUMN scope TEXT;
      ALTER TABLE device ADD COLUMN scope TEXT;
    `,
  },
];

/**
 * Applies every migration above the database's `user_version`. `chot hub import` and
 * `chot hub serve` may open an old file at the same moment: the runner re-checks the
 * version under the write lock, so the second finds the work done.
 */
export function migrateHubSqlite(db: Database.Database, migrations: readonly SqliteMigration[] = HUB_SQLITE_MIGRATIONS): number {
  return migrateSqlite(db, migrations, 'hub database');
}
