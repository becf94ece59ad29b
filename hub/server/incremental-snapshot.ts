import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { ByteWriter } from '../../domain/sync/byte-io.js';
import type { FileHandle } from 'node:fs/promises';
import { setImmediate as nextTurn } from 'node:timers/promises';
import {
  chunkSignature,
  chunkSignedBytes,
  HEADER_BYTES,
  MAX_ID12,
  parseChunkHeader,
  reframeChunk,
  type ChunkHeader,
  type ChunkSigner,
  type RawDeflate,
} from '../../domain/sync/sync-chunk.js';
import { DEFAULT_CHUNK_RECORDS, encodeMergedRange, type ChunkingOptions } from '../../domain/sync/sync-encoder.js';
import { encodeRecord, readRecords, type ChunkRecords, type EncodedRecord } from '../../domain/sync/sync-records.js';
import type { SyncedPerson } from '../../domain/sync/synced-person.js';
import { messageOf } from '../../platform/message-of.js';
import type { HubStorage } from '../storage/hub-storage.js';
import type { SnapshotIndex } from './snapshot-index.js';

/** A signer whose public key is known: a previous snapshot's chunks are verified before they are signed again. */
export interface SnapshotSigner extends ChunkSigner {
  readonly publicKeyRaw: Uint8Array;
}

/** Why a snapshot cannot be merged from the previous one: it is then built from the database. */
export class MergeNotPossible extends Error {}

/**
 * Past this share of the previous snapshot's people, a delta is not merged: nearly every
 * chunk would be rewritten and grow, and a full build chunks them evenly again.
 */
const MAX_DELTA_SHARE = 0.5;

export interface MergeRequest {
  readonly storage: HubStorage;
  readonly signer: SnapshotSigner;
  /** The previous snapshot's index and its data file, open for reading. */
  readonly base: SnapshotIndex;
  readonly baseData: FileHandle;
  readonly seq: number;
  readonly pageSize: number;
  readonly chunking: ChunkingOptions;
  /** Told each previous chunk's outcome as it is made: its people now, and whether it was kept (reframed) rather than rewritten. */
  readonly onChunk: (people: number, kept: boolean) => void;
}

/**
 * The snapshot at `seq` as the previous snapshot (at base.seq) merged with the delta
 * (base.seq, seq], chunk by chunk, both in ascending ID order — never a read of every person
 * from the database. A previous chunk whose ID range no changed person falls into keeps its
 * range and its compressed body: only its header (sequence, index) is rewritten and signed
 * again. A chunk with changes is inflated, merged (the delta's state wins; the hub never
 * deletes a person, so nobody leaves) and compressed again, split evenly if it outgrew the
 * chunk limits — its last part still ends where it ended, so the chunks after it keep
 * their ranges too.
 *
 * A person changed after `seq` while this runs is not in the delta (their seq is above it)
 * and keeps their state of the previous snapshot: the delta since `seq`, which a kiosk
 * applies next, brings their latest state (a full build leaves them out, to the same end).
 *
 * Throws MergeNotPossible when the previous snapshot cannot be used (the caller builds from
 * the database instead); nothing it yielded must then be kept.
 */
export async function* mergedSnapshotChunks(request: MergeRequest): AsyncGenerator<Uint8Array> {
  const { base, signer, seq } = request;
  if (base.keyId !== signer.keyId) throw new MergeNotPossible(`the previous snapshot is signed by key ${base.keyId}`);
  if (base.seq >= seq) throw new MergeNotPossible(`the previous snapshot is at sequence ${base.seq}, not before ${seq}`);
  if (base.chunkRecords !== (request.chunking.maxRecords ?? DEFAULT_CHUNK_RECORDS)) throw new MergeNotPossible('the previous snapshot was chunked differently');
  const delta = new DeltaReader(request.storage, base.seq, seq, request.pageSize, Math.floor(base.people * MAX_DELTA_SHARE));
  const publicKey = publicKeyOf(signer);
  let index = 0;
  let expectedStart = 0;
  for (let i = 0; i + 1 < base.offsets.length; i++) {
    const bytes = await readChunk(request.baseData, base.offsets[i] as number, base.offsets[i + 1] as number);
    const header = checkedBaseChunk(bytes, base, i, expectedStart, publicKey);
    expectedStart = header.rangeEnd + 1;
    const changes = await delta.through(header.rangeEnd);
    if (changes.length === 0) {
      request.onChunk(header.recordCount, true);
      yield reframeChunk(bytes, header, { toSeq: seq, index: index++ }, signer);
    } else {
      const records = recordsOf(bytes, header);
      const range = { rangeStart: header.rangeStart, rangeEnd: header.rangeEnd, firstIndex: index };
      const parts = encodeMergedRange(records, changes, range, { kind: 'snapshot', fromSeq: 0, toSeq: seq }, signer, request.chunking, zlibDeflate);
      request.onChunk(
        parts.reduce((people, part) => people + parseChunkHeader(part).recordCount, 0),
        false,
      );
      index += parts.length;
      yield* parts;
    }
    await nextTurn();
  }
  if (expectedStart !== MAX_ID12 + 1) throw new MergeNotPossible('the previous snapshot has no final chunk');
  await delta.finish();
}

