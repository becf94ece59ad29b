import fc from 'fast-check';
import { deflateSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { ByteWriter } from '../../../../domain/sync/byte-io.js';
import { ChunkStreamVerifier } from '../../../../domain/sync/chunk-stream-verifier.js';
import { CHUNK_LIMITS, HEADER_BYTES, MAX_ID12, parseChunkHeader, type SyncKind } from '../../../../domain/sync/sync-chunk.js';
import { recordsToPeople, writeRecord } from '../../../../domain/sync/sync-records.js';
import type { SyncedPerson } from '../../../../domain/sync/synced-person.js';
import { frameChunks } from '../../../../main/sync/chunk-framer.js';
import { hubKeyStoreFromKeys } from '../../../../main/trust/hub-key-store.js';
import { chunksOf, people, testHubKey } from '../../../support/sync-fixtures.js';
import { forgeChunk, refusalOf } from './chunk-forge.js';
import { peopleArbitrary } from './sync-arbitraries.js';

const key = testHubKey();
const keys = hubKeyStoreFromKeys([key.publicKeyBase64]);
const plain = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

function readAll(chunks: readonly Uint8Array[], kind: SyncKind = 'snapshot'): SyncedPerson[] {
  // A kiosk exactly at the delta's start.
  const verifier = new ChunkStreamVerifier(kind, { watermark: chunks[0] === undefined ? 0 : parseChunkHeader(chunks[0]).fromSeq }, keys);
  const out = chunks.flatMap((chunk) => recordsToPeople(verifier.accept(chunk).records));
  expect(verifier.complete).toBe(true);
  return out;
}

function body(list: readonly SyncedPerson[], rangeStart = 0): Uint8Array {
  const w = new ByteWriter();
  let previous: number | undefined;
  for (const p of list) previous = writeRecord(w, p, rangeStart, previous, new ByteWriter());
  return w.toBytes();
}

describe('sync chunks: encoding', () => {
  it('round-trips random people through chunks of random sizes, snapshot or delta', () => {
    fc.assert(
      fc.property(peopleArbitrary(40), fc.integer({ min: 1, max: 12 }), fc.boolean(), (list, maxRecords, isDelta) => {
        const identity = isDelta ? { kind: 'delta' as const, fromSeq: 3, toSeq: 9 } : { kind: 'snapshot' as const, fromSeq: 0, toSeq: 9 };
        const chunks = chunksOf(list, identity, key, { maxRecords });
        expect(chunks).toHaveLength(Math.max(1, Math.ceil(list.length / maxRecords)));
        const normalised = plain(
          list.map((p) => ({ ...p, facts: { ...p.facts, tests: p.facts.tests.map((t) => ({ ...t, takenAt: new Date(t.takenAt).toISOString() })) } })),
        );
        expect(readAll(chunks, identity.kind)).toStrictEqual(normalised);
      }),
      { numRuns: 300 },
    );
  });

  it('partitions the ID space: chunk 0 from ID 0, each next after the last, the final one to 999 999 999 999', () => {
    const chunks = chunksOf(people(1000), { kind: 'snapshot', fromSeq: 0, toSeq: 5 }, key, { maxRecords: 300 });
    const headers = chunks.map(parseChunkHeader);
    expect(headers.map((h) => [h.index, h.recordCount])).toEqual([
      [0, 300],
      [1, 300],
      [2, 300],
      [3, 100],
    ]);
    expect(headers[0]?.rangeStart).toBe(0);
    headers.slice(1).forEach((h, i) => expect(h.rangeStart).toBe((headers[i]?.rangeEnd as number) + 1));
    expect(headers.at(-1)?.rangeEnd).toBe(MAX_ID12);
    expect(readAll(chunks)).toHaveLength(1000);
  });

  it('encodes no people as one empty final chunk', () => {
    const chunks = chunksOf([], { kind: 'delta', fromSeq: 7, toSeq: 7 }, key);
    expect(chunks.map(parseChunkHeader)).toMatchObject([{ index: 0, recordCount: 0, rangeStart: 0, rangeEnd: MAX_ID12 }]);
    expect(readAll(chunks, 'delta')).toEqual([]);
  });

  it('refuses to encode people out of order or with malformed identifiers', () => {
    const [a, b] = [...people(2)] as [SyncedPerson, SyncedPerson];
    expect(() => chunksOf([b, a], { kind: 'snapshot', fromSeq: 0, toSeq: 1 }, key)).toThrow(/ascending/);
    expect(() => chunksOf([{ ...a, oldId: '12345' }], { kind: 'snapshot', fromSeq: 0, toSeq: 1 }, key)).toThrow(/9 digits/);
  });

  it('frames a byte stream of concatenated chunks however it is cut', async () => {
    const chunks = chunksOf(people(500), { kind: 'snapshot', fromSeq: 0, toSeq: 5 }, key, { maxRecords: 100 });
    const all = Uint8Array.from(chunks.flatMap((c) => [...c]));
    const pieces = (size: number): Uint8Array[] => Array.from({ length: Math.ceil(all.length / size) }, (_, i) => all.subarray(i * size, (i + 1) * size));
    for (const size of [1, 7, 4096, all.length]) {
      const framed: Uint8Array[] = [];
      for await (const chunk of frameChunks(pieces(size))) framed.push(chunk);
      expect(framed).toEqual(chunks);
    }
    await expect(async () => {
      for await (const _ of frameChunks([all.subarray(0, all.length - 1)])) void _;
    }).rejects.toMatchObject({ code: 'sync.incomplete' });
  });
});

describe('sync chunks: the example in docs/sync-format.md', () => {
  it('verifies and decodes', () => {
    const hex = [
      '434853590101197f6b23',
      '0000000000000000',
      '000000000000002a',
      '00000000',
      '000000000000',
      '00e8d4a50fff',
      '00000001',
      '00000026',
      '0000002a',
      '9bf46bc5cf0b8ccc0d3bd7649fdb34ed8b8828530b272323c3214e462606c68627ffff2e636664600000',
      '1c504755368481b28d7825b44e4b0eaf8b5c6f113efc369b35fe401eb790c084',
      '8e37b66e2c883a4d9db1e243bf2001f27352f3cf997c5e682cd889c13ddb6b04',
    ].join('');
    const chunk = new Uint8Array(Buffer.from(hex, 'hex'));
    const verifier = new ChunkStreamVerifier('snapshot', { watermark: 0 }, hubKeyStoreFromKeys(['GX9rI+FshTLGq8g4+s1ep4m+DHaykgM0A5v6iz02jWE=']));
    const { header, records, final } = verifier.accept(chunk);
    expect(header).toMatchObject({ keyId: '197f6b23', toSeq: 42, recordCount: 1, bodyLength: 38 });
    expect(final).toBe(true);
    expect(recordsToPeople(records)).toStrictEqual([
      {
        id12: '056089001234',
        oldId: '225123456',
        bhxh: '5612345678',
        facts: {
          doses: [
            { dose: 1, date: '2021-08-01', product: 'EU/1/20/1528' },
            { dose: 2, date: '2021-09-01', product: 'EU/1/20/1528' },
          ],
          tests: [{ takenAt: '2021-10-19T02:00:00.000Z', kind: 'pcr', result: 'negative' }],
          quarantine: [],
        },
      },
    ]);
  });
});

describe('sync chunks: strict decoding', () => {
  const accept = (chunk: Uint8Array): string => refusalOf(() => new ChunkStreamVerifier('snapshot', { watermark: 0 }, keys).accept(chunk));
  const [good] = chunksOf(people(20), { kind: 'snapshot', fromSeq: 0, toSeq: 10 }, key) as [Uint8Array];

  it('refuses every truncation and any trailing byte as malformed', () => {
    expect(accept(good)).toBe('accepted');
    for (let cut = 0; cut < good.length; cut++) expect(accept(good.subarray(0, cut))).toBe('sync.malformed');
    expect(accept(Uint8Array.of(...good, 0))).toBe('sync.malformed');
  });

  it('refuses another magic or version', () => {
    const other = good.slice();
    other[0] = 0x58;
    expect(accept(other)).toBe('sync.malformed');
    expect(accept(forgeChunk(key, { version: 3 }))).toBe('sync.version');
    // Version 2 is read only with the artefact index's placement (artefact-chunk.test.ts).
    expect(accept(forgeChunk(key, { version: 2 }))).toBe('sync.version');
    expect(accept(forgeChunk(key, { kind: 3 }))).toBe('sync.malformed');
  });

  it('refuses counts above the limits or disagreeing with the body, even when signed', () => {
    expect(accept(forgeChunk(key, {}))).toBe('accepted');
    expect(accept(forgeChunk(key, { recordCount: CHUNK_LIMITS.records + 1 }))).toBe('sync.malformed');
    const two = body([...people(2)]);
    expect(accept(forgeChunk(key, { body: two, recordCount: 2 }))).toBe('accepted');
    expect(accept(forgeChunk(key, { body: two, recordCount: 3 }))).toBe('sync.malformed');
    expect(accept(forgeChunk(key, { body: two, recordCount: 1 }))).toBe('sync.malformed');
    // records beyond the chunk's ID range; a chunk 0 that does not start at ID 0
    expect(accept(forgeChunk(key, { body: two, recordCount: 2, rangeEnd: 1_000_000_000 }))).toBe('sync.malformed');
    expect(accept(forgeChunk(key, { rangeStart: 5 }))).toBe('sync.malformed');
    // a person with more tests than the format allows
    const w = new ByteWriter();
    for (const n of [1_000_000, 0, 4, 0]) w.varint(n);
    w.varint(513);
    expect(accept(forgeChunk(key, { body: w.toBytes(), recordCount: 1 }))).toBe('sync.malformed');
    expect(accept(forgeChunk(key, { compressed: Uint8Array.of(1, 2, 3), bodyLength: 10 }))).toBe('sync.malformed');
    expect(accept(forgeChunk(key, { body: two, recordCount: 2, bodyLength: two.length + 1 }))).toBe('sync.malformed');
  });

  // No time bound here (a unit test must not depend on the machine being quiet): the slices
  // that stop inflating at the declared size are inflateChunkBody's own loop.
  it('stops a decompression bomb at the declared size', () => {
    const bomb = deflateSync(new Uint8Array(CHUNK_LIMITS.bodyBytes + 4 * 1024 * 1024));
    expect(accept(forgeChunk(key, { compressed: bomb, bodyLength: 1000 }))).toBe('sync.body-size');
    expect(accept(forgeChunk(key, { compressed: bomb, bodyLength: CHUNK_LIMITS.bodyBytes }))).toBe('sync.body-size');
    expect(accept(forgeChunk(key, { bodyLength: CHUNK_LIMITS.bodyBytes + 1 }))).toBe('sync.body-size');
    expect(HEADER_BYTES).toBe(54);
  });
});
