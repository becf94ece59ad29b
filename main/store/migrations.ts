import type { PersonFacts } from '../../domain/facts/person-facts.js';
import { encodeFacts } from '../../domain/sync/facts-codec.js';
import { copyPeopleToFactsDatabase } from './facts-move.js';
import type { SqliteMigration } from '../../platform/sqlite-migrate.js';
import type { SqliteDatabase } from './sqlite-database.js';

/** JSON facts (versions 1–2) → the binary of facts-codec.ts; null for facts it cannot hold. */
function factsJsonToBlob(json: unknown): Buffer | null {
  try {
    const bytes = encodeFacts(JSON.parse(String(json)) as PersonFacts);
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  } catch {
    return null;
  }
}

/**
 * Numbered schema migrations of the kiosk database. Append only: a migration that
 * has shipped is never edited. Each is tested by migrating a database seeded at the
 * version before it.
 */
export const KIOSK_MIGRATIONS: readonly SqliteMigration<SqliteDatabase>[] = [
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
  {
    version: 3,
    name: 'facts as compact binary',
    setup: (db) => db.function('chot_facts_json_to_blob', { deterministic: true }, factsJsonToBlob),
    sql: `
      -- Facts in the binary of domain/sync/facts-codec.ts instead of JSON: about 15 bytes
      -- a person instead of 150 (10 million people), and a snapshot's record bytes are
      -- stored as they arrive instead of being re-encoded. A column's type cannot change
      -- in place, so the table is rebuilt, in ID order. Facts the binary cannot hold
      -- (dates before 1900, thousands of tests) were never produced by Chốt; such a row
      -- is dropped rather than blocking the kiosk from starting — the next sync brings the
      -- person back from the hub.
      CREATE TABLE person_v3 (
        id12   INTEGER PRIMARY KEY,
        old_id TEXT,
        facts  BLOB NOT NULL,
        bhxh   TEXT
      ) STRICT;
      INSERT INTO person_v3 (id12, old_id, facts, bhxh)
        SELECT id12, old_id, blob, bhxh
        FROM (SELECT id12, old_id, chot_facts_json_to_blob(facts) AS blob, bhxh FROM person)
        WHERE blob IS NOT NULL
        ORDER BY id12;
      DROP TABLE person;
      ALTER TABLE person_v3 RENAME TO person;
      CREATE INDEX person_by_old_id ON person(old_id) WHERE old_id IS NOT NULL;
      CREATE INDEX person_by_bhxh ON person(bhxh) WHERE bhxh IS NOT NULL;
    `,
  },
  {
    version: 4,
    name: 'people move to facts.sqlite',
    // Copies the people, their watermark and sync time into facts.sqlite and commits
    // there first; only then does the SQL below drop them here (facts-move.ts says why
    // that order survives a kill at any point).
    setup: copyPeopleToFactsDatabase,
    sql: `
      -- SQLite has one write lock per file. At 10 million people a snapshot swap holds it
      -- 6–10 s and a 100 000-person delta about 2 s, while every verdict must be in the
      -- entry log before it is shown: the people live in their own file from now on.
      -- The freed pages stay in this file and are reused as the entry log grows.
      DROP TABLE IF EXISTS person_next;
      DROP TABLE person;
      DELETE FROM meta WHERE key IN ('facts_seq', 'facts_synced_at', 'facts_snapshot_progress');
    `,
  },
  {
    version: 5,
    name: 'entry log v2: kiosk, location, lane, direction, override',
    sql: `
      -- Rows already logged keep format 1: their hashes, and every hash after them, cover
      -- the version-1 canonical form, so they are never rewritten; their new columns stay
      -- NULL. New rows are format 2 (domain/entries/entry-record.ts, docs/entry-log.md)
      -- and chain on from the last version-1 hash.
      ALTER TABLE entry ADD COLUMN format INTEGER NOT NULL DEFAULT 1 CHECK (format IN (1, 2));
      -- device_id always held the reading device; the kiosk itself now has kiosk_id.
      ALTER TABLE entry RENAME COLUMN device_id TO source_device_id;
      ALTER TABLE entry ADD COLUMN kiosk_id TEXT;
      ALTER TABLE entry ADD COLUMN location TEXT;
      ALTER TABLE entry ADD COLUMN lane TEXT;
      ALTER TABLE entry ADD COLUMN direction TEXT CHECK (direction IN ('in', 'out', 'boarding', 'alighting'));
      -- A staff member's override of the verdict: who and why, both or neither.
      ALTER TABLE entry ADD COLUMN override_by TEXT;
      ALTER TABLE entry ADD COLUMN override_reason TEXT;
    `,
  },
  {
    version: 6,
    name: 'upload receipts',
    sql: `
      -- Receipts the hub signed for uploads (domain/entries/entry-upload.ts): it holds this
      -- kiosk's entries 1…through_seq, the last hashing to head_hash. Entries are purged up
      -- to a receipt's through_seq once it is older than the retention period. Purged rows
      -- leave their last seq and hash in meta (entry_anchor_seq, entry_anchor_hash, hex), so
      -- the chain goes on from them and chot log verify starts there.
      CREATE TABLE upload_receipt (
        through_seq INTEGER NOT NULL,
        head_hash   BLOB NOT NULL,
        issued_at   INTEGER NOT NULL, -- the hub's clock, epoch milliseconds
        received_at INTEGER NOT NULL, -- this kiosk's clock, epoch milliseconds
        hub_key_id  TEXT NOT NULL,
        signature   TEXT NOT NULL
      ) STRICT;
      CREATE INDEX upload_receipt_by_time ON upload_receipt(received_at);
    `,
  },
  {
    version: 7,
    name: 'entry log v3: the document signer of a chip ID card',
    sql: `
      -- Rows already logged keep their format (1 or 2) for good, as their hashes cover it;
      -- new rows are format 3 (domain/entries/entry-record.ts, docs/entry-log.md), which adds
      -- the identity of the certificate that signed a chip ID card's data, "<issuer>#<serial>".
      -- Nothing else of the chip is logged: no photo, no DG13 field, no name.
      -- The format column's CHECK cannot be widened in place, so the table is rebuilt with its
      -- columns in the same order, rows copied as they are, in seq order. A kiosk's log is
      -- bounded by the retention period after upload, so this copies days of entries, once.
      CREATE TABLE entry_v3 (
        seq              INTEGER PRIMARY KEY,
        at               TEXT NOT NULL,
        source_kind      TEXT NOT NULL,
        source_device_id TEXT NOT NULL,
        credential_kind  TEXT NOT NULL,
        authenticity     TEXT NOT NULL,
        person_id        TEXT,
        outcome          TEXT NOT NULL,
        reasons          TEXT NOT NULL,
        rule_set         TEXT,
        prev_hash        BLOB NOT NULL,
        hash             BLOB NOT NULL,
        format           INTEGER NOT NULL DEFAULT 1 CHECK (format IN (1, 2, 3)),
        kiosk_id         TEXT,
        location         TEXT,
        lane             TEXT,
        direction        TEXT CHECK (direction IN ('in', 'out', 'boarding', 'alighting')),
        override_by      TEXT,
        override_reason  TEXT,
        -- Only format 3 has the field; EntryLog.append fills it for a chip ID card alone.
        document_signer  TEXT CHECK (document_signer IS NULL OR format = 3)
      ) STRICT;
      INSERT INTO entry_v3 (seq, at, source_kind, source_device_id, credential_kind, authenticity, person_id, outcome, reasons, rule_set,
                            prev_hash, hash, format, kiosk_id, location, lane, direction, override_by, override_reason)
        SELECT seq, at, source_kind, source_device_id, credential_kind, authenticity, person_id, outcome, reasons, rule_set,
               prev_hash, hash, format, kiosk_id, location, lane, direction, override_by, override_reason
        FROM entry ORDER BY seq;
      DROP TABLE entry;
      ALTER TABLE entry_v3 RENAME TO entry;
    `,
  },
  {
    version: 8,
    name: 'entry log v4: who typed a typed ID',
    sql: `
      -- Rows already logged keep their format (1, 2 or 3) for good, as their hashes cover it;
      -- new rows are format 4 (domain/entries/entry-record.ts, docs/entry-log.md), which adds
      -- the staff member who typed an ID on the staff keypad: a typed number proves nothing of
      -- the person, so the log says who vouched for it. A staff name, never the person's.
      -- The format column's CHECK cannot be widened in place, so the table is rebuilt with its
      -- columns in the same order, rows copied as they are, in seq order (as migration 7 did).
      CREATE TABLE entry_v4 (
        seq              INTEGER PRIMARY KEY,
        at               TEXT NOT NULL,
        source_kind      TEXT NOT NULL,
        source_device_id TEXT NOT NULL,
        credential_kind  TEXT NOT NULL,
        authenticity     TEXT NOT NULL,
        person_id        TEXT,
        outcome          TEXT NOT NULL,
        reasons          TEXT NOT NULL,
        rule_set         TEXT,
        prev_hash        BLOB NOT NULL,
        hash             BLOB NOT NULL,
        format           INTEGER NOT NULL DEFAULT 1 CHECK (format IN (1, 2, 3, 4)),
        kiosk_id         TEXT,
        location         TEXT,
        lane             TEXT,
        direction        TEXT CHECK (direction IN ('in', 'out', 'boarding', 'alighting')),
        override_by      TEXT,
        override_reason  TEXT,
        document_signer  TEXT CHECK (document_signer IS NULL OR format IN (3, 4)),
        -- Only format 4 has the field; EntryLog.append fills it for an ID staff typed alone.
        entered_by       TEXT CHECK (entered_by IS NULL OR (format = 4 AND source_kind = 'manual'))
      ) STRICT;
      INSERT INTO entry_v4 (seq, at, source_kind, source_device_id, credential_kind, authenticity, person_id, outcome, reasons, rule_set,
                            prev_hash, hash, format, kiosk_id, location, lane, direction, override_by, override_reason, document_signer)
        SELECT seq, at, source_kind, source_device_id, credential_kind, authenticity, person_id, outcome, reasons, rule_set,
               prev_hash, hash, format, kiosk_id, location, lane, direction, override_by, override_reason, document_signer
        FROM entry ORDER BY seq;
      DROP TABLE entry;
      ALTER TABLE entry_v4 RENAME TO entry;
    `,
  },
];
