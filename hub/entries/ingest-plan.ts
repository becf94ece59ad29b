import { createHash } from 'node:crypto';
import { entryClockProblem } from '../../domain/entries/entry-fields.js';
import {
  canonicalStoredEntry,
  ENTRY_DIRECTIONS,
  ENTRY_FORMATS,
  storedDocumentSigner,
  storedEnteredBy,
  UNENROLLED_KIOSK_ID,
  type EntryDirection,
} from '../../domain/entries/entry-record.js';
import type { IngestContext, IngestProblem, RowProblem, UploadedEntry } from './entry-store.js';

/**
 * The engine-free half of ingest: check a batch, decide for each entry whether it is new, a
 * duplicate or a conflict and whether it chains, and walk the verified prefix forward. The
 * SQLite and PostgreSQL stores read the stored links this needs, in their transaction, and
 * write what it decides, so both decide alike.
 */

/** hash(0): the predecessor of entry 1. */
export const ZERO_HASH = '0'.repeat(64);
const HEX_HASH = /^[0-9a-f]{64}$/;

/** hash(n) = SHA-256(hash(n−1) ‖ UTF-8 canonical form of entry n, in its format), as hex. */
export function entryHash(prevHashHex: string, entry: UploadedEntry): string {
  return createHash('sha256').update(Buffer.from(prevHashHex, 'hex')).update(canonicalStoredEntry(entry), 'utf8').digest('hex');
}

/** An entry's link in its kiosk's chain, as stored. */
export interface StoredLink {
  readonly seq: number;
  readonly prevHash: string;
  readonly hash: string;
  readonly problem: RowProblem | null;
}

export interface CheckedEntry {
  readonly entry: UploadedEntry;
  readonly atMs: number;
}

/**
 * Refuses a malformed batch whole (RangeError); returns its entries by seq, with their time
 * in ms. An entry of format 2 or later carries its kiosk's id: the uploader's, or 'unenrolled'
 * when it was logged before enrolment (the same kiosk, by its chain); another kiosk's id is refused.
 */
export function checkBatch(kioskId: string, entries: readonly UploadedEntry[]): CheckedEntry[] {
  if (kioskId === '') throw new RangeError('ingest needs the kiosk id');
  const checked = entries.map((entry) => {
    if (!Number.isSafeInteger(entry.seq) || entry.seq < 1) throw new RangeError(`entry seq must be a positive integer, got ${entry.seq}`);
    const format: unknown = entry.format;
    if (!(ENTRY_FORMATS as readonly unknown[]).includes(format))
      throw new RangeError(`entry ${entry.seq}: format must be one of ${ENTRY_FORMATS.join(', ')}, got ${JSON.stringify(format)}`);
    if (entry.format !== 1) {
      if (entry.kioskId !== kioskId && entry.kioskId !== UNENROLLED_KIOSK_ID) {
        throw new RangeError(`entry ${entry.seq} belongs to kiosk ${JSON.stringify(entry.kioskId)}, not ${JSON.stringify(kioskId)}`);
      }
      if (!ENTRY_DIRECTIONS.includes(entry.direction as EntryDirection))
        throw new RangeError(`entry ${entry.seq}: direction ${JSON.stringify(entry.direction)} is not one of ${ENTRY_DIRECTIONS.join(', ')}`);
    }
    if (!HEX_HASH.test(entry.hash) || !HEX_HASH.test(entry.prevHash)) throw new RangeError(`entry ${entry.seq}: hashes must be 64 lowercase hex digits`);
    const atMs = Date.parse(entry.at);
    if (Number.isNaN(atMs)) throw new RangeError(`entry ${entry.seq}: unreadable time ${JSON.stringify(entry.at)}`);
    return { entry, atMs };
  });
  return checked.sort((a, b) => a.entry.seq - b.entry.seq);
}

/** The seqs whose stored links a batch is judged against: each entry's, its predecessor's and its successor's. */
export function seqsToRead(batch: readonly CheckedEntry[]): number[] {
  const seqs = new Set<number>();
  for (const { entry } of batch) for (const seq of [entry.seq - 1, entry.seq, entry.seq + 1]) if (seq >= 1) seqs.add(seq);
  return [...seqs].sort((a, b) => a - b);
}

export interface PlannedRow extends CheckedEntry {
  readonly problem: RowProblem | null;
}

export interface IngestPlan {
  /** New rows to store, flagged or not. */
  readonly rows: readonly PlannedRow[];
  /** Stored rows found not to chain onto an entry of this batch. */
  readonly reflag: readonly { seq: number; problem: RowProblem }[];
  /** Entries refused because another entry holds their seq. */
  readonly conflicts: readonly UploadedEntry[];
  readonly duplicates: number;
  readonly problems: readonly IngestProblem[];
  /** New rows to record in entry_flag: another location than the kiosk's enrolled one, a clock fault. */
  readonly flags: readonly EntryFlag[];
}

/** The flags entry_flag keeps (migration 6): stored entries an investigator should know about. */
export const ENTRY_FLAGS = ['foreign-location', 'clock-skew'] as const;
export interface EntryFlag {
  readonly seq: number;
  readonly flag: (typeof ENTRY_FLAGS)[number];
  /** The location the entry names, or the time it claims. */
  readonly detail: string;
}

