import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ChunkStreamVerifier, type SyncPosition } from '../../../../domain/sync/chunk-stream-verifier.js';
import { HEADER_BYTES, parseChunkHeader, type SyncKind } from '../../../../domain/sync/sync-chunk.js';
import { hubKeyStoreFromKeys } from '../../../../main/trust/hub-key-store.js';
import { changedPeople, chunksOf, people, testHubKey } from '../../../support/sync-fixtures.js';
import { refusalOf } from './chunk-forge.js';

const key = testHubKey();
const otherKey = testHubKey();
const keys = hubKeyStoreFromKeys([key.publicKeyBase64]);
const snapshotAt = (atSeq: number, signer = key) => chunksOf(people(900), { kind: 'snapshot', fromSeq: 0, toSeq: atSeq }, signer, { maxRecords: 300 });
const deltaOf = (fromSeq: number, toSeq: number) => chunksOf(changedPeople(900, 3, 1), { kind: 'delta', fromSeq, toSeq }, key, { maxRecords: 100 });

/** Feeds chunks in order; the code of the first refusal, or 'accepted' when all pass and the stream is complete. */
function feed(kind: SyncKind, position: SyncPosition, chunks: readonly Uint8Array[]): string {
  const verifier = new ChunkStreamVerifier(kind, position, keys);
  for (const chunk of chunks) {
    const outcome = refusalOf(() => verifier.accept(chunk));
    if (outcome !== 'accepted') return outcome;
  }
  return verifier.complete ? 'accepted' : 'incomplete';
}

describe('chunk verification: authenticity', () => {
  const chunks = snapshotAt(50);

  it('accepts a snapshot signed by a pinned key', () => {
    expect(feed('snapshot', { watermark: 0 }, chunks)).toBe('accepted');
  });

  it('refuses a chunk with one flipped byte in the body, the signed header or the signature', () => {
    const chunk = chunks[1] as Uint8Array;
    const bodyAt = HEADER_BYTES + 10;
    for (const at of [bodyAt, 25 /* toSeq */, 35 /* range start */, 45 /* record count */, chunk.length - 1 /* signature */]) {
      const flipped = chunk.slice();
      flipped[at] = (flipped[at] as number) ^ 0x01;
      expect(feed('snapshot', { watermark: 0 }, [chunks[0] as Uint8Array, flipped])).toBe('sync.signature');
    }
  });

  it('never accepts a chunk with any byte flipped, wherever it is', () => {
    const chunk = chunks[0] as Uint8Array;
    fc.assert(
      fc.property(fc.nat(chunk.length - 1), fc.integer({ min: 1, max: 255 }), (at, mask) => {
        const flipped = chunk.slice();
        flipped[at] = (flipped[at] as number) ^ mask;
        // Structure is checked first, so a flip in a length or the magic reads as malformed.
        expect(['sync.signature', 'sync.malformed', 'sync.version', 'sync.unknown-key', 'sync.body-size']).toContain(
          feed('snapshot', { watermark: 0 }, [flipped]),
        );
      }),
      { numRuns: 500 },
    );
  });

  it('refuses a chunk signed by a key the kiosk has not pinned', () => {
    expect(feed('snapshot', { watermark: 0 }, snapshotAt(50, otherKey))).toBe('sync.unknown-key');
  });
});

describe('chunk verification: sequence', () => {
  const at50 = snapshotAt(50);
  const at60 = snapshotAt(60);

  it('refuses a replayed older snapshot, and accepts one at the watermark (a repair)', () => {
    expect(feed('snapshot', { watermark: 55 }, at50)).toBe('sync.replay');
    expect(feed('snapshot', { watermark: 50 }, at50)).toBe('accepted');
  });

  it('refuses a delta that ends below the watermark (replay) or starts above it (gap)', () => {
    expect(feed('delta', { watermark: 60 }, deltaOf(50, 55))).toBe('sync.replay');
    expect(feed('delta', { watermark: 40 }, deltaOf(50, 60))).toBe('sync.gap');
    expect(feed('delta', { watermark: 50 }, deltaOf(50, 60))).toBe('accepted');
    expect(feed('delta', { watermark: 55 }, deltaOf(50, 60))).toBe('accepted');
    expect(feed('delta', { watermark: 60 }, deltaOf(50, 60))).toBe('accepted');
  });

  it('refuses chunks out of order, repeated, after the final one, or of the wrong kind', () => {
    const [c0, c1, c2] = at50 as [Uint8Array, Uint8Array, Uint8Array];
    expect(feed('snapshot', { watermark: 0 }, [c0, c2])).toBe('sync.sequence');
    expect(feed('snapshot', { watermark: 0 }, [c0, c0])).toBe('sync.sequence');
    expect(feed('snapshot', { watermark: 0 }, [c0, c1, c2, c2])).toBe('sync.sequence');
    expect(feed('snapshot', { watermark: 0 }, [c1])).toBe('sync.sequence');
    expect(feed('delta', { watermark: 50 }, [c0])).toBe('sync.sequence');
    expect(feed('snapshot', { watermark: 0 }, [c0, c1])).toBe('incomplete');
  });

  it('refuses a chunk of another snapshot mixed in, even at the right place', () => {
    const mixed = [at50[0], at60[1], at50[2]] as Uint8Array[];
    expect(feed('snapshot', { watermark: 0 }, mixed)).toBe('sync.sequence');
    const rechunked = chunksOf(people(900), { kind: 'snapshot', fromSeq: 0, toSeq: 50 }, key, { maxRecords: 250 });
    expect(feed('snapshot', { watermark: 0 }, [at50[0] as Uint8Array, rechunked[1] as Uint8Array])).toBe('sync.sequence');
  });

  it('resumes a snapshot only where the kiosk stopped', () => {
    const first = new ChunkStreamVerifier('snapshot', { watermark: 0 }, keys).accept(at50[0] as Uint8Array);
    const inProgress = { watermark: 0, snapshotInProgress: first.cursor };
    expect(feed('snapshot', inProgress, at50.slice(1))).toBe('accepted');
    expect(feed('snapshot', inProgress, at50.slice(2))).toBe('sync.sequence');
    expect(feed('snapshot', inProgress, at60.slice(1))).toBe('sync.sequence');
    // Starting over at chunk 0 is always possible.
    expect(feed('snapshot', inProgress, at60)).toBe('accepted');
    expect(parseChunkHeader(at50[1] as Uint8Array).rangeStart).toBe(first.cursor.nextRangeStart);
  });
});
