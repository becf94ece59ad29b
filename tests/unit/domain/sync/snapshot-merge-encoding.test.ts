import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ChunkStreamVerifier } from '../../../../domain/sync/chunk-stream-verifier.js';
import { CHUNK_LIMITS, HEADER_BYTES, inflateChunkBody, MAX_ID12, parseChunkHeader, reframeChunk } from '../../../../domain/sync/sync-chunk.js';
import { encodeMergedRange } from '../../../../domain/sync/sync-encoder.js';
import { encodeRecord, readRecords, recordsToPeople } from '../../../../domain/sync/sync-records.js';
import type { SyncedPerson } from '../../../../domain/sync/synced-person.js';
import { hubKeyStoreFromKeys } from '../../../../main/trust/hub-key-store.js';
import { chunksOf, people, person, personId, testHubKey } from '../../../support/sync-fixtures.js';
import { peopleArbitrary } from './sync-arbitraries.js';

const key = testHubKey();
const otherKey = testHubKey();
const keys = hubKeyStoreFromKeys([key.publicKeyBase64]);
const snapshotAt = (toSeq: number) => ({ kind: 'snapshot' as const, fromSeq: 0, toSeq });
const plain = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

describe('reframeChunk', () => {
  const chunks = chunksOf(people(90), snapshotAt(4), key, { maxRecords: 30 });

  it('moves a snapshot chunk to a later sequence and index: same body, a signature a kiosk accepts', () => {
    const header = parseChunkHeader(chunks[1] as Uint8Array);
    const moved = reframeChunk(chunks[1] as Uint8Array, header, { toSeq: 9, index: 2 }, key);
    const after = parseChunkHeader(moved);
    expect(after).toEqual({ ...header, toSeq: 9, index: 2 });
    expect(Buffer.from(moved.subarray(HEADER_BYTES, HEADER_BYTES + header.compressedLength))).toEqual(
      Buffer.from((chunks[1] as Uint8Array).subarray(HEADER_BYTES, HEADER_BYTES + header.compressedLength)),
    );
    // A whole stream of reframed chunks verifies and reads the same people.
    const stream = chunks.map((chunk, index) => reframeChunk(chunk, parseChunkHeader(chunk), { toSeq: 9, index }, key));
    const verifier = new ChunkStreamVerifier('snapshot', { watermark: 4 }, keys);
    expect(stream.flatMap((chunk) => recordsToPeople(verifier.accept(chunk).records))).toEqual([...people(90)]);
    expect(verifier.complete).toBe(true);
  });

  it('refuses what it must not re-sign: a delta chunk, another key, chunk 0 moved elsewhere', () => {
    const delta = chunksOf(people(3), { kind: 'delta', fromSeq: 1, toSeq: 2 }, key)[0] as Uint8Array;
    expect(() => reframeChunk(delta, parseChunkHeader(delta), { toSeq: 3, index: 0 }, key)).toThrow(/only a snapshot chunk/);
    const first = chunks[0] as Uint8Array;
    expect(() => reframeChunk(first, parseChunkHeader(first), { toSeq: 5, index: 0 }, otherKey)).toThrow(/not by the signing key/);
    expect(() => reframeChunk(first, parseChunkHeader(first), { toSeq: 5, index: 1 }, key)).toThrow(/chunk 0/);
  });
});

/** The base's people with `changes` merged in, by ID, as a plain reference. */
function mergedReference(base: readonly SyncedPerson[], changes: readonly SyncedPerson[]): SyncedPerson[] {
  const byId = new Map(base.map((p) => [p.id12, p]));
  for (const p of changes) byId.set(p.id12, p);
  return [...byId.values()].sort((a, b) => Number(a.id12) - Number(b.id12));
}

/** One snapshot chunk of `base` covering every ID, merged with `changes` into chunks of at most `maxRecords`. */
function merge(base: readonly SyncedPerson[], changes: readonly SyncedPerson[], maxRecords: number): Uint8Array[] {
  const chunk = chunksOf(base, snapshotAt(3), key, { maxRecords: CHUNK_LIMITS.records })[0] as Uint8Array;
  const header = parseChunkHeader(chunk);
  const records = readRecords(inflateChunkBody(chunk, header), header);
  return encodeMergedRange(
    records,
    changes.map((p) => encodeRecord(p)),
    { rangeStart: 0, rangeEnd: MAX_ID12, firstIndex: 0 },
    snapshotAt(4),
    key,
    { maxRecords },
  );
}

const readAll = (chunks: readonly Uint8Array[]): SyncedPerson[] => {
  const verifier = new ChunkStreamVerifier('snapshot', { watermark: 0 }, keys);
  const out = chunks.flatMap((chunk) => recordsToPeople(verifier.accept(chunk).records));
  expect(verifier.complete).toBe(true);
  return out;
};

describe('encodeMergedRange', () => {
  const base = [...people(60)];
  const changes = [
    { id12: '000000000001', facts: person(1, 4).facts },
    person(0, 2), // the first person changes
    { ...person(5, 3), bhxh: '0000000042' },
    { id12: String(personId(5) + 1).padStart(12, '0'), facts: person(2).facts }, // right after a kept one
    person(59, 1), // the last person changes
    { id12: '999999999999', facts: person(3).facts },
  ];

  it('merges changes (the change wins) and new people into a chunk, splitting evenly past the limit, the last part ending where the range ends', () => {
    const chunks = merge(base, changes, 30);
    const headers = chunks.map((chunk) => parseChunkHeader(chunk));
    expect(headers.map((h) => h.recordCount)).toEqual([21, 21, 21]);
    expect(headers.map((h) => h.index)).toEqual([0, 1, 2]);
    expect(headers.at(-1)?.rangeEnd).toBe(MAX_ID12);
    expect(readAll(chunks)).toEqual(mergedReference(base, changes));
  });

  it('keeps one chunk within the limit', () => {
    const chunks = merge(base, changes.slice(1, 3), 100);
    expect(chunks.map((chunk) => parseChunkHeader(chunk))).toMatchObject([{ index: 0, recordCount: 60, rangeStart: 0, rangeEnd: MAX_ID12 }]);
    expect(readAll(chunks)).toEqual(mergedReference(base, changes.slice(1, 3)));
  });

  it('refuses a change outside the range', () => {
    const chunk = chunksOf(base, snapshotAt(3), key, { maxRecords: 100 })[0] as Uint8Array;
    const header = parseChunkHeader(chunk);
    const records = readRecords(inflateChunkBody(chunk, header), header);
    const range = { rangeStart: 5, rangeEnd: MAX_ID12, firstIndex: 1 };
    expect(() => encodeMergedRange(records, [encodeRecord({ id12: '000000000002', facts: person(1).facts })], range, snapshotAt(4), key)).toThrow(
      /outside the range/,
    );
  });

  it('reads back as the plain merge, whatever the people and changes', () => {
    fc.assert(
      fc.property(peopleArbitrary(40), peopleArbitrary(15), fc.integer({ min: 1, max: 50 }), (before, changed, maxRecords) => {
        expect(readAll(merge(before, changed, maxRecords))).toEqual(plain(mergedReference(before, changed)));
      }),
      { numRuns: 60 },
    );
  });
});
