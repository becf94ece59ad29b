import { ByteWriter, varintLength } from './byte-io.js';
import { encodeChunk, MAX_ID12, type ChunkSigner, type DeflateLevel, type RawDeflate, type SyncKind } from './sync-chunk.js';
import { writeEncodedRecord, writeRecord, type ChunkRecords, type EncodedRecord } from './sync-records.js';
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
  readonly level?: DeflateLevel;
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
  deflate?: RawDeflate,
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
    const chunk = encodeChunk({ ...identity, index, rangeStart, rangeEnd, recordCount: count, body: body.toBytes() }, signer, options.level, deflate);
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

/**
 * One chunk of a snapshot (`base`, its records read from the chunk covering [rangeStart,
 * rangeEnd]) with `changes` merged in — ascending, facts encoded; a change to a person the
 * chunk holds replaces them — as one or more consecutive chunks numbered from `firstIndex`.
 * Runs of unchanged records are copied as bytes: only the first record after a change gets
 * its ID gap written anew. A result past the chunk limits is split into even parts, the last
 * of which still ends at `rangeEnd`, so the chunks around it keep their ranges.
 */
export function encodeMergedRange(
  base: ChunkRecords,
  changes: readonly EncodedRecord[],
  range: { readonly rangeStart: number; readonly rangeEnd: number; readonly firstIndex: number },
  identity: SyncStreamIdentity,
  signer: ChunkSigner,
  options: ChunkingOptions = {},
  deflate?: RawDeflate,
): Uint8Array[] {
  const maxRecords = options.maxRecords ?? DEFAULT_CHUNK_RECORDS;
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_CHUNK_BODY_BYTES;
  for (const change of changes) if (change.id12 < range.rangeStart || change.id12 > range.rangeEnd) throw new RangeError(`${change.id12} is outside the range`);
  const total = base.count + changes.length - replacedCount(base, changes);
  const parts = Math.max(1, Math.ceil(total / maxRecords));
  const perPart = Math.ceil(total / parts);
  const chunks: Uint8Array[] = [];
  const body = new ByteWriter(base.body.length + changes.length * 64);
  let rangeStart = range.rangeStart;
  let previous: number | undefined;
  let count = 0;
  // Base records waiting to be copied as they are: base.body[copyFrom, copyTo).
  let copyFrom = 0;
  let copyTo = 0;
  const copy = (): void => {
    if (copyTo > copyFrom) body.bytes(base.body.subarray(copyFrom, copyTo));
    copyFrom = copyTo = 0;
  };
  const flush = (rangeEnd: number): void => {
    copy();
    const index = range.firstIndex + chunks.length;
    chunks.push(encodeChunk({ ...identity, index, rangeStart, rangeEnd, recordCount: count, body: body.toBytes() }, signer, options.level, deflate));
    rangeStart = rangeEnd + 1;
    previous = undefined;
    count = 0;
    body.reset();
  };
  const startRecord = (): void => {
    if (previous !== undefined && (count >= perPart || body.size + copyTo - copyFrom >= maxBodyBytes)) flush(previous);
  };
  let c = 0;
  const takeChange = (): void => {
    startRecord();
    copy();
    previous = writeEncodedRecord(body, changes[c++] as EncodedRecord, rangeStart, previous);
    count += 1;
  };
  for (let i = 0; i < base.count; i++) {
    const id12 = base.id12[i] as number;
    while (c < changes.length && (changes[c] as EncodedRecord).id12 < id12) takeChange();
    if (c < changes.length && (changes[c] as EncodedRecord).id12 === id12) {
      takeChange();
      continue;
    }
    startRecord();
    const recordEnd = base.factsEnd[i] as number;
    const previousInBase = i === 0 ? undefined : (base.factsEnd[i - 1] as number);
    if (previous !== undefined && previous === base.id12[i - 1] && copyTo === previousInBase) {
      copyTo = recordEnd; // the record right after the one before it in the base: its gap is unchanged
    } else {
      copy();
      const originalGap = i === 0 ? id12 - range.rangeStart : id12 - (base.id12[i - 1] as number) - 1;
      body.varint(previous === undefined ? id12 - rangeStart : id12 - previous - 1);
      copyFrom = (previousInBase ?? 0) + varintLength(originalGap);
      copyTo = recordEnd;
    }
    previous = id12;
    count += 1;
  }
  while (c < changes.length) takeChange();
  flush(range.rangeEnd);
  return chunks;
}

/** How many of `changes` replace a record of `base` (the rest are new people). */
function replacedCount(base: ChunkRecords, changes: readonly EncodedRecord[]): number {
  let replaced = 0;
  let i = 0;
  for (const change of changes) {
    while (i < base.count && (base.id12[i] as number) < change.id12) i += 1;
    if (i < base.count && base.id12[i] === change.id12) replaced += 1;
  }
  return replaced;
}
