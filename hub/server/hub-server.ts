import { rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { scopeKey, type ProvinceScope } from '../../domain/sync/province-scope.js';
import { buildScopedSnapshot, type ScopedSnapshot, type SnapshotChunkSource } from './scoped-snapshot.js';
import type { AddressInfo } from 'node:net';
import type { ChunkingOptions } from '../../domain/sync/sync-encoder.js';
import { EnrollmentService } from '../enrollment/enrollment-service.js';
import { RequestVerifier } from '../enrollment/request-verifier.js';
import { loadOrCreateHubSigningKey } from '../keys/hub-signing-key.js';
import { ensureDefaultRuleSetPublished } from '../rules/rule-publisher.js';
import { MAX_PAGE_SIZE, type HubStorage } from '../storage/hub-storage.js';
import { openHubStorage, type HubStorageLocation } from '../storage/open-hub-storage.js';
import { startEntryMaintenance } from '../entries/entry-maintenance.js';
import { DEFAULT_ENTRY_KEEP_DAYS } from '../entries/entry-retention.js';
import { IngestAdmission, type IngestAdmissionLimits } from '../entries/ingest-admission.js';
import { ingestUpload, type UploadJob, type UploadOutcome } from '../entries/upload-ingest.js';
import { BodyBudget, type BodyBudgetLimits } from './body-budget.js';
import { BuildWorker } from './build-worker-client.js';
import { ENROLL_LIMITS } from './enroll-route.js';
import { PERSON_LOOKUP_LIMITS } from './person-facts-route.js';
import { RateLimiter, type RateLimit } from './rate-limiter.js';
import { DeltaCache } from './delta-cache.js';
import { buildDelta, MAX_DELTA_PEOPLE, type BuiltDelta } from './delta-builder.js';
import type { HubContext } from './hub-context.js';
import { HubMetrics } from './hub-metrics.js';
import { DeviceSightings } from './device-sightings.js';
import { routeRequest, routeUpgrade } from './hub-router.js';
import { DEFAULT_PING_MS, NotifySockets } from './notify-socket.js';
import { SeqAnnouncer } from './seq-announcer.js';
import { SeqWatcher } from './seq-watcher.js';
import { pollingSeqFeed, pushedSeqFeed } from './seq-feed.js';
import { defaultSnapshotCacheDir } from './instance-cache-dir.js';
import { RulesWatcher } from './rules-watcher.js';
import { SnapshotCache } from './snapshot-cache.js';
import { inProcessSnapshotRunner, workerSnapshotRunner } from './snapshot-runner.js';
import { messageOf } from '../../platform/message-of.js';
import { startArtefacts, type HubArtefacts } from '../artefacts/hub-artefacts.js';
import type { ArtefactStore } from '../artefacts/artefact-store.js';
import type { BuilderLease } from '../artefacts/builder-lease.js';
import type { Logger } from '../../platform/logging/logger.js';
import { openProcessLogger } from '../../platform/logging/open-logger.js';

export interface HubServerOptions {
  /** The hub's data directory: its signing key, published rule sets and snapshot cache (even with PostgreSQL). */
  readonly dataDir: string;
  /**
   * Where people and devices are: a location the server opens (and closes), default
   * `{ dataDir }` (embedded SQLite); or a HubStorage already open, which the caller closes.
   * With an open storage, snapshots and deltas are built on the main thread, a page and a
   * chunk at a time (a worker needs a location to open its own connection): fine for tests
   * and small hubs.
   */
  readonly storage?: HubStorageLocation | HubStorage;
  /** 0 (the default) takes any free port. */
  readonly port?: number;
  /** Default 127.0.0.1; `chot hub serve` listens on 0.0.0.0 unless told otherwise. */
  readonly host?: string;
  readonly now?: () => number;
  /**
   * How often the storage's sequence is read (imports run in other processes), and the rule
   * sets' folder looked at. On PostgreSQL the sequence is pushed (LISTEN/NOTIFY) and read
   * at this pace only while the notices' connection is down. Default 1000.
   */
  readonly seqPollMs?: number;
  /**
   * Where this process builds its snapshots. Default: instance-cache-dir.ts (on PostgreSQL
   * one directory per process under `<data>/cache/snapshots`, as processes share the data dir).
   */
  readonly snapshotCacheDir?: string;
  /** WebSocket ping interval. Default 30 000. */
  readonly pingMs?: number;
  /** How often the devices of open notify sockets are looked up for revocations. Default 10 000. */
  readonly deviceCheckMs?: number;
  /**
   * The build worker's script (snapshots and deltas are encoded in worker threads); default
   * the compiled build-worker.js beside this module. Tests pass a bundle of the source.
   */
  readonly workerUrl?: URL;
  /** Wait after a failed snapshot build before the next try. Default 10 000. */
  readonly snapshotRetryMs?: number;
  /** How long a new sequence waits for its delta to be built before it is announced anyway. Default 10 s. */
  readonly announceWaitMs?: number;
  /** Memory for built deltas. Default 256 MiB (a 100 000-person delta is a few MB). */
  readonly deltaCacheBytes?: number;
  /** Deltas above this many people are refused (`delta-too-large`). Default 500 000. */
  readonly maxDeltaPeople?: number;
  /** Chunking of snapshots and deltas (tests make small chunks). */
  readonly chunking?: ChunkingOptions;
  /**
   * One line per request and per event (request lines carry no fields: tools read them
   * as they are). Default: standard error only; `chot hub serve` adds the rotating files.
   */
  readonly logger?: Logger;
  /** Bounds on request bodies read before their signature is checked (body-budget.ts). */
  readonly bodyBudget?: BodyBudgetLimits;
  /** Uploads held at once; past it, 503 with Retry-After (default DEFAULT_INGEST_ADMISSION). */
  readonly ingestAdmission?: IngestAdmissionLimits;
  /** Enrolment attempts allowed per remote address and in all (default ENROLL_LIMITS). */
  readonly enrollLimits?: { readonly perAddress: RateLimit; readonly overall: RateLimit };
  /** Person lookups allowed per kiosk and in all (default PERSON_LOOKUP_LIMITS). */
  readonly lookupLimits?: { readonly perDevice: RateLimit; readonly overall: RateLimit };
  readonly hooks?: HubServerHooks;
  /** How often kiosks' sightings and reports are written (device-sightings.ts). Default 10 000. */
  readonly sightingFlushMs?: number;
  /** Publish snapshots and deltas to an artefact store kiosks read without the hub (hub/artefacts/). */
  readonly artefacts?: HubArtefactOptions;
  /**
   * Days entries are kept (hub/entries/entry-retention.ts, default 35): on PostgreSQL the
   * server makes the coming day partitions and drops the expired ones at start and hourly.
   */
  readonly entryKeepDays?: number;
}

export interface HubArtefactOptions {
  readonly store: ArtefactStore;
  /** The URL kiosks fetch the store from (a CDN or static server in front of it), ending in `/`; signed into `GET /v1/status`. */
  readonly base?: string;
  /** How long objects no index names are kept. Default 1 hour. */
  readonly graceMs?: number;
  /**
   * Who builds: default, with a PostgreSQL location, the process holding the builder lock
   * (builder-lease.ts); with SQLite or an open storage, this process.
   */
  readonly lease?: BuilderLease;
  /** How often a process that is not the builder tries the lock. Default 5 000. */
  readonly leaseRetryMs?: number;
}

/** Observation points for tests and benchmarks. */
export interface HubServerHooks {
  /** Called when a delta is actually built (not served from the cache or a build under way). */
  readonly onDeltaBuild?: (from: number, to: number) => void;
  /** Awaited before each snapshot build starts. */
  readonly beforeSnapshotBuild?: (seq: number) => Promise<void> | void;
}

export interface HubServer {
  /** `http://host:port`, connectable (an unspecified host, 0.0.0.0 or ::, is given as loopback). */
  readonly url: string;
  readonly port: number;
  readonly host: string;
  readonly hubKeyId: string;
  /** Resolves with the newest snapshot's sequence once one at `atLeast` or later is ready (built here, or, with an artefact store, stored there). */
  snapshotReady(atLeast?: number): Promise<number>;
  /** Stops accepting, ends sockets and builds, closes the storage if the server opened it. */
  close(): Promise<void>;
}

const DEFAULT_DELTA_CACHE_BYTES = 256 * 1024 * 1024;
/** An upload inflates to 8 MiB at most and parses to a few times that: ample, and a bound. */
const UPLOAD_WORKER_LIMITS = { maxOldGenerationSizeMb: 256, maxYoungGenerationSizeMb: 32 } as const;

/** Starts the hub's HTTP + WebSocket server (docs/hub-api.md). */
export async function startHubServer(options: HubServerOptions): Promise<HubServer> {
  const log = options.logger ?? openProcessLogger({ stderrPrefix: '' });
  const now = options.now ?? Date.now;
  const key = loadOrCreateHubSigningKey(options.dataDir);
  ensureDefaultRuleSetPublished(options.dataDir, key);
  const given = options.storage ?? { dataDir: options.dataDir };
  const ownsStorage = !isOpenStorage(given);
  const storage = isOpenStorage(given) ? given : await openHubStorage(given);
  const cleanups: (() => Promise<void> | void)[] = ownsStorage ? [() => storage.close()] : [];
  const closeAll = async (): Promise<void> => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  };
  try {
    // Listening before the first read: a commit between the two is heard, not lost.
    const notices = await storage.openChangeNotices?.(log);
    if (notices !== undefined) cleanups.push(() => notices.close());
    const readSeq = (): Promise<number> => storage.currentSeq();
    const seqPollMs = options.seqPollMs ?? 1000;
    const feed = notices === undefined ? pollingSeqFeed(readSeq, seqPollMs, log) : pushedSeqFeed(notices, readSeq, seqPollMs, log);
    const watcher = await SeqWatcher.start(readSeq, feed, log);
    cleanups.push(() => watcher.close());
    const instanceCache = defaultSnapshotCacheDir(options.dataDir, notices !== undefined, options.port ?? 0);
    const cacheDir = options.snapshotCacheDir ?? instanceCache.dir;
    // Registered before the builders' cleanups, so run after them: nothing writes into it any more.
    if (options.snapshotCacheDir === undefined && instanceCache.removeOnClose) cleanups.push(() => rm(cacheDir, { recursive: true, force: true }));
    const chunking = options.chunking ?? {};
    const maxDeltaPeople = options.maxDeltaPeople ?? MAX_DELTA_PEOPLE;
    // Two worker threads: a snapshot of millions never holds up the deltas kiosks wait for.
    const workers = isOpenStorage(given)
      ? undefined
      : [false, true].map(
          (forDeltas) => new BuildWorker({ location: given, keyDir: options.dataDir, cacheDir, openStorageAtStart: forDeltas }, options.workerUrl),
        );
    const [snapshotWorker, deltaWorker] = workers ?? [];
    // Uploads are decoded and stored in a thread of their own, with a memory cap and its own
    // storage connection: a hostile body (deep, huge) costs that thread, and a backlog of
    // uploads waits on its connections, never on the ones that answer sync requests.
    const uploadWorker = isOpenStorage(given)
      ? undefined
      : new BuildWorker({ location: given, keyDir: options.dataDir, cacheDir }, options.workerUrl, UPLOAD_WORKER_LIMITS);
    if (uploadWorker !== undefined) {
      cleanups.push(() => uploadWorker.close());
      uploadWorker.warm().catch((error: unknown) => log.warn(`the upload worker did not start (retried on the first upload): ${messageOf(error)}`));
    }
    const admission = new IngestAdmission(options.ingestAdmission);
    const ingestOffThread = async (job: UploadJob): Promise<UploadOutcome> => {
      const admitted = admission.admit();
      if (!admitted.ok) {
        const { inFlight, retryAfterSeconds } = admitted;
        return { kind: 'busy', message: `the hub holds ${inFlight} uploads already: try again in ${retryAfterSeconds} s`, retryAfterSeconds };
      }
      try {
        // With an open storage (tests, small hubs) there are no workers: stored here.
        if (uploadWorker === undefined) return await ingestUpload(storage.entries, job);
        return (await uploadWorker.run({ type: 'upload', ...job })) as UploadOutcome;
      } finally {
        admitted.done();
      }
    };
    if (deltaWorker !== undefined) {
      cleanups.push(() => deltaWorker.close());
      deltaWorker.warm().catch((error: unknown) => log.warn(`the delta build worker did not start (retried on the first delta): ${messageOf(error)}`));
    }
    const runner =
      snapshotWorker === undefined
        ? inProcessSnapshotRunner({ storage, signer: key, cacheDir, chunking })
        : workerSnapshotRunner({ worker: snapshotWorker, cacheDir, keyId: key.keyId, chunking });
    const build = async (from: number, to: number, scope: ProvinceScope): Promise<BuiltDelta> => {
      options.hooks?.onDeltaBuild?.(from, to);
      if (deltaWorker === undefined) return buildDelta(storage, key, from, to, { maxPeople: maxDeltaPeople, chunking, scope });
      const built = (await deltaWorker.run({ type: 'delta', from, to, maxPeople: maxDeltaPeople, pageSize: MAX_PAGE_SIZE, chunking, scope })) as BuiltDelta;
      // The body crossed the thread as a plain Uint8Array: a Buffer view of it, no copy.
      return built.kind === 'chunks' ? { ...built, body: Buffer.from(built.body.buffer, built.body.byteOffset, built.body.byteLength) } : built;
    };
    const deltas = new DeltaCache<BuiltDelta>(options.deltaCacheBytes ?? DEFAULT_DELTA_CACHE_BYTES);
    // Keyed by scope too: a scoped kiosk's delta is the same (from, to] with only its provinces' people.
    const delta = (from: number, to: number, scope: ProvinceScope = null): Promise<BuiltDelta> =>
      deltas.get(`${from}-${to}-${scopeKey(scope)}`, () => build(from, to, scope));
    let artefacts: HubArtefacts | undefined;
    if (options.artefacts !== undefined) {
      artefacts = await startArtefacts({
        ...options.artefacts,
        key,
        log,
        now,
        delta,
        pgUrl: isOpenStorage(given) || !('pgUrl' in given) ? undefined : given.pgUrl,
      });
      cleanups.push(() => artefacts?.close());
    }
    const metrics = new HubMetrics();
    const retention = startEntryMaintenance({ entries: storage.entries, keepDays: options.entryKeepDays ?? DEFAULT_ENTRY_KEEP_DAYS, log, now });
    cleanups.push(() => retention.close());
    await retention.firstRound;
    const sightings = new DeviceSightings(storage.deviceStatus, log, now, options.sightingFlushMs);
    // Registered before the server's own cleanup, so run after it (reverse order): the last requests' sightings are written, then the storage closes.
    cleanups.push(() => sightings.close());
    const snapshots = new SnapshotCache(
      {
        cacheDir,
        runner,
        log,
        ...(options.snapshotRetryMs === undefined ? {} : { retryMs: options.snapshotRetryMs }),
        beforeBuild: options.hooks?.beforeSnapshotBuild,
        onBuilt: (buildMs) => metrics.snapshotBuilt(buildMs),
        onReady: (index, path) => artefacts?.builder.snapshotReady({ seq: index.seq, people: index.people, path, offsets: index.offsets }),
        mayBuild: () => artefacts?.lease.isBuilder() ?? true,
      },
      key.keyId,
      watcher.current,
    );
    cleanups.push(() => snapshots.close());
    artefacts?.attach(snapshots);
    // A scoped kiosk's snapshot, derived from the full one on disk (scoped-snapshot.ts), kept beside the deltas.
    const scopedSnapshots = new DeltaCache<ScopedSnapshot>(options.deltaCacheBytes ?? DEFAULT_DELTA_CACHE_BYTES);
    const scopedSnapshot = (source: SnapshotChunkSource, scope: readonly string[]): Promise<ScopedSnapshot> =>
      scopedSnapshots.get(`${source.seq}-${scopeKey(scope)}`, () => buildScopedSnapshot(source, scope, key, chunking));
    // Kiosks and the snapshot builder hear of a new sequence once its delta is cached (seq-announcer.ts).
    const announcer = new SeqAnnouncer(watcher, {
      prepare: delta,
      log,
      ...(options.announceWaitMs === undefined ? {} : { maxWaitMs: options.announceWaitMs }),
    });
    cleanups.push(() => announcer.close());
    announcer.onChange((seq, change) => {
      if (change === 'restored') {
        log.warn(`the hub's sequence went back to ${seq}: its database was restored; cached snapshots and deltas above it are dropped`);
        deltas.clear();
        scopedSnapshots.clear();
        snapshots.restored(seq);
        artefacts?.builder.restored(seq);
      } else {
        snapshots.want(seq);
        artefacts?.builder.sequenceAdvanced(seq);
      }
    });
    snapshots.want(watcher.current);

    const hub: HubContext = {
      storage,
      dataDir: options.dataDir,
      key,
      verifier: new RequestVerifier(storage.enrollment, now, storage.nonces),
      bodyBudget: new BodyBudget(options.bodyBudget),
      enrollLimiter: new RateLimiter(options.enrollLimits?.perAddress ?? ENROLL_LIMITS.perAddress, options.enrollLimits?.overall ?? ENROLL_LIMITS.overall, now),
      lookupLimiter: new RateLimiter(
        options.lookupLimits?.perDevice ?? PERSON_LOOKUP_LIMITS.perDevice,
        options.lookupLimits?.overall ?? PERSON_LOOKUP_LIMITS.overall,
        now,
      ),
      log,
      enrollment: new EnrollmentService(storage.enrollment, now),
      snapshots,
      scopedSnapshot,
      delta,
      maxDeltaPeople,
      ingestUpload: ingestOffThread,
      watcher,
      metrics,
      sightings,
      now,
      artefacts:
        artefacts === undefined ? undefined : { reader: artefacts.reader, ...(artefacts.location === undefined ? {} : { location: artefacts.location }) },
    };
    const revokedAmong = async (deviceIds: readonly string[]): Promise<Set<string>> => {
      const serving = new Set((await storage.enrollment.listDevices()).filter((d) => !d.revoked).map((d) => d.deviceId));
      return new Set(deviceIds.filter((id) => !serving.has(id)));
    };
    // A rule set published by the CLI is heard of at the sequence's pace, or at once when
    // announced (`chot hub rules publish --pg`), and told to kiosks at once.
    const rulesWatcher = new RulesWatcher(options.dataDir, seqPollMs, log);
    cleanups.push(() => rulesWatcher.close());
    notices?.onNotice('rules', () => rulesWatcher.check());
    notices?.onListening((listening) => listening && rulesWatcher.check());
    const notify = new NotifySockets(announcer, options.pingMs ?? DEFAULT_PING_MS, log, revokedAmong, options.deviceCheckMs, rulesWatcher);
    cleanups.push(() => notify.close());

    const server = createServer({ keepAlive: true, requestTimeout: 30_000, headersTimeout: 20_000 });
    // Behind a reverse proxy, kept-alive connections outlive the proxy's usual 60 s idle time.
    server.keepAliveTimeout = 65_000;
    // A kiosk that stops reading a download for two minutes is gone: free its file and socket.
    server.timeout = 120_000;
    // The routes answer every failure themselves; these catches are the last line, so that
    // nothing (not even a failing logger) becomes an unhandled rejection that ends the process.
    server.on('request', (request, response) => void routeRequest(hub, request, response, log).catch(() => response.destroy()));
    server.on('upgrade', (request, socket, head) => void routeUpgrade(hub, notify, request, socket, head, log).catch(() => socket.destroy()));
    const host = options.host ?? '127.0.0.1';
    await listen(server, options.port ?? 0, host);
    // Once listening, an error of the listening socket (accept failing for want of file
    // descriptors) must not end the process: without a listener it would be thrown.
    server.on('error', (error) => log.error(`server error: ${error.message}`));
    cleanups.push(async () => {
      // WebSocket sockets count as the server's connections: end them, or close never completes.
      const closed = closeServer(server);
      await notify.close();
      await closed;
    });
    const port = (server.address() as AddressInfo).port;
    log.info(`hub serving on ${host}:${port}, key ${key.keyId}, sequence ${watcher.current}`);

    let closing: Promise<void> | undefined;
    return {
      url: `http://${connectableHost(host)}:${port}`,
      port,
      host,
      hubKeyId: key.keyId,
      // A process that is not the builder never builds: its snapshot is the store's.
      snapshotReady: (atLeast) =>
        artefacts === undefined ? snapshots.whenReady(atLeast) : Promise.race([snapshots.whenReady(atLeast), artefacts.whenStored(atLeast ?? 0)]),
      close: () => (closing ??= closeAll()),
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}

function isOpenStorage(storage: HubStorageLocation | HubStorage): storage is HubStorage {
  return typeof (storage as Partial<HubStorage>).currentSeq === 'function';
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    // Kiosks keep connections alive and downloads may be long: end them, do not wait.
    server.closeAllConnections();
  });
}

function connectableHost(host: string): string {
  if (host === '0.0.0.0' || host === '') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}
