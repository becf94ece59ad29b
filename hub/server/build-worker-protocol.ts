import type { ChunkingOptions } from '../../domain/sync/sync-encoder.js';
import type { UploadJob, UploadOutcome } from '../entries/upload-ingest.js';
import type { HubStorageLocation } from '../storage/open-hub-storage.js';
import type { BuiltDelta } from './delta-builder.js';
import type { SnapshotIndex } from './snapshot-files.js';

/** What a build worker thread is started with. */
export interface BuildWorkerData {
  /** The worker opens its own connection to the storage: its reads never wait on the server's. */
  readonly location: HubStorageLocation;
  /** The hub's data directory, where its signing key is. */
  readonly keyDir: string;
  readonly cacheDir: string;
  /** Open the storage as the thread starts rather than on the first job (the delta worker). */
  readonly openStorageAtStart?: boolean;
}

/**
 * One job: a snapshot into the cache, a delta handed back whole, or a kiosk's upload decoded
 * and stored (hub/entries/upload-ingest.ts: ingestUpload).
 */
/** Asks the thread to end now, between two tasks (build-worker-client.ts, stopWorker). */
export interface BuildStop {
  readonly type: 'stop';
}

export type BuildJob =
  | { readonly type: 'snapshot'; readonly seq: number; readonly buildId: string; readonly pageSize: number; readonly chunking: ChunkingOptions }
  | {
      readonly type: 'delta';
      readonly from: number;
      readonly to: number;
      readonly maxPeople: number;
      readonly pageSize: number;
      readonly chunking: ChunkingOptions;
      /** A scoped kiosk's provinces (province-scope.ts); null: everyone. */
      readonly scope: readonly string[] | null;
    }
  | ({ readonly type: 'upload' } & UploadJob);

export type BuildRequest = BuildJob & { readonly id: number };

export type BuildResult = SnapshotIndex | BuiltDelta | UploadOutcome;

/** `ready` once started; then one reply per request, in order. */
export type BuildReply =
  | { readonly type: 'ready' }
  | { readonly type: 'done'; readonly id: number; readonly result: BuildResult }
  | { readonly type: 'failed'; readonly id: number; readonly message: string };
