import { canonicalStoredEntry, type StoredEntry } from './entry-record.js';

/**
 * Checking the entry log's hash chain, shared by the kiosk (`chot log verify`) and the
 * hub (on upload) so that both call the same rows broken for the same reason. The
 * domain has no crypto: the caller injects SHA-256.
 */

/**
 * SHA-256(prevHash ‖ UTF-8 of canonical). Given the two parts rather than their
 * concatenation, so a caller can feed its hash in two updates and cannot forget the link.
 */
export type ChainHasher = (prevHash: Uint8Array, canonical: string) => Uint8Array;

/** A logged entry with the two hashes its row keeps. */
export type ChainedEntry = StoredEntry & {
  readonly prevHash: Uint8Array;
  readonly hash: Uint8Array;
};

/**
 * - `edited`: the row's hash does not match its content (a field, its format or its hash was changed);
 * - `broken-chain`: its prev_hash is not the previous row's hash (a row deleted, or rows reordered);
 * - `gap`: its seq is not the previous seq + 1 (a row deleted, or the rows are not in seq order).
 */
export type ChainProblem = 'edited' | 'broken-chain' | 'gap';

/** The first problem found: at which entry, what, and a line an operator can act on ("entry 7: …"). */
export interface ChainBreak {
  readonly seq: number;
  readonly problem: ChainProblem;
  readonly message: string;
}

/** Where a chain starts: the entry before the first one checked (seq 0 and 32 zero bytes for a whole log). */
export interface ChainAnchor {
  readonly seq: number;
  readonly hash: Uint8Array;
}

export type ChainCheck = { readonly ok: true; readonly entries: number; readonly last: ChainAnchor } | ({ readonly ok: false } & ChainBreak);

/** The hash before entry 1. */
export function genesisAnchor(): ChainAnchor {
  return { seq: 0, hash: new Uint8Array(32) };
}

/** A row's hash as it should be: over its prev_hash and its canonical form. */
export function entryHash(hasher: ChainHasher, prevHash: Uint8Array, entry: StoredEntry): Uint8Array {
  return hasher(prevHash, canonicalStoredEntry(entry));
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i += 1) if (a[i] !== b[i]) return false;
  return true;
}

function missing(from: number, to: number): string {
  return from === to ? `entry ${from} is missing` : `entries ${from}–${to} are missing`;
}

/**
 * Walks a chain one row at a time, so a caller can stream a million rows from SQLite,
 * or a batch from an upload, without holding them. Rows must come in the order they
 * are stored by (seq); the first problem is final.
 *
 * Per row, the link is checked before the content: a row moved elsewhere in the chain
 * then reads as "out of order" rather than as "edited", which is what happened.
 */
export class EntryChainWalker {
  private previous: ChainAnchor;
  private count = 0;
  private broken: ChainBreak | undefined;

  constructor(
    private readonly hasher: ChainHasher,
    start: ChainAnchor = genesisAnchor(),
  ) {
    this.previous = start;
  }

  /** Checks the next row; returns the problem if it is the first one. */
  next(row: ChainedEntry): ChainBreak | undefined {
    if (this.broken !== undefined) return undefined;
    const problem = this.check(row);
    if (problem !== undefined) {
      this.broken = problem;
      return problem;
    }
    this.previous = { seq: row.seq, hash: row.hash };
    this.count += 1;
    return undefined;
  }

  /** Marks a row whose fields cannot even be read back (a value no Chốt writes): it was edited. */
  unreadable(seq: number, why: string): ChainBreak | undefined {
    if (this.broken !== undefined) return undefined;
    this.broken = { seq, problem: 'edited', message: `entry ${seq}: edited — ${why}` };
    return this.broken;
  }

  result(): ChainCheck {
    return this.broken === undefined ? { ok: true, entries: this.count, last: this.previous } : { ok: false, ...this.broken };
  }

  private check(row: ChainedEntry): ChainBreak | undefined {
    const { seq } = row;
    const after = this.previous.seq;
    if (!Number.isSafeInteger(seq) || seq <= after) {
      return { seq, problem: 'gap', message: `entry ${seq}: out of order (it comes after entry ${after})` };
    }
    if (seq !== after + 1) {
      const where = after === 0 ? `the log starts at entry ${seq}` : `the log jumps from entry ${after} to ${seq}`;
      return { seq, problem: 'gap', message: `entry ${seq}: ${missing(after + 1, seq - 1)} (${where})` };
    }
    if (!sameBytes(row.prevHash, this.previous.hash)) {
      const before = after === 0 ? 'the start of the log' : `entry ${after}`;
      return {
        seq,
        problem: 'broken-chain',
        message: `entry ${seq}: a row is missing or out of order before entry ${seq} (it does not chain on from ${before})`,
      };
    }
    if (!sameBytes(entryHash(this.hasher, row.prevHash, row), row.hash)) {
      return { seq, problem: 'edited', message: `entry ${seq}: edited — its content no longer matches its hash` };
    }
    return undefined;
  }
}

/** Checks a whole chain (any iterable, read lazily) and reports its first problem. */
export function findBrokenLink(rows: Iterable<ChainedEntry>, hasher: ChainHasher, start?: ChainAnchor): ChainCheck {
  const walker = new EntryChainWalker(hasher, start);
  for (const row of rows) {
    if (walker.next(row) !== undefined) break;
  }
  return walker.result();
}
