import type { ArtefactChunkRef, ArtefactIndex } from '../../domain/sync/artefact-index.js';
import type { ChunkDownload, HubClient } from '../hub-client/hub-client.js';
import { messageOf } from '../../platform/message-of.js';
import type { Logger } from '../../platform/logging/logger.js';
import type { ArtefactFetcher } from './artefact-fetcher.js';

type ChunkRoutes = Pick<HubClient, 'snapshot' | 'delta'>;

/**
 * A delta is fetched whole from the store before the applier sees it, so that a failure
 * half-way can still fall back to the API (a delta cannot be resumed mid-stream there).
 * Larger deltas are left to the API: 64 MiB is some 2 million changed people.
 */
const MAX_STORED_DELTA_BYTES = 64 * 1024 * 1024;

/**
 * The hub's snapshot and delta routes, served from the artefact store where it can
 * (docs/hub-api.md, "Artefacts") and from the hub's API otherwise — when the store has no
 * index or not the stream wanted, or anything fails: not found, a bad signature, a chunk
 * that does not match its hash, a timeout. Every fallback is logged with its reason.
 * A snapshot that fails at chunk i continues from the API at chunk i of the same sequence;
 * the applier sees one stream either way, and checks every chunk as it always does. The
 * store keeps snapshot chunks in format version 2, which the applier reads only with the
 * placement the signed index gives (handed on with the download, never in the byte stream).
 */
export function artefactHub(api: ChunkRoutes, store: ArtefactFetcher, log: Logger): ChunkRoutes {
  const fallBack = (what: string, why: unknown): void => log.warn(`artefacts: ${what} from the hub's API instead of ${store.base}: ${messageOf(why)}`);
  const readIndex = async (what: string, signal: AbortSignal | undefined): Promise<ArtefactIndex | undefined> => {
    try {
      return await store.index(signal);
    } catch (error) {
      if (signal?.aborted === true) throw error;
      fallBack(what, error);
      return undefined;
    }
  };

  return {
    async snapshot(options = {}) {
      const { signal } = options;
      const index = await readIndex('the snapshot', signal);
      const stored = index?.snapshot ?? null;
      const from = options.from ?? 0;
      if (index === undefined) return api.snapshot(options);
      if (stored === null || (options.seq !== undefined && options.seq !== stored.seq) || from >= stored.chunks.length) {
        fallBack('the snapshot', options.seq === undefined ? 'the store has none yet' : `the store has not the snapshot at sequence ${options.seq}`);
        return api.snapshot(options);
      }
      return {
        status: 200,
        seq: stored.seq,
        totalChunks: stored.chunks.length,
        body: snapshotChunks(stored.seq, stored.chunks, from),
        // The stored chunks name no snapshot: the signed index says where each belongs.
        placement: { seq: stored.seq, chunks: stored.chunks },
      };

      async function* snapshotChunks(seq: number, refs: readonly ArtefactChunkRef[], start: number): AsyncGenerator<Uint8Array> {
        for (let i = start; i < refs.length; i++) {
          let chunk: Uint8Array;
          try {
            chunk = await store.chunk(refs[i] as ArtefactChunkRef, signal);
          } catch (error) {
            if (signal?.aborted === true) throw error;
            fallBack(`the snapshot at sequence ${seq} from chunk ${i}`, error);
            yield* (await api.snapshot({ seq, from: i, ...(signal === undefined ? {} : { signal }) })).body;
            return;
          }
          yield chunk;
        }
      }
    },

    async delta(since, options = {}) {
      const { signal } = options;
      const index = await readIndex(`the delta since ${since}`, signal);
      const stored = index?.deltas.find((d) => d.from === since);
      // No delta from here (up to date: the API's 304 says so; or too far behind): the API decides.
      if (stored === undefined) return api.delta(since, options);
      const bytes = stored.chunks.reduce((sum, ref) => sum + ref.bytes, 0);
      if (bytes > MAX_STORED_DELTA_BYTES) return api.delta(since, options);
      const chunks: Uint8Array[] = [];
      try {
        for (const ref of stored.chunks) chunks.push(await store.chunk(ref, signal));
      } catch (error) {
        if (signal?.aborted === true) throw error;
        fallBack(`the delta (${since}, ${stored.to}]`, error);
        return api.delta(since, options);
      }
      const download: ChunkDownload = { status: 200, seq: stored.to, totalChunks: chunks.length, body: fromArray(chunks) };
      return download;
    },
  };
}

async function* fromArray(chunks: readonly Uint8Array[]): AsyncGenerator<Uint8Array> {
  yield* chunks;
}
