import { ENTRY_LIMITS } from '../../domain/entries/entry-fields.js';
import { DAY_MS, VN_OFFSET_MS } from '../reports/vn-calendar.js';

/**
 * The PostgreSQL hub's migration 11: the entry table becomes a table partitioned by range of
 * at_ms, one partition per Vietnam day (pg-entry-partitions.ts names and manages them).
 *
 * Why at_ms and Vietnam days: contact tracing and every report filter on at_ms, so that is
 * the key the planner can prune on; reports count Vietnam days (hub/reports/vn-calendar.ts,
 * UTC+7 all year, no daylight saving), so a day's report reads exactly one partition, and
 * retention drops whole days as the people who keep the log count them.
 *
 * Why the primary key is (kiosk_id, seq, at_ms): PostgreSQL requires a unique key to include
 * the partition key. An entry's time is inside its hash, so a kiosk re-uploading a batch
 * sends the same (kiosk_id, seq, at_ms) and is refused by the key even if ingest's own check
 * were bypassed; a *different* entry under an already used seq is caught by ingest, which
 * reads the stored links of every seq it is given (in all partitions) under the kiosk's
 * entry_chain row lock before writing (pg-entry-store.ts), so the dedupe by (kiosk_id, seq)
 * holds across partitions.
 *
 * Existing rows move in this one transaction: days from 2021 (ENTRY_LIMITS.earliestAtMs) up
 * to tomorrow get a partition each; anything else (a kiosk clock that was far off) lands in
 * entry_default, which pruning and partition creation keep small. Constraint and index names
 * stay those earlier migrations gave, so a later migration can name them.
 */
export const ENTRY_PARTITIONING_SQL = `
  ALTER TABLE entry RENAME TO entry_unpartitioned;
  ALTER INDEX entry_pkey RENAME TO entry_unpartitioned_pkey;
  ALTER INDEX entry_by_person RENAME TO entry_unpartitioned_by_person;
  ALTER INDEX entry_by_place RENAME TO entry_unpartitioned_by_place;

  CREATE TABLE entry (
    kiosk_id         text NOT NULL,
    seq              bigint NOT NULL CONSTRAINT entry_seq_check CHECK (seq > 0),
    at_ms            bigint NOT NULL, -- epoch milliseconds: the partition key
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
    problem          text CONSTRAINT entry_problem_check CHECK (problem IN ('edited', 'broken-chain')),
    format           smallint NOT NULL DEFAULT 2 CONSTRAINT entry_format_check CHECK (format IN (1, 2, 3, 4)),
    entry_kiosk_id   text,
    document_signer  text CONSTRAINT entry_document_signer_check CHECK (document_signer IS NULL OR format IN (3, 4)),
    entered_by       text CONSTRAINT entry_entered_by_check CHECK (entered_by IS NULL OR format = 4),
    CONSTRAINT entry_pkey PRIMARY KEY (kiosk_id, seq, at_ms)
  ) PARTITION BY RANGE (at_ms);
  CREATE INDEX entry_by_person ON entry (person_id, at_ms);
  CREATE INDEX entry_by_place ON entry (location, at_ms);
  CREATE TABLE entry_default PARTITION OF entry DEFAULT;

  DO $$
  DECLARE
    day bigint;
  BEGIN
    FOR day IN
      WITH today AS (SELECT ((extract(epoch FROM now()) * 1000)::bigint + ${VN_OFFSET_MS}) / ${DAY_MS} AS day)
      SELECT DISTINCT (at_ms + ${VN_OFFSET_MS}) / ${DAY_MS} FROM entry_unpartitioned, today
        WHERE at_ms >= ${ENTRY_LIMITS.earliestAtMs} AND (at_ms + ${VN_OFFSET_MS}) / ${DAY_MS} <= today.day + 1
      UNION
      SELECT today.day + d FROM today, generate_series(0, 1) AS d
    LOOP
      EXECUTE format('CREATE TABLE %I PARTITION OF entry FOR VALUES FROM (%s) TO (%s)',
        'entry_p' || to_char(date '1970-01-01' + day::integer, 'YYYYMMDD'), day * ${DAY_MS} - ${VN_OFFSET_MS}, (day + 1) * ${DAY_MS} - ${VN_OFFSET_MS});
    END LOOP;
  END $$;

  INSERT INTO entry SELECT kiosk_id, seq, at_ms, at, location, lane, direction, source_kind, source_device_id, credential_kind, authenticity,
    person_id, outcome, reasons, rule_set, override, prev_hash, hash, problem, format, entry_kiosk_id, document_signer, entered_by
    FROM entry_unpartitioned;
  DROP TABLE entry_unpartitioned;
  ANALYZE entry;
`;
