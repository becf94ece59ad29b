import type { ChunkingOptions } from '../../domain/sync/sync-encoder.js';
import type { HubStorage } from '../storage/hub-storage.js';
import type { BuildWorker } from './build-worker-client.js';
import { DELTA_PAGE_SIZE } from './delta-builder.js';
import type { SnapshotSigner } from './incremental-snapshot.js';
import { removeBuildLeftovers, writeSnapshotFile, type SnapshotIndex } from './snapshot-files.js';

/**
 * People per storage page in the snapshot worker. Measured building 2 M people: 100 000 a
 * page peaked at 840 MB RSS in 22.4 s, 10 000 at 282 MB in 19.8 s (pages are held whole,
 * facts as JS objects). Smaller pages cost nothing measurable in time.
 */
export const WORKER_SNAPSHOT_PAGE_SIZE = 10_000;

/** Builds one snapshot into the cache; `cancel` stops the build under way (the server is closing). */
export interface SnapshotRunner {
  build(seq: number, buildId: string): Promise<SnapshotIndex>;
  cancel(): Promise<void>;
}

/** On the main thread the pages are smaller: each page read is one uninterrupted step. */
const IN_PROCESS_PAGE_SIZE = DELTA_PAGE_SIZE;

/**
 * The normal runner: builds in a worker thread with its own storage connection, in pages
 * as large as the storage allows, so encoding millions of people never delays a request.
 */
export function workerSnapshotRunner(options: {
  readonly worker: BuildWorker;
  readonly cacheDir: string;
  readonly keyId: string;
  readonly chunking: ChunkingOptions;
}): SnapshotRunner {
  let running: string | undefined;
  return {
    async build(seq, buildId) {
      running = buildId;
      try {
        const index = (await options.worker.run({
          type: 'snapshot',
          seq,
          buildId,
          pageSize: WORKER_SNAPSHOT_PAGE_SIZE,
          chunking: options.chunking,
        })) as SnapshotIndex;
        // A worker that found no key would have made one: its chunks would be refused by every kiosk.
        if (index.keyId !== options.keyId) throw new Error(`the build worker signed with key ${index.keyId}, not the server's ${options.keyId}`);
        return index;
      } catch (error) {
        removeBuildLeftovers(options.cacheDir, buildId);
        throw error;
      } finally {
        running = undefined;
      }
    },
    async cancel() {
      const buildId = running;
      await options.worker.close();
      if (buildId !== undefined) removeBuildLeftovers(options.cacheDir, buildId);
    },
  };
}

/**
 * For a server handed an already open storage (no location a worker could open): builds on
 * the main thread, a page and a chunk at a time with the event loop served in between.
 * Fine for tests and small hubs; a large hub should give a location.
 */
export function inProcessSnapshotRunner(options: {
  readonly storage: HubStorage;
  readonly signer: SnapshotSigner;
  readonly cacheDir: string;
  readonly chunking: ChunkingOptions;
}): SnapshotRunner {
  let cancelled = false;
  let running: Promise<unknown> | undefined;
  return {
    build(seq, buildId) {
      const build = writeSnapshotFile({ ...options, seq, buildId, pageSize: IN_PROCESS_PAGE_SIZE, cancelled: () => cancelled });
      running = build.catch(() => undefined);
      return build;
    },
    async cancel() {
      cancelled = true;
      await running;
    },
  };
}
