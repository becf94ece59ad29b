import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import {
  ARTEFACT_INDEX_FORMAT,
  ARTEFACT_INDEX_NAME,
  checkArtefactIndex,
  chunkObjectName,
  signArtefactIndex,
  type ArtefactChunkRef,
  type ArtefactDelta,
  type ArtefactIndex,
  type ArtefactSnapshot,
  type ArtefactSnapshotChunk,
} from '../../domain/sync/artefact-index.js';
import {
  artefactChunk,
  chunkByteLength,
  chunkSignature,
  chunkSignedBytes,
  parseChunkHeader,
  SYNC_FORMAT_VERSION,
  type ChunkHeader,
} from '../../domain/sync/sync-chunk.js';
import type { Logger } from '../../platform/logging/logger.js';
import type { HubSigningKey } from '../keys/hub-signing-key.js';
import { hubKeyStoreOf } from './artefact-reader.js';
import type { ArtefactStore } from './artefact-store.js';

export interface ArtefactPublisherOptions {
  readonly store: ArtefactStore;
  readonly key: Pick<HubSigningKey, 'keyId' | 'publicKeyRaw' | 'sign'>;
  readonly log: Logger;
  /**
   * How long an object no index names any more stays: a kiosk that read the previous
   * index may still be fetching its chunks (a 10 M snapshot over a slow link takes minutes).
   * Default 1 hour.
   */
  readonly graceMs?: number;
  readonly now?: () => number;
}

/** The snapshot as the cache holds it: one data file of concatenated chunks and each chunk's offset. */
export interface SnapshotFile {
  readonly seq: number;
  readonly people: number;
  readonly path: string;
  readonly offsets: readonly number[];
}

/** A built delta: its chunks concatenated. */
export interface DeltaBody {
  readonly from: number;
  readonly to: number;
  readonly body: Uint8Array;
}

const DEFAULT_GRACE_MS = 60 * 60 * 1000;
const CHUNK_PREFIX = 'chunks/';

/**
 * The builder's side of the artefact store: puts each chunk of a snapshot or delta as an
 * object named by its sha256, then writes the index naming them, signed by the hub key —
 * objects first, index last, so an index never names an object not yet there. Objects no
 * index names any more are deleted once the grace period has passed since they were last
 * written. One operation at a time (a snapshot and a delta finishing together are written
 * in turn, each index naming both).
 *
 * Snapshot chunks are kept in format version 2 (sync-chunk.ts: `artefactChunk`), which
 * carries the sequence the range was last written at rather than the snapshot's: a snapshot
 * merged from the previous one keeps the objects of every range no change fell into.
 */
export class ArtefactPublisher {
  private snapshot: ArtefactSnapshot | null = null;
  private deltas: readonly ArtefactDelta[] = [];
  private queue: Promise<void> = Promise.resolve();
  private readonly ownKey;

  private constructor(private readonly options: ArtefactPublisherOptions) {
    this.ownKey = hubKeyStoreOf(options.key).byKeyId(options.key.keyId);
  }

  /** Takes over what the store's index already names (a previous builder's), when this key signed it. */
  static async open(options: ArtefactPublisherOptions): Promise<ArtefactPublisher> {
    const publisher = new ArtefactPublisher(options);
    const bytes = await options.store.read(ARTEFACT_INDEX_NAME);
    if (bytes !== undefined) {
      try {
        const check = checkArtefactIndex(JSON.parse(new TextDecoder().decode(bytes)), hubKeyStoreOf(options.key));
        if (check.ok) {
          publisher.snapshot = check.index.snapshot;
          publisher.deltas = check.index.deltas;
        }
      } catch {
        // Not an index (damaged): the next publication replaces it.
      }
    }
    return publisher;
  }

  /** The snapshot and deltas the index names now. */
  current(): { readonly snapshot: ArtefactSnapshot | null; readonly deltas: readonly ArtefactDelta[] } {
    return { snapshot: this.snapshot, deltas: this.deltas };
  }

  /** Publishes a snapshot built in the cache (snapshot-cache.ts), chunk by chunk from its file. */
  publishSnapshot(file: SnapshotFile): Promise<void> {
    return this.serially(async () => {
      if (this.snapshot !== null && this.snapshot.seq >= file.seq) return;
      const chunks = await this.putSnapshotChunks(file);
      this.snapshot = { seq: file.seq, people: file.people, chunks };
      // The deltas stay: a kiosk a little behind still takes one rather than the whole snapshot.
      await this.writeIndex();
      this.options.log.info(`artefacts: snapshot at sequence ${file.seq} published to ${this.options.store.description} (${chunks.length} chunks)`);
    });
  }

  /** Publishes the deltas to a new sequence (from several recent sequences), replacing the previous ones. */
  publishDeltas(deltas: readonly DeltaBody[]): Promise<void> {
    return this.serially(async () => {
      const published: ArtefactDelta[] = [];
      for (const delta of deltas) published.push({ from: delta.from, to: delta.to, chunks: await this.putChunks(delta.body) });
      this.deltas = published;
      await this.writeIndex();
      const to = deltas[0]?.to;
      if (to !== undefined) this.options.log.info(`artefacts: ${published.length} deltas to sequence ${to} published`);
    });
  }

