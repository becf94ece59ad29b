import { ByteWriter } from './byte-io.js';
import { encodeChunk, MAX_ID12, type ChunkSigner, type SyncKind } from './sync-chunk.js';
import { writeRecord } from './sync-records.js';
import type { SyncedPerson } from './synced-person.js';

export interface SyncStreamIdentity {
  readonly kind: SyncKind;
  /** 0 for a snapshot. */
  readonly fromSeq: number;
  /** A snapshot's atSeq, a delta's last sequence. */
  readonly toSeq: number;
}

export interface ChunkingOptions {
  /**
   * People per chunk. 25 000 keeps one chunk's kiosk transaction near 50 ms — what the
   * entry log may wait for the write lock while a snapshot loads — and one chunk a few
   * hundred kilobytes compressed, a cheap unit to re-fetch; 10 million people make 400.
   */
  readonly maxRecords?: number;
  /** A chunk ends early once its uncompressed body passes this (people with long histories). */
  readonly maxBodyBytes?: number;
  readonly level?: 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9;
}

export const DEFAULT_CHUNK_RECORDS = 25_000;
const DEFAULT_CHUNK_BODY_BYTES = 4 * 1024 * 1024;

/**
 * Encodes a snapshot or delta as signed chunks, streaming: `people` (ascending 12-digit
 * ID order, e.g. straight from an `ORDER BY id12` cursor) are read once and never held
 * all at once. The chunks partition the ID space: chunk 0 starts at 0, each next one
 * right after the last ID of the one before, and the final one ends at 999 999 999 999 —
 * which is how a reader knows it is final. No people gives one empty chunk.
 */
export function* encodeSyncChunks(
  people: Iterable<SyncedPerson>,
  identity: SyncStreamIdentity,
  signer: ChunkSigner,
  options: ChunkingOptions = {},
): Generator<Uint8Array> {
  const maxRecords = options.maxRecords ?? DEFAULT_CHUNK_RECORDS;
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_CHUNK_BODY_BYTES;
  if (identity.kind === 'snapshot' && identity.fromSeq !== 0) throw new RangeError('a snapshot has fromSeq 0');
  const body = new ByteWriter(1 << 20);
  const scratch = new ByteWriter(256);
  let index = 0;
  let rangeStart = 0;
  let previous: number | undefined;
  let count = 0;
  const flush = (rangeEnd: number): Uint8Array => {
    const chunk = encodeChunk({ ...identity, index, rangeStart, rangeEnd, recordCount: count, body: body.toBytes() }, signer, options.level);
    index += 1;
    rangeStart = rangeEnd + 1;
    previous = undefined;
    count = 0;
    body.reset();
    return chunk;
  };
  let last = -1;
  for (const person of people) {
    // A full chunk is only closed once another person exists: otherwise it is the final one.
    if (count >= maxRecords || body.size >= maxBodyBytes) yield flush(last);
    last = writeRecord(body, person, rangeStart, previous, scratch);
    previous = last;
    count += 1;
  }
  yield flush(MAX_ID12);
}
