import { describe, expect, it } from 'vitest';
import type { ArtefactSnapshotChunk } from '../../../../domain/sync/artefact-index.js';
import { ChunkStreamVerifier, type ArtefactPlacement, type SyncPosition } from '../../../../domain/sync/chunk-stream-verifier.js';
import {
  ARTEFACT_SIGNING_CONTEXT,
  artefactChunk,
  HEADER_BYTES,
  MAX_ID12,
  parseChunkHeader,
  reframeChunk,
  SYNC_SIGNING_CONTEXT,
  type SyncKind,
} from '../../../../domain/sync/sync-chunk.js';
import { recordsToPeople } from '../../../../domain/sync/sync-records.js';
import { hubKeyStoreFromKeys } from '../../../../main/trust/hub-key-store.js';
import { chunksOf, people, testHubKey } from '../../../support/sync-fixtures.js';
import { refusalOf } from './chunk-forge.js';

const key = testHubKey();
const keys = hubKeyStoreFromKeys([key.publicKeyBase64]);
const S = 50;
/** The snapshot at S as the API serves it: four version-1 chunks. */
const stream = encode(S);
/** The same snapshot as the store keeps it: its ranges written at 20, 50, 20 and 35. */
const contentSeqs = [20, 50, 20, 35];
const storedChunks = stream.map((chunk, i) => artefactChunk(chunk, parseChunkHeader(chunk), contentSeqs[i] as number, key));
const placement: ArtefactPlacement = { seq: S, chunks: storedChunks.map((chunk, i) => placed(chunk, contentSeqs[i] as number)) };

function encode(seq: number): Uint8Array[] {
  return chunksOf(people(40), { kind: 'snapshot', fromSeq: 0, toSeq: seq }, key, { maxRecords: 10 });
}

function placed(chunk: Uint8Array, contentSeq: number): ArtefactSnapshotChunk {
  const header = parseChunkHeader(chunk);
  return { sha256: 'a'.repeat(64), bytes: chunk.length, start: header.rangeStart, end: header.rangeEnd, contentSeq };
}

/** Feeds chunks in order: the code of the first refusal, or 'accepted' with the people read once the stream is complete. */
function feed(chunks: readonly Uint8Array[], options: { kind?: SyncKind; position?: SyncPosition; placement?: ArtefactPlacement } = {}): string {
  const verifier = new ChunkStreamVerifier(options.kind ?? 'snapshot', options.position ?? { watermark: 0 }, keys, options.placement);
  for (const chunk of chunks) {
    const outcome = refusalOf(() => verifier.accept(chunk));
    if (outcome !== 'accepted') return outcome;
  }
  return verifier.complete ? 'accepted' : 'incomplete';
}

/** The chunk with its signature replaced by one over `context` ‖ the same header and body. */
function signedUnder(chunk: Uint8Array, context: string): Uint8Array {
  const signedLength = HEADER_BYTES + parseChunkHeader(chunk).compressedLength;
  const prefix = new TextEncoder().encode(context);
  const data = new Uint8Array(prefix.length + signedLength);
  data.set(prefix);
  data.set(chunk.subarray(0, signedLength), prefix.length);
  const out = chunk.slice();
  out.set(key.sign(data), signedLength);
  return out;
}

