import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AdminTokenRecord } from '../admin/admin-token-store.js';
import type { EnrollmentService } from '../enrollment/enrollment-service.js';
import type { DeviceRecord, RequestVerifier } from '../enrollment/request-verifier.js';
import type { HubSigningKey } from '../keys/hub-signing-key.js';
import type { HubStorage } from '../storage/hub-storage.js';
import type { DecodedUpload } from '../entries/upload-body.js';
import type { BodyBudget } from './body-budget.js';
import type { BuiltDelta } from './delta-builder.js';
import type { HubMetrics } from './hub-metrics.js';
import type { RateLimiter } from './rate-limiter.js';
import type { SeqWatcher } from './seq-watcher.js';
import type { SnapshotCache } from './snapshot-cache.js';
import type { Logger } from '../../platform/logging/logger.js';

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
  /** The server's log: one line per request and per event. */
  readonly log: Logger;
  readonly enrollment: EnrollmentService;
  readonly snapshots: SnapshotCache;
  /** The delta (from, to], from the in-memory cache or built once for everyone asking. */
  readonly delta: (from: number, to: number) => Promise<BuiltDelta>;
  readonly maxDeltaPeople: number;
  /** An upload's body decoded into checked entries, in the upload worker thread (hub/entries/upload-body.ts). */
  readonly decodeUpload: (body: Uint8Array, encoding: string) => Promise<DecodedUpload>;
  readonly watcher: SeqWatcher;
  /** What this process counts for `GET /metrics`. */
  readonly metrics: HubMetrics;
  readonly now: () => number;
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
