import { open } from 'node:fs/promises';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { inflateChunkBody, parseChunkHeader, type ChunkSigner } from '../../domain/sync/sync-chunk.js';
import { encodeSyncChunks, type ChunkingOptions } from '../../domain/sync/sync-encoder.js';
import { readRecords, recordsToPeople } from '../../domain/sync/sync-records.js';
import type { SyncedPerson } from '../../domain/sync/synced-person.js';
import { inProvinceScope, rangeMeetsScope } from '../../domain/sync/province-scope.js';
import { chunkCount, type SnapshotIndex } from './snapshot-files.js';

/** A snapshot for one scope of provinces, in memory: served from chunk `from` by its offsets. */
export interface ScopedSnapshot {
  readonly seq: number;
  readonly body: Buffer;
  /** Byte offset of each chunk in `body`, and the end: chunks + 1 entries. */
  readonly offsets: readonly number[];
  readonly people: number;
  readonly bytes: number;
}

/** A snapshot's chunks in stream order, wherever they are kept: the cache file or the artefact store. */
export interface SnapshotChunkSource {
  readonly seq: number;
  readonly count: number;
  read(i: number): Promise<Uint8Array>;
}

/**
 * The snapshot at `source` with only the people in `scope` (province codes), re-encoded and
 * signed: the same chunk format covering the whole ID space, with fewer people (a province is
 * one contiguous ID range), so a scoped kiosk verifies and applies it like any snapshot.
 * Derived from the full snapshot already built — in this process's cache, or the artefact
 * store's chunks on a process that is not the builder — with no database read, and only the chunks
 * whose ID range meets the scope are inflated. Deterministic (deflate and Ed25519 are), so the
 * same (sequence, scope) gives the same bytes in every hub process, and a download resumed
 * with `from=` at another process continues the same chunks.
 */
export async function buildScopedSnapshot(
  source: SnapshotChunkSource,
  scope: readonly string[],
  signer: ChunkSigner,
  chunking: ChunkingOptions = {},
): Promise<ScopedSnapshot> {
  const people: SyncedPerson[] = [];
  for (let i = 0; i < source.count; i += 1) {
    const chunk = await source.read(i);
    const header = parseChunkHeader(chunk);
    if (!rangeMeetsScope(header.rangeStart, header.rangeEnd, scope)) continue;
    people.push(...recordsToPeople(readRecords(inflateChunkBody(chunk, header), header)).filter((person) => inProvinceScope(person.id12, scope)));
    // One chunk is one step: the server keeps answering between them.
    await nextTurn();
  }
  const chunks = [...encodeSyncChunks(people, { kind: 'snapshot', fromSeq: 0, toSeq: source.seq }, signer, chunking)];
  const offsets = [0];
  for (const chunk of chunks) offsets.push((offsets.at(-1) as number) + chunk.length);
  const body = Buffer.concat(chunks);
  return { seq: source.seq, body, offsets, people: people.length, bytes: body.length };
}

/** The chunks of a snapshot in this process's cache file, read by the index's offsets. */
export function cachedSnapshotChunks(file: string, index: SnapshotIndex): SnapshotChunkSource {
  return {
    seq: index.seq,
    count: chunkCount(index),
    async read(i) {
      const start = index.offsets[i] as number;
      const chunk = new Uint8Array((index.offsets[i + 1] as number) - start);
      // Opened per chunk: a snapshot pruned meanwhile fails with ENOENT, which the route answers as gone.
      const handle = await open(file, 'r');
      try {
        await handle.read(chunk, 0, chunk.length, start);
      } finally {
        await handle.close();
      }
      return chunk;
    },
  };
}
