import type { TracedEntry } from './entry-store.js';

/** The columns a trace reads, the same in both engines (the aliases are the row's keys). */
export const TRACE_COLUMNS =
  'person_id, at, at_ms, location, kiosk_id, seq, lane, direction, outcome, credential_kind, authenticity, document_signer, entered_by';

export interface TraceRow {
  person_id: string;
  at: string;
  /** bigint comes back from PostgreSQL as a string. */
  at_ms: number | string;
  location: string;
  kiosk_id: string;
  seq: number | string;
  lane: string;
  direction: string;
  outcome: string;
  credential_kind: string;
  authenticity: string;
  document_signer: string | null;
  entered_by: string | null;
}

export const tracedEntryOf = (row: TraceRow): TracedEntry => ({
  personId: row.person_id,
  at: row.at,
  atMs: Number(row.at_ms),
  location: row.location,
  kioskId: row.kiosk_id,
  seq: Number(row.seq),
  lane: row.lane,
  direction: row.direction,
  outcome: row.outcome,
  credentialKind: row.credential_kind,
  authenticity: row.authenticity,
  documentSigner: row.document_signer,
  enteredBy: row.entered_by,
});
