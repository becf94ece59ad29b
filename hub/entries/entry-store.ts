import type { EntryPartitions } from './entry-retention.js';
import { UPLOAD_PROBLEM_KINDS, type UploadedEntry, type UploadProblemKind } from '../../domain/entries/entry-upload.js';

export type { UploadedEntry } from '../../domain/entries/entry-upload.js';

/**
 * What ingest found wrong, per entry:
 * - `edited`: the entry does not hash to the hash it carries (its content was changed after
 *   it was chained). Stored, flagged.
 * - `broken-chain`: its prevHash is not the hash of the kiosk's entry seq − 1 (an entry was
 *   removed, replaced or reordered). Stored, flagged.
 * - `gap`: entry seq − 1 has not arrived, so this one cannot be linked yet. Stored, not
 *   flagged: it is checked when the missing entry arrives.
 * - `conflict`: the hub already holds another entry with this kiosk and seq. Kept out of the
 *   entry table (the first one stays), recorded in entry_conflict for an investigation.
 * - `foreign-location`: the entry names a location other than the one the hub enrolled the
 *   kiosk at. Stored (it is in the kiosk's hash chain: refusing it would refuse every entry
 *   after it, and the hub keeps what kiosks logged as evidence), and recorded in entry_flag
 *   for an investigation; it does not hold the receipt back, as its chain is intact.
 * - `clock-skew`: the entry's time is before any Chốt kiosk ran (2021) or beyond the hub's
 *   clock by more than a few minutes: the kiosk's clock was wrong when it logged. Stored and
 *   recorded in entry_flag, for the same reason: refusing it would stall the kiosk's upload
 *   for good (an entry from 1970 never becomes acceptable).
 */
export const INGEST_PROBLEM_KINDS = UPLOAD_PROBLEM_KINDS;
export type IngestProblemKind = UploadProblemKind;
/** The flags a stored row may carry. */
export type RowProblem = 'edited' | 'broken-chain';

/** What ingest knows beyond the batch: where the hub enrolled the kiosk, and the hub's clock. */
export interface IngestContext {
  /** Entries logged before enrolment (location '') are not compared. */
  readonly enrolledLocation?: string;
  /** When the hub received the upload (epoch ms): bounds how far ahead an entry's time may be. */
  readonly receivedAtMs?: number;
}

export interface IngestProblem {
  readonly seq: number;
  readonly kind: IngestProblemKind;
  readonly message: string;
}

export interface IngestResult {
  /** Entries stored by this call (flagged ones included). */
  readonly accepted: number;
  /** Entries the hub already held, identical (a re-upload after a lost receipt). */
  readonly duplicates: number;
  /**
   * The highest seq up to which the kiosk's chain is complete and verified: entries 1…n are
   * all stored, none flagged, each linked to the one before (entry 1 to 32 zero bytes).
   * A gap holds it back until the missing entries arrive; a flagged entry holds it back
   * until an administrator deals with it. The upload receipt carries it: a kiosk may purge
   * up to it (after retention), never beyond.
   */
  readonly contiguousSeq: number;
  readonly problems: readonly IngestProblem[];
}

/** The hub's view of one kiosk's chain. */
export interface KioskChain {
  readonly kioskId: string;
  readonly contiguousSeq: number;
  /** The hash of entry contiguousSeq (64 zero hex digits when 0). */
  readonly headHash: string;
  /** The highest seq stored. */
  readonly maxSeq: number;
  /** Stored entries flagged `edited` or `broken-chain`. */
  readonly flaggedEntries: number;
  /** Conflicting entries refused (entry_conflict). */
  readonly conflicts: number;
}

export interface TraceQuery {
  /** The person to trace (the identifier their credential carried, usually the 12-digit ID). */
  readonly personId: string;
  /** Epoch milliseconds, inclusive. */
  readonly fromMs: number;
  readonly toMs: number;
  /** Others count as co-present within ± this many milliseconds at the same location. */
  readonly windowMs: number;
}

/** One entry as a trace shows it. */
export interface TracedEntry {
  readonly personId: string;
  readonly at: string;
  readonly atMs: number;
  readonly location: string;
  readonly kioskId: string;
  readonly seq: number;
  readonly lane: string;
  readonly direction: string;
  readonly outcome: string;
  /** What was presented and how far it was authenticated: a contact found by an unsigned QR weighs less than one by a verified chip. */
  readonly credentialKind: string;
  readonly authenticity: string;
  /** The document signer of a chip ID card (entry format 3), else null. */
  readonly documentSigner: string | null;
  /** The staff member who typed the person's ID at the kiosk (entry format 4), else null. */
  readonly enteredBy: string | null;
}

/** A place the person passed, and who else was recorded there within the window. */
export interface TracePlace {
  readonly visit: TracedEntry;
  /** Other people's entries at visit.location within ± window, by time. */
  readonly contacts: readonly TracedEntry[];
}

/** The store could not take the write lock in time (an import holds it): try again later. */
export class EntryStoreBusy extends Error {
  override readonly name = 'EntryStoreBusy';
}

/** The largest window a trace accepts (a day): beyond, "co-present" means little and costs much. */
export const MAX_TRACE_WINDOW_MS = 24 * 3600_000;

/**
 * Entries uploaded by kiosks, in the hub's storage (migration 3), SQLite or PostgreSQL,
 * reached as `storage.entries`. The same contract tests run against both engines.
 */
export interface EntryStore {
  /**
   * Stores one upload of one kiosk in one transaction, sorted by seq: every entry is checked
   * against its own hash and its predecessor (stored, or earlier in the batch). Throws a
   * RangeError, storing nothing, when the batch is malformed (an entry of another kiosk, a
   * seq that is not a positive integer, a hash that is not 64 hex digits, an unreadable time).
   * `context`: where the hub enrolled the kiosk (an entry naming another location is stored
   * and flagged `foreign-location`) and when the upload arrived (an entry whose time the
   * kiosk's clock got wrong is stored and flagged `clock-skew`), both in entry_flag.
   */
  ingest(kioskId: string, entries: readonly UploadedEntry[], context?: IngestContext): Promise<IngestResult>;

  /** The kiosk's chain state, or undefined when it never uploaded. */
  chain(kioskId: string): Promise<KioskChain | undefined>;

  /**
   * Contact tracing: the person's entries in [fromMs, toMs] by time, each with the other
   * people's entries at the same location within ± windowMs. Reads by the indexes
   * (person_id, at_ms) and (location, at_ms). Entries without a location (before enrolment)
   * are listed without contacts: they say nothing about where the person was.
   */
  trace(query: TraceQuery): Promise<TracePlace[]>;

  /** PostgreSQL's day partitions (made ahead, dropped past retention); absent in SQLite, which keeps every entry. */
  readonly partitions?: EntryPartitions;
}

/** Checks a trace query the same way in every implementation. */
export function checkTraceQuery(query: TraceQuery): void {
  if (query.personId === '') throw new RangeError('a trace needs a person id');
  if (!Number.isSafeInteger(query.fromMs) || !Number.isSafeInteger(query.toMs) || query.fromMs > query.toMs) {
    throw new RangeError('a trace needs a time range with from ≤ to');
  }
  if (!Number.isSafeInteger(query.windowMs) || query.windowMs < 0 || query.windowMs > MAX_TRACE_WINDOW_MS) {
    throw new RangeError(`the window must be 0–${MAX_TRACE_WINDOW_MS} ms, got ${query.windowMs}`);
  }
}