describe('format version 2: the artefact store snapshot chunk', () => {
  it('keeps range, records and body, carries the content sequence and index 0, and is the same bytes whatever snapshot it came from', () => {
    expect(stream).toHaveLength(4);
    const v1 = parseChunkHeader(stream[2] as Uint8Array);
    const v2 = parseChunkHeader(storedChunks[2] as Uint8Array);
    expect(v2).toEqual({ ...v1, version: 2, toSeq: 20, index: 0 });
    const body = (chunk: Uint8Array): Uint8Array => chunk.subarray(HEADER_BYTES, HEADER_BYTES + v1.compressedLength);
    expect(body(storedChunks[2] as Uint8Array)).toEqual(body(stream[2] as Uint8Array));
    // The same range and records at a later snapshot: the same stored bytes (Ed25519 is deterministic).
    const later = encode(S + 7)[2] as Uint8Array;
    expect(artefactChunk(later, parseChunkHeader(later), 20, key)).toEqual(storedChunks[2]);
    // And back: chunk i of the snapshot at S as the API serves it, byte for byte.
    storedChunks.forEach((chunk, i) => expect(reframeChunk(chunk, parseChunkHeader(chunk), { toSeq: S, index: i }, key)).toEqual(stream[i]));
  });

  it('is signed under its own context: neither version verifies under the other', () => {
    const stored = storedChunks[1] as Uint8Array;
    const streamed = stream[1] as Uint8Array;
    expect(new TextEncoder().encode(ARTEFACT_SIGNING_CONTEXT)).not.toEqual(new TextEncoder().encode(SYNC_SIGNING_CONTEXT));
    expect(signedUnder(stored, ARTEFACT_SIGNING_CONTEXT)).toEqual(stored);
    expect(signedUnder(streamed, SYNC_SIGNING_CONTEXT)).toEqual(streamed);
    const first = stream[0] as Uint8Array;
    expect(feed([first, signedUnder(stored, SYNC_SIGNING_CONTEXT)], { placement })).toBe('sync.signature');
    expect(feed([first, signedUnder(streamed, ARTEFACT_SIGNING_CONTEXT)], { placement })).toBe('sync.signature');
  });
});

describe('format version 2: read only where the signed artefact index places it', () => {
  it('reads the stored chunks as the snapshot at S, exactly as the API stream', () => {
    const read = (chunks: readonly Uint8Array[], withPlacement?: ArtefactPlacement): unknown[] => {
      const verifier = new ChunkStreamVerifier('snapshot', { watermark: 0 }, keys, withPlacement);
      return chunks.map((chunk) => {
        const { header, records, cursor } = verifier.accept(chunk);
        return { toSeq: header.toSeq, index: header.index, cursor, people: recordsToPeople(records) };
      });
    };
    expect(read(storedChunks, placement)).toEqual(read(stream));
    // A download that fell back to the API at chunk 2 continues the same stream.
    expect(feed([...storedChunks.slice(0, 2), ...stream.slice(2)], { placement })).toBe('accepted');
  });

  it('resumes a snapshot in progress at the chunk the index places at the cursor', () => {
    const verifier = new ChunkStreamVerifier('snapshot', { watermark: 0 }, keys, placement);
    verifier.accept(storedChunks[0] as Uint8Array);
    const position: SyncPosition = { watermark: 0, ...(verifier.current === undefined ? {} : { snapshotInProgress: verifier.current }) };
    expect(position.snapshotInProgress).toMatchObject({ toSeq: S, nextIndex: 1 });
    expect(feed(storedChunks.slice(1), { position, placement })).toBe('accepted');
    expect(feed(storedChunks.slice(2), { position, placement })).toBe('sync.sequence');
  });

  it('refuses a stored chunk without the placement: the API stream, a delta', () => {
    expect(feed(storedChunks)).toBe('sync.version');
    expect(feed([stream[0] as Uint8Array, storedChunks[1] as Uint8Array])).toBe('sync.version');
    expect(feed(storedChunks, { kind: 'delta', placement })).toBe('sync.version');
  });

  it('refuses a stored chunk the index does not place there: stale, out of order, of another range, or after the snapshot', () => {
    const staleSecond = artefactChunk(stream[1] as Uint8Array, parseChunkHeader(stream[1] as Uint8Array), 20, key);
    expect(feed([storedChunks[0] as Uint8Array, staleSecond, ...storedChunks.slice(2)], { placement })).toBe('sync.sequence');
    expect(feed([storedChunks[1] as Uint8Array, storedChunks[0] as Uint8Array], { placement })).toBe('sync.sequence');
    expect(feed([storedChunks[0] as Uint8Array, storedChunks[0] as Uint8Array], { placement })).toBe('sync.sequence');
    const split = { seq: S, chunks: [{ ...(placement.chunks[0] as ArtefactSnapshotChunk), end: MAX_ID12 }] };
    expect(feed(storedChunks.slice(0, 1), { placement: split })).toBe('sync.sequence');
    const future = { seq: 19, chunks: placement.chunks };
    expect(feed(storedChunks, { placement: future })).toBe('sync.sequence');
    // Placed right, but older than the kiosk's data: a replay like any other.
    expect(feed(storedChunks, { placement, position: { watermark: S + 1 } })).toBe('sync.replay');
  });
});
