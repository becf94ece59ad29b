import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AdminTokenRecord } from '../admin/admin-token-store.js';
import type { EnrollmentService } from '../enrollment/enrollment-service.js';
import type { DeviceRecord, RequestVerifier } from '../enrollment/request-verifier.js';
import type { HubSigningKey } from '../keys/hub-signing-key.js';
import type { HubStorage } from '../storage/hub-storage.js';
import type { UploadJob, UploadOutcome } from '../entries/upload-ingest.js';
import type { BodyBudget } from './body-budget.js';
import type { BuiltDelta } from './delta-builder.js';
import type { DeviceSightings } from './device-sightings.js';
import type { HubMetrics } from './hub-metrics.js';
import type { RateLimiter } from './rate-limiter.js';
import type { SeqWatcher } from './seq-watcher.js';
import type { SnapshotCache } from './snapshot-cache.js';
import type { ScopedSnapshot, SnapshotChunkSource } from './scoped-snapshot.js';
import type { ProvinceScope } from '../../domain/sync/province-scope.js';
import type { Logger } from '../../platform/logging/logger.js';
import type { ArtefactReader } from '../artefacts/artefact-reader.js';
import type { SignedArtefactLocation } from '../../domain/sync/artefact-index.js';

/** What the route handlers share: one per running server. */
export interface HubContext {
  readonly storage: HubStorage;
  /** The hub's data directory: published rule sets and trust files live under it. */
  readonly dataDir: string;
  readonly key: HubSigningKey;
  readonly verifier: RequestVerifier;
  /** Request bodies read before their signature is checked: bounded in number and bytes. */
  readonly bodyBudget: BodyBudget;
  /** Enrolment attempts, per remote address and in all (enroll-route.ts). */
  readonly enrollLimiter: RateLimiter;
  /** Person lookups per kiosk (keyed by device id) and in all (PERSON_LOOKUP_LIMITS). */
  readonly lookupLimiter: RateLimiter;
  /** The server's log: one line per request and per event. */
  readonly log: Logger;
  readonly enrollment: EnrollmentService;
  readonly snapshots: SnapshotCache;
  /** A scoped kiosk's snapshot: the full one at `index` with only its provinces' people (scoped-snapshot.ts), built once per (seq, scope). */
  readonly scopedSnapshot: (source: SnapshotChunkSource, scope: readonly string[]) => Promise<ScopedSnapshot>;
  /** The delta (from, to] (only `scope`'s people, for a scoped kiosk), from the in-memory cache or built once for everyone asking. */
  readonly delta: (from: number, to: number, scope?: ProvinceScope) => Promise<BuiltDelta>;
  readonly maxDeltaPeople: number;
  /** An upload decoded and stored, in the upload worker thread on its own connection (hub/entries/upload-ingest.ts). */
  readonly ingestUpload: (job: UploadJob) => Promise<UploadOutcome>;
  readonly watcher: SeqWatcher;
  /** What this process counts for `GET /metrics`. */
  readonly metrics: HubMetrics;
  /** Each kiosk's last authenticated request and status report, written in batches. */
  readonly sightings: DeviceSightings;
  readonly now: () => number;
  /**
   * The artefact store, when the hub publishes one: snapshots a process did not build are
   * served from it, and the signed base URL kiosks fetch it from is in `GET /v1/status`.
   */
  readonly artefacts?: { readonly reader: ArtefactReader; readonly location?: SignedArtefactLocation } | undefined;
}

/** One request being answered. */
export interface Exchange {
  readonly request: IncomingMessage;
  readonly response: ServerResponse;
  readonly path: string;
  readonly query: URLSearchParams;
  /** The request body, on routes that take one (read before the signature is checked). */
  body?: Buffer;
  /** The authenticated kiosk, on signed routes. */
  device?: DeviceRecord;
  /** The admin token, on admin routes. */
  admin?: AdminTokenRecord;
}