/** Decides a checked batch against the stored links of seqsToRead(batch). */
export function planIngest(batch: readonly CheckedEntry[], stored: ReadonlyMap<number, StoredLink>, context: IngestContext = {}): IngestPlan {
  const { enrolledLocation, receivedAtMs } = context;
  const known = new Map(stored);
  const rows: PlannedRow[] = [];
  const reflag: { seq: number; problem: RowProblem }[] = [];
  const conflicts: UploadedEntry[] = [];
  const problems: IngestProblem[] = [];
  const flags: EntryFlag[] = [];
  let duplicates = 0;
  for (const { entry, atMs } of batch) {
    const { seq } = entry;
    const existing = known.get(seq);
    if (existing !== undefined) {
      if (existing.hash === entry.hash) duplicates += 1;
      else {
        conflicts.push(entry);
        problems.push({ seq, kind: 'conflict', message: `the hub already holds a different entry ${seq} of this kiosk; this one was kept out` });
      }
      continue;
    }
    let problem: RowProblem | null = null;
    if (entryHash(entry.prevHash, entry) !== entry.hash) {
      problem = 'edited';
      problems.push({ seq, kind: 'edited', message: `entry ${seq} does not match its hash: it was changed after it was recorded` });
    } else {
      const predecessor = seq === 1 ? ZERO_HASH : known.get(seq - 1)?.hash;
      if (predecessor === undefined) {
        problems.push({ seq, kind: 'gap', message: `entry ${seq - 1} has not arrived: entry ${seq} cannot be linked yet` });
      } else if (predecessor !== entry.prevHash) {
        problem = 'broken-chain';
        problems.push({ seq, kind: 'broken-chain', message: `entry ${seq} does not follow entry ${seq - 1}: its previous hash differs` });
      }
    }
    known.set(seq, { seq, prevHash: entry.prevHash, hash: entry.hash, problem });
    rows.push({ entry, atMs, problem });
    if (
      enrolledLocation !== undefined &&
      entry.format !== 1 &&
      entry.location !== '' &&
      entry.location.normalize('NFC') !== enrolledLocation.normalize('NFC')
    ) {
      flags.push({ seq, flag: 'foreign-location', detail: entry.location });
      problems.push({
        seq,
        kind: 'foreign-location',
        message: `entry ${seq} names location ${JSON.stringify(entry.location)}, not ${JSON.stringify(enrolledLocation)} where this kiosk was enrolled: stored and flagged`,
      });
    }
    const clock = receivedAtMs === undefined ? undefined : entryClockProblem(atMs, receivedAtMs);
    if (clock !== undefined) {
      flags.push({ seq, flag: 'clock-skew', detail: entry.at });
      problems.push({ seq, kind: 'clock-skew', message: `entry ${seq}: its time ${JSON.stringify(entry.at)} ${clock}: stored and flagged` });
    }
    // A successor stored earlier (after a gap) is checked now that its predecessor is here.
    const successor = stored.get(seq + 1);
    if (successor !== undefined && successor.problem === null && successor.prevHash !== entry.hash) {
      reflag.push({ seq: seq + 1, problem: 'broken-chain' });
      known.set(seq + 1, { ...successor, problem: 'broken-chain' });
      problems.push({ seq: seq + 1, kind: 'broken-chain', message: `entry ${seq + 1} does not follow entry ${seq}: its previous hash differs` });
    }
  }
  return { rows, reflag, conflicts, duplicates, problems, flags };
}

export interface ChainHead {
  readonly contiguousSeq: number;
  readonly headHash: string;
}

/**
 * Walks the verified prefix over `next` (stored links after head.contiguousSeq, by seq).
 * `stopped`: it met a gap, a flag or a broken link, so there is no point reading further.
 */
export function advanceChain(head: ChainHead, next: readonly StoredLink[]): ChainHead & { stopped: boolean } {
  let { contiguousSeq, headHash } = head;
  for (const link of next) {
    if (link.seq !== contiguousSeq + 1 || link.problem !== null || link.prevHash !== headHash) return { contiguousSeq, headHash, stopped: true };
    contiguousSeq = link.seq;
    headHash = link.hash;
  }
  return { contiguousSeq, headHash, stopped: false };
}

/** The entry's columns, in the order of ENTRY_COLUMN_NAMES, engine-neutral; `kioskId` is the uploader's. */
export function entryColumns(kioskId: string, row: PlannedRow): (string | number | null)[] {
  const { entry } = row;
  // Format 1 has no place, lane, direction or override: stored as '' (and NULL), never guessed.
  const v2 = entry.format === 1 ? undefined : entry;
  return [
    kioskId,
    entry.seq,
    row.atMs,
    entry.at,
    v2?.location ?? '',
    v2?.lane ?? '',
    v2?.direction ?? '',
    entry.sourceKind,
    entry.sourceDeviceId,
    entry.credentialKind,
    entry.authenticity,
    entry.personId,
    entry.outcome,
    JSON.stringify(entry.reasonCodes),
    entry.ruleSet,
    v2?.override == null ? null : JSON.stringify([v2.override.by, v2.override.reason]),
    entry.prevHash,
    entry.hash,
    row.problem,
    entry.format,
    v2 === undefined || v2.kioskId === kioskId ? null : v2.kioskId,
    storedDocumentSigner(entry),
    storedEnteredBy(entry),
  ];
}

export const ENTRY_COLUMN_NAMES = [
  'kiosk_id',
  'seq',
  'at_ms',
  'at',
  'location',
  'lane',
  'direction',
  'source_kind',
  'source_device_id',
  'credential_kind',
  'authenticity',
  'person_id',
  'outcome',
  'reasons',
  'rule_set',
  'override',
  'prev_hash',
  'hash',
  'problem',
  'format',
  'entry_kiosk_id',
  'document_signer',
  'entered_by',
] as const;