  /**
   * The hub's database went back to `seq` (a restored backup): what the index names above
   * it describes lost data, and kiosks must not take it.
   */
  restored(seq: number): Promise<void> {
    return this.serially(async () => {
      if (this.snapshot !== null && this.snapshot.seq > seq) this.snapshot = null;
      this.deltas = this.deltas.filter((d) => d.to <= seq);
      await this.writeIndex();
    });
  }

  /** Deletes objects no index names that have not been written for the grace period. */
  sweep(): Promise<number> {
    let removed = 0;
    return this.serially(async () => {
      const named = new Set([...(this.snapshot?.chunks ?? []), ...this.deltas.flatMap((d) => d.chunks)].map((c) => chunkObjectName(c.sha256)));
      const cutoff = this.now() - (this.options.graceMs ?? DEFAULT_GRACE_MS);
      for (const object of await this.options.store.list(CHUNK_PREFIX)) {
        if (named.has(object.name) || object.writtenAt > cutoff) continue;
        await this.options.store.delete(object.name);
        removed++;
      }
    }).then(() => removed);
  }

  /** Waits for the operations under way (tests, shutdown). */
  async idle(): Promise<void> {
    await this.queue;
  }

  private async putSnapshotChunks(file: SnapshotFile): Promise<ArtefactSnapshotChunk[]> {
    const previous = new Map((this.snapshot?.chunks ?? []).map((chunk) => [chunk.start, chunk]));
    const refs: ArtefactSnapshotChunk[] = [];
    const handle = await open(file.path, 'r');
    try {
      for (let i = 0; i + 1 < file.offsets.length; i++) {
        const start = file.offsets[i] as number;
        const bytes = new Uint8Array((file.offsets[i + 1] as number) - start);
        const { bytesRead } = await handle.read(bytes, 0, bytes.length, start);
        if (bytesRead !== bytes.length) throw new Error(`the snapshot file at sequence ${file.seq} is shorter than its index says`);
        refs.push(await this.putSnapshotChunk(bytes, this.checkedStreamChunk(bytes, file.seq, i), previous));
      }
    } finally {
      await handle.close();
    }
    return refs;
  }

  /**
   * Chunk i of the snapshot at `seq` as the store keeps it (format version 2). A range the
   * previous snapshot had, with the same records since the content sequence it was given,
   * makes the same bytes again: its object is the one the index in force names, kept as it
   * is (nothing written), so caches keep it too. Any other chunk is new at `seq`.
   */
  private async putSnapshotChunk(bytes: Uint8Array, header: ChunkHeader, previous: ReadonlyMap<number, ArtefactSnapshotChunk>): Promise<ArtefactSnapshotChunk> {
    const range = { start: header.rangeStart, end: header.rangeEnd };
    const before = previous.get(range.start);
    if (before?.end === range.end && sha256Of(artefactChunk(bytes, header, before.contentSeq, this.options.key)) === before.sha256) return before;
    const stored = artefactChunk(bytes, header, header.toSeq, this.options.key);
    return { ...(await this.putChunk(stored)), ...range, contentSeq: header.toSeq };
  }

  /** A chunk of the cache's snapshot file, checked before it is signed again: a damaged file never gets a fresh signature. */
  private checkedStreamChunk(bytes: Uint8Array, seq: number, index: number): ChunkHeader {
    const header = parseChunkHeader(bytes);
    const fits = header.version === SYNC_FORMAT_VERSION && header.kind === 'snapshot' && header.toSeq === seq && header.index === index;
    if (!fits || this.ownKey?.verify(chunkSignedBytes(bytes, header), chunkSignature(bytes, header)) !== true) {
      throw new Error(`chunk ${index} of the snapshot file at sequence ${seq} is not that chunk signed by this hub's key`);
    }
    return header;
  }

  private async putChunks(body: Uint8Array): Promise<ArtefactChunkRef[]> {
    const refs: ArtefactChunkRef[] = [];
    for (let at = 0; at < body.length;) {
      const length = chunkByteLength(body.subarray(at));
      if (length === undefined || at + length > body.length) throw new Error('a delta body ends inside a chunk');
      refs.push(await this.putChunk(body.subarray(at, at + length)));
      at += length;
    }
    return refs;
  }

  private async putChunk(bytes: Uint8Array): Promise<ArtefactChunkRef> {
    const sha256 = sha256Of(bytes);
    await this.options.store.putObject(chunkObjectName(sha256), bytes);
    return { sha256, bytes: bytes.length };
  }

  private async writeIndex(): Promise<void> {
    const index: ArtefactIndex = {
      format: ARTEFACT_INDEX_FORMAT,
      hubKeyId: this.options.key.keyId,
      publishedAt: this.now(),
      snapshot: this.snapshot,
      deltas: this.deltas,
    };
    const signed = signArtefactIndex(index, (data) => this.options.key.sign(data));
    await this.options.store.putIndex(ARTEFACT_INDEX_NAME, new TextEncoder().encode(`${JSON.stringify(signed)}\n`));
  }

  private serially(operation: () => Promise<void>): Promise<void> {
    const run = this.queue.then(operation);
    // A failure is the caller's to report; the next operation still runs.
    this.queue = run.catch(() => undefined);
    return run;
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }
}

const sha256Of = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');
