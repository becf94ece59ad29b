import type { AtRestKey } from '../store/at-rest-key.js';
import type { ArtefactPlacement, SyncPosition } from '../../domain/sync/chunk-stream-verifier.js';
import type { SyncKind } from '../../domain/sync/sync-chunk.js';

/** What the sync applier hands its worker thread when it starts it. */
export interface ApplyWorkerData {
  /** The facts database (facts.sqlite), which the worker opens with openFactsDatabase. */
  readonly factsDatabaseFile: string;
  /** Base64 raw Ed25519 hub public keys (as trust/hub-keys.json holds them). */
  readonly hubKeys: readonly string[];
  /** Deltas are applied whole, so they are held in memory until their final chunk. */
  readonly maxDeltaRecords: number;
  /** The key facts.sqlite is encrypted with (a plain object: it crosses to the worker by structured clone). */
  readonly atRestKey?: AtRestKey;
}

/** Requests to the worker: one at a time, each answered by a reply with the same id. */
export type WorkerRequest =
  | { readonly type: 'position'; readonly id: number }
  | { readonly type: 'begin'; readonly id: number; readonly kind: SyncKind; readonly placement?: ArtefactPlacement }
  | { readonly type: 'chunk'; readonly id: number; readonly bytes: Uint8Array }
  | { readonly type: 'confirm-current'; readonly id: number; readonly seq: number }
  | { readonly type: 'close'; readonly id: number };

export interface ChunkApplied {
  readonly index: number;
  readonly records: number;
  readonly final: boolean;
  /** Set once the stream is applied: the new watermark. */
  readonly watermark?: number;
  /** The first chunk index this stream accepted (above 0 when a snapshot resumed). */
  readonly startedAt: number;
}

export interface WorkerOk {
  readonly id: number;
  readonly ok: true;
  readonly position?: SyncPosition;
  readonly chunk?: ChunkApplied;
  /** The answer to confirm-current: whether the watermark was the sequence confirmed. */
  readonly confirmed?: boolean;
}

export interface WorkerFailure {
  readonly id: number;
  readonly ok: false;
  readonly code: string;
  readonly message: string;
}

export type WorkerReply = { readonly type: 'ready' } | WorkerOk | WorkerFailure;
