import type pg from 'pg';
import { assertNotNewer, newestVersion, type Migration } from '../../platform/migration.js';
import { ENTRY_PARTITIONING_SQL } from './pg-entry-partitioning-sql.js';

/**
 * Numbered schema migrations of the hub's PostgreSQL database (its own list: the dialects
 * differ). Append only: a migration that has shipped is never edited.
 */
export const HUB_PG_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'people, facts per kind and the change feed',
    sql: `
      -- Identifiers only, no names or addresses; id12 as bigint (8 bytes, not 12 + header).
      -- seq: the change set that last changed the person (the change feed).
      CREATE TABLE person (
        id12   bigint PRIMARY KEY,
        old_id text,
        bhxh   text,
        seq    bigint NOT NULL
      );
      -- The delta's index: the people changed after a sequence without reading the other ten
      -- million, with id12 in it so the page's order and keyset come from the index alone.
      -- Snapshot pages walk the primary key.
      CREATE INDEX person_by_seq ON person (seq, id12);

      CREATE TABLE vaccination (
        id12     bigint NOT NULL,
        dose     integer NOT NULL CHECK (dose > 0),
        given_on date NOT NULL,
        product  text NOT NULL,
        PRIMARY KEY (id12, dose)
      );
      CREATE TABLE test_result (
        id12     bigint NOT NULL,
        taken_at bigint NOT NULL, -- epoch milliseconds
        kind     text NOT NULL CHECK (kind IN ('pcr', 'rapid')),
        result   text NOT NULL CHECK (result IN ('positive', 'negative')),
        PRIMARY KEY (id12, taken_at, kind)
      );
      CREATE TABLE recovery (
        id12         bigint PRIMARY KEY,
        recovered_on date NOT NULL
      );
      CREATE TABLE quarantine (
        id12      bigint NOT NULL,
        status    text NOT NULL CHECK (status IN ('F0', 'F1')),
        starts_on date NOT NULL,
        ends_on   date,
        PRIMARY KEY (id12, status, starts_on)
      );

      -- The feed's head (its row lock serialises imports, so sequences commit in order) and
      -- the number of people (count(*) reads the whole table).
      CREATE TABLE feed (
        one    integer PRIMARY KEY CHECK (one = 1),
        seq    bigint NOT NULL,
        people bigint NOT NULL
      );
      INSERT INTO feed (one, seq, people) VALUES (1, 0, 0);

      -- One row per change set: what it was, and an upper bound of each delta's size.
      CREATE TABLE change_set (
        seq            bigint PRIMARY KEY,
        kind           text NOT NULL,
        source         text NOT NULL,
        rows           bigint NOT NULL,
        people_changed bigint NOT NULL,
        applied_at     timestamptz NOT NULL DEFAULT now()
      );
    `,
  },
  {
    version: 2,
    name: 'enrolment: one-time codes and devices',
    sql: `
      -- One-time enrolment codes, by the SHA-256 (hex) of the code only: whoever reads a copy
      -- of this database cannot enrol a kiosk with it. A row is deleted when it is redeemed.
      CREATE TABLE enrollment_code (
        code_hash  text PRIMARY KEY CHECK (code_hash ~ '^[0-9a-f]{64}$'),
        location   text NOT NULL,
        expires_at timestamptz NOT NULL
      );

      -- Enrolled kiosks: the key their requests are verified with. Revoked ones stay, so a
      -- revoked key cannot enrol again and the list shows what was revoked.
      CREATE TABLE device (
        device_id   text PRIMARY KEY,
        public_key  bytea NOT NULL CHECK (length(public_key) = 32), -- raw Ed25519
        location    text NOT NULL,
        revoked     boolean NOT NULL DEFAULT false,
        enrolled_at timestamptz NOT NULL
      );
    `,
  },
  {
    version: 3,
    name: 'entries uploaded by kiosks, their chains, and the indexes of contact tracing',
    sql: `
      -- One row per gate decision, as the kiosk chained it (hub/entries/entry-store.ts):
      -- every field of the canonical form, so the hub can recompute the hash. at_ms orders
      -- and ranges; at keeps the kiosk's text (with its offset), which the hash covers.
      -- reasons and override are JSON text, byte for byte as hashed. problem: the flag
      -- ingest set (edited, broken-chain).
      CREATE TABLE entry (
        kiosk_id         text NOT NULL,
        seq              bigint NOT NULL CHECK (seq > 0),
        at_ms            bigint NOT NULL, -- epoch milliseconds
        at               text NOT NULL,
        location         text NOT NULL,
        lane             text NOT NULL,
        direction        text NOT NULL,
        source_kind      text NOT NULL,
        source_device_id text NOT NULL,
        credential_kind  text NOT NULL,
        authenticity     text NOT NULL,
        person_id        text,
        outcome          text NOT NULL,
        reasons          text NOT NULL,
        rule_set         text,
        override         text,
        prev_hash        text NOT NULL,
        hash             text NOT NULL,
        problem          text CHECK (problem IN ('edited', 'broken-chain')),
        PRIMARY KEY (kiosk_id, seq)
      );
      -- Contact tracing: a person's entries in a time range, then everyone at a place in a
      -- window around each; neither reads more than it returns, at ten million entries.
      CREATE INDEX entry_by_person ON entry (person_id, at_ms);
      CREATE INDEX entry_by_place ON entry (location, at_ms);

      -- Each kiosk's chain as verified: entries 1…contiguous_seq are complete and linked,
      -- head_hash is the hash of the last of them. Its row lock serialises one kiosk's
      -- uploads. The upload receipt carries contiguous_seq.
      CREATE TABLE entry_chain (
        kiosk_id        text PRIMARY KEY,
        contiguous_seq  bigint NOT NULL,
        head_hash       text NOT NULL,
        max_seq         bigint NOT NULL,
        flagged_entries bigint NOT NULL,
        conflicts       bigint NOT NULL,
        updated_at      timestamptz NOT NULL DEFAULT now()
      );

      -- Entries refused because the hub holds another one with their kiosk and seq: kept
      -- (as the JSON the kiosk sent) for whoever investigates, never traced.
      CREATE TABLE entry_conflict (
        kiosk_id    text NOT NULL,
        seq         bigint NOT NULL,
        hash        text NOT NULL,
        entry       text NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (kiosk_id, seq, hash)
      );
    `,
  },
  {
    version: 4,
    name: 'entries: the canonical format each was hashed in, and the kiosk id it carried',
    sql: `
      -- format: 1 for rows a kiosk logged before its migration 5 (no kiosk, place, lane,
      -- direction or override in their hash; those columns hold ''), 2 since.
      ALTER TABLE entry ADD COLUMN format smallint NOT NULL DEFAULT 2 CHECK (format IN (1, 2));
      -- The kiosk id the entry itself carries, when it differs from the uploading kiosk's
      -- (entries logged before enrolment carry 'unenrolled'); NULL when they are the same.
      ALTER TABLE entry ADD COLUMN entry_kiosk_id text;
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
        label      text PRIMARY KEY, -- the token's name (a column called name would look like personal data)
        token_hash text NOT NULL UNIQUE CHECK (length(token_hash) = 64), -- hex SHA-256 of the token
        created_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL,
        revoked_at timestamptz           -- NULL while usable
      );
    `,
  },
  {
    version: 6,
    name: 'request nonces, entry flags',
    sql: `
      -- The nonces of accepted kiosk requests within the clock window (pg-nonce-store.ts), so
      -- that a captured request does not pass again after a restart, or at another hub process.
      CREATE TABLE request_nonce (
        device_id text NOT NULL,
        nonce     text NOT NULL,
        at_ms     bigint NOT NULL, -- the request's timestamp, epoch ms
        PRIMARY KEY (device_id, nonce)
      );
      CREATE INDEX request_nonce_by_time ON request_nonce (at_ms);
      -- What ingest flagged in an entry whose chain is intact, for an investigation: an entry
      -- naming another location than the one the hub enrolled its kiosk at (ingest-plan.ts).
      CREATE TABLE entry_flag (
        kiosk_id text NOT NULL,
        seq      bigint NOT NULL,
        flag     text NOT NULL CHECK (flag IN ('foreign-location', 'clock-skew')),
        detail   text NOT NULL, -- the location the entry names
        PRIMARY KEY (kiosk_id, seq, flag)
      );
    `,
  },
  {
    version: 7,
    name: 'entries: format 3, the document signer of a chip ID card',
    sql: `
      -- Entries of format 3 (domain/entries/entry-record.ts) add the identity of the
      -- certificate that signed a chip ID card's data, "<issuer>#<serial>"; NULL for every
      -- other credential and for formats 1 and 2, which had none. Rows already stored keep
      -- their format and bytes. entry_format_check is the name PostgreSQL gave the CHECK of
      -- migration 4's column.
      ALTER TABLE entry DROP CONSTRAINT entry_format_check;
      ALTER TABLE entry ADD CONSTRAINT entry_format_check CHECK (format IN (1, 2, 3));
      ALTER TABLE entry ADD COLUMN document_signer text CONSTRAINT entry_document_signer_check CHECK (document_signer IS NULL OR format = 3);
    `,
  },
  {
    version: 8,
    name: 'entries: format 4, who typed a typed ID',
    sql: `
      -- Entries of format 4 (domain/entries/entry-record.ts) add the staff member who typed an
      -- ID on a kiosk's staff keypad (source kind 'manual'); NULL for every other entry and for
      -- formats 1 to 3, which had none. Rows already stored keep their format and bytes.
      ALTER TABLE entry DROP CONSTRAINT entry_format_check;
      ALTER TABLE entry ADD CONSTRAINT entry_format_check CHECK (format IN (1, 2, 3, 4));
      ALTER TABLE entry DROP CONSTRAINT entry_document_signer_check;
      ALTER TABLE entry ADD CONSTRAINT entry_document_signer_check CHECK (document_signer IS NULL OR format IN (3, 4));
      ALTER TABLE entry ADD COLUMN entered_by text CONSTRAINT entry_entered_by_check CHECK (entered_by IS NULL OR format = 4);
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
        device_id        text PRIMARY KEY REFERENCES device(device_id),
        seen_at          timestamptz NOT NULL,
        reported_at      timestamptz,  -- NULL: never sent a report
        data_seq         bigint,
        synced_at        timestamptz,  -- the kiosk's clock
        backlog          bigint,
        rule_set_id      text,
        rule_set_version text,
        app_version      text,
        flags            text          -- comma-separated words
      );
    `,
  },
  {
    version: 10,
    name: 'feed: every new sequence is announced (NOTIFY chot_seq)',
    sql: `
      -- Every hub process LISTENs on chot_seq (hub/storage/pg-notice-listener.ts) instead of
      -- polling the feed. A trigger, not the import code, sends it: whatever moves the
      -- sequence (an import by any process or tool) announces it, in its own transaction, so
      -- the notice is delivered exactly when the change commits and never for a rollback.
      CREATE FUNCTION chot_announce_seq() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('chot_seq', NEW.seq::text);
        RETURN NULL;
      END
      $$;
      CREATE TRIGGER feed_seq_announced AFTER UPDATE OF seq ON feed
        FOR EACH ROW WHEN (NEW.seq IS DISTINCT FROM OLD.seq) EXECUTE FUNCTION chot_announce_seq();
    `,
  },
  {
    version: 11,
    name: 'entries partitioned by Vietnam day',
    sql: ENTRY_PARTITIONING_SQL,
  },
  {
    version: 12,
    name: 'enrolment: each kiosk its scope of provinces',
    sql: `
      -- The provinces a kiosk syncs (domain/sync/province-scope.ts): comma-separated 3-digit
      -- codes, set on the code by \`chot hub enroll-code --scope\` and carried to the device it
      -- enrols. NULL: every province (every kiosk enrolled before scopes existed).
      ALTER TABLE enrollment_code ADD COLUMN scope text;
      ALTER TABLE device ADD COLUMN scope text;
    `,
  },
];

/** Any number, as long as every Chốt hub uses the same one for "migrating now". */
const MIGRATION_LOCK = 0x43686f74;

/** Applies every migration the database lacks, each in its own transaction, one migrator at a time. */
export async function migrateHubPg(client: pg.ClientBase, migrations: readonly Migration[] = HUB_PG_MIGRATIONS): Promise<number> {
  for (const migration of migrations) {
    await client.query('BEGIN');
    try {
      await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
      await client.query(`CREATE TABLE IF NOT EXISTS chot_schema (
        version    integer PRIMARY KEY,
        name       text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now()
      )`);
      const { rows } = await client.query<{ version: number | null }>('SELECT max(version) AS version FROM chot_schema');
      const current = rows[0]?.version ?? 0;
      assertNotNewer('hub database', current, migrations);
      if (migration.version > current) {
        await client.query(migration.sql);
        await client.query('INSERT INTO chot_schema (version, name) VALUES ($1, $2)', [migration.version, migration.name]);
      }
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    }
  }
  return newestVersion(migrations);
}