/**
 * A previous chunk's records, its body inflated by Node's zlib (several times faster than the
 * portable inflater; the signature was checked, and the output is capped at the declared
 * length). A body that does not read back is not merged from, whatever is wrong with it.
 */
function recordsOf(bytes: Uint8Array, header: ChunkHeader): ChunkRecords {
  try {
    const body = inflateRawSync(bytes.subarray(HEADER_BYTES, HEADER_BYTES + header.compressedLength), { maxOutputLength: Math.max(1, header.bodyLength) });
    if (body.length !== header.bodyLength) throw new Error(`it inflates to ${body.length} bytes, not ${header.bodyLength}`);
    return readRecords(body, header);
  } catch (error) {
    throw new MergeNotPossible(`chunk ${header.index} of the previous snapshot does not read back: ${messageOf(error)}`);
  }
}

/** Node's zlib for the chunks the hub builds in bulk (sync-chunk.ts: RawDeflate). */
export const zlibDeflate: RawDeflate = (body, level) => deflateRawSync(body, { level });

/**
 * A chunk of the previous snapshot, checked as a kiosk would check it before its body is
 * signed again: a corrupted cache file must never leave the hub with a fresh signature.
 */
function checkedBaseChunk(bytes: Uint8Array, base: SnapshotIndex, index: number, expectedStart: number, publicKey: KeyObject): ChunkHeader {
  let header: ChunkHeader;
  try {
    header = parseChunkHeader(bytes);
  } catch (error) {
    throw new MergeNotPossible(`chunk ${index} of the previous snapshot is unreadable: ${messageOf(error)}`);
  }
  const fits =
    header.kind === 'snapshot' && header.toSeq === base.seq && header.index === index && header.rangeStart === expectedStart && header.keyId === base.keyId;
  if (!fits) throw new MergeNotPossible(`chunk ${index} of the previous snapshot does not continue it`);
  if (!verify(null, chunkSignedBytes(bytes, header), publicKey, chunkSignature(bytes, header))) {
    throw new MergeNotPossible(`chunk ${index} of the previous snapshot fails its signature`);
  }
  return header;
}

async function readChunk(file: FileHandle, start: number, end: number): Promise<Uint8Array> {
  const bytes = new Uint8Array(end - start);
  const { bytesRead } = await file.read(bytes, 0, bytes.length, start);
  if (bytesRead !== bytes.length) throw new MergeNotPossible('the previous snapshot file is shorter than its index');
  return bytes;
}

function publicKeyOf(signer: SnapshotSigner): KeyObject {
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(signer.publicKeyRaw).toString('base64url') }, format: 'jwk' });
}

/**
 * The delta (from, to] read page by page in ID order (the query deltas use), handed out a
 * chunk's ID range at a time with facts encoded. Stops with MergeNotPossible once more than
 * `maxPeople` changed.
 */
class DeltaReader {
  private pending: EncodedRecord[] = [];
  private after: string | undefined;
  private ended: boolean;
  private people = 0;
  private readonly scratch = new ByteWriter(256);

  constructor(
    private readonly storage: HubStorage,
    private readonly from: number,
    private readonly to: number,
    private readonly pageSize: number,
    private readonly maxPeople: number,
  ) {
    this.ended = from === to;
  }

  /** The changed people with IDs up to `rangeEnd` not handed out yet. */
  async through(rangeEnd: number): Promise<EncodedRecord[]> {
    while (!this.ended && (this.pending.at(-1)?.id12 ?? -1) <= rangeEnd) await this.readPage();
    let take = 0;
    while (take < this.pending.length && (this.pending[take] as EncodedRecord).id12 <= rangeEnd) take += 1;
    return this.pending.splice(0, take);
  }

  /** Every changed person must have fallen into a chunk: the final one ends at the highest ID. */
  async finish(): Promise<void> {
    if ((await this.through(MAX_ID12)).length > 0 || this.pending.length > 0) throw new Error('changed people beyond the final chunk');
  }

  private async readPage(): Promise<void> {
    const page = await this.storage.changedSince(this.from, this.after, this.pageSize);
    if (page.length < this.pageSize) this.ended = true;
    this.after = page.at(-1)?.id12;
    const inDelta: SyncedPerson[] = page.filter((person) => person.seq <= this.to);
    this.people += inDelta.length;
    if (this.people > this.maxPeople) throw new MergeNotPossible(`more than ${this.maxPeople} people changed since the previous snapshot`);
    for (const person of inDelta) this.pending.push(encodeRecord(person, this.scratch));
  }
}
