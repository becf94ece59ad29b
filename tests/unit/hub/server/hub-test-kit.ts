import { linesLogger } from '../../../support/memory-logger.js';
import { generateKeyPairSync } from 'node:crypto';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { ChunkStreamVerifier, type ChunkCursor, type SyncPosition } from '../../../../domain/sync/chunk-stream-verifier.js';
import type { SyncKind } from '../../../../domain/sync/sync-chunk.js';
import { recordsToPeople } from '../../../../domain/sync/sync-records.js';
import type { SyncedPerson } from '../../../../domain/sync/synced-person.js';
import { EnrollmentService } from '../../../../hub/enrollment/enrollment-service.js';
import { startHubServer, type HubServer, type HubServerOptions } from '../../../../hub/server/hub-server.js';
import type { HubStorage } from '../../../../hub/storage/hub-storage.js';
import type { ImportKind, ImportRowOf } from '../../../../hub/storage/import-rows.js';
import { openHubStorage, type HubStorageLocation } from '../../../../hub/storage/open-hub-storage.js';
import { deviceIdentityFrom, publicKeyRawOf, type DeviceIdentity } from '../../../../main/hub-client/device-identity.js';
import { frameChunks } from '../../../../main/sync/chunk-framer.js';
import { hubKeyStoreFromKeys } from '../../../../main/trust/hub-key-store.js';
import { hubWorkerBundle } from '../../../support/hub-bundle.js';
import { tempDataDir } from '../../../support/kiosk-process.js';
import { startPostgres, type PostgresCluster } from '../../../support/postgres.js';
import { lines } from '../hub-storage-contract.js';

/**
 * A hub server for one test, in this process, on a real store: the server opens its own
 * connection from the location, and the test another (`admin`) to import and make codes,
 * as `chot hub import` and `chot hub enroll-code` would from other processes.
 */
export interface TestHub {
  readonly server: HubServer;
  readonly dataDir: string;
  readonly admin: HubStorage;
  readonly logs: string[];
  /** `scope`: the provinces the kiosk syncs (`chot hub enroll-code --scope`); default every one. */
  enrol(options?: { readonly scope?: readonly string[] }): Promise<TestKiosk>;
  importRows<K extends ImportKind>(kind: K, rows: readonly Omit<ImportRowOf[K], 'line'>[]): Promise<number>;
  close(): Promise<void>;
}

export interface TestKiosk {
  readonly identity: DeviceIdentity;
  readonly hubPublicKey: string;
  /** A signed GET of `pathWithQuery`. */
  get(pathWithQuery: string, headers?: Record<string, string>): Promise<Response>;
}

export async function startTestHub(options: Partial<HubServerOptions> & { location?: HubStorageLocation } = {}): Promise<TestHub> {
  const dataDir = options.dataDir ?? tempDataDir('chot-hub-server-');
  const location = options.location ?? { dataDir };
  const logs: string[] = [];
  const server = await startHubServer({
    seqPollMs: 30,
    workerUrl: await hubWorkerBundle(),
    snapshotRetryMs: 200,
    logger: linesLogger((line) => logs.push(line)),
    ...options,
    dataDir,
    storage: options.storage ?? location,
  });
  const admin = await openHubStorage(location);
  const enrol = async (enrolOptions: { readonly scope?: readonly string[] } = {}): Promise<TestKiosk> => {
    const { code } = await new EnrollmentService(admin.enrollment).createCode('Cổng chính', undefined, enrolOptions.scope ?? null);
    const { privateKey } = generateKeyPairSync('ed25519');
    const answer = await fetch(`${server.url}/v1/enroll`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code, publicKey: Buffer.from(publicKeyRawOf(privateKey)).toString('base64') }),
    });
    if (answer.status !== 200) throw new Error(`enrolment failed: ${answer.status} ${await answer.text()}`);
    const { deviceId, hubPublicKey } = (await answer.json()) as { deviceId: string; hubPublicKey: string };
    const identity = deviceIdentityFrom(deviceId, privateKey);
    return {
      identity,
      hubPublicKey,
      get: (path, headers = {}) => fetch(`${server.url}${path}`, { headers: { ...identity.signRequest('GET', path), ...headers } }),
    };
  };
  return {
    server,
    dataDir,
    admin,
    logs,
    enrol,
    importRows: async (kind, rows) => (await admin.applyImport(kind, lines(rows), { name: `${kind}.csv` })).seq,
    close: async () => {
      await server.close();
      await admin.close();
    },
  };
}

/** What hubsOnBothStores gives a file of hub tests. */
export interface HubsOnBothStores {
  /** Starts a hub (startTestHub), closed after the test. */
  start(options?: Parameters<typeof startTestHub>[0]): Promise<TestHub>;
  /** A new, empty database on the file's PostgreSQL cluster: its URL. */
  pgUrl(): string;
  /** The two stores a hub runs on, for describe.each: the embedded SQLite (no location: the hub's data directory) and a new PostgreSQL database. */
  readonly stores: readonly [string, () => HubStorageLocation | undefined][];
  /** Something a test opened for its hubs (a storage handed to one): closed after them. */
  closeAfterHubs(closable: { close(): Promise<void> }): void;
}

/**
 * The set-up of a file of hub tests on both stores: a private PostgreSQL cluster for the file
 * (tests/support/postgres.ts: a real server, never a mock), and the hubs its tests start,
 * closed after each test. Call it at the top of the file: it registers the file's hooks.
 */
export function hubsOnBothStores(): HubsOnBothStores {
  let cluster: PostgresCluster | undefined;
  beforeAll(() => {
    cluster = startPostgres();
  }, 90_000);
  afterAll(() => cluster?.stop());

  const hubs: TestHub[] = [];
  const afterHubs: { close(): Promise<void> }[] = [];
  afterEach(async () => {
    await Promise.all(hubs.splice(0).map((h) => h.close()));
    await Promise.all(afterHubs.splice(0).map((closable) => closable.close()));
  });

  const pgUrl = (): string => {
    if (cluster === undefined) throw new Error('the PostgreSQL cluster starts before the first test, not while tests are collected');
    return cluster.createDatabase();
  };
  return {
    start: async (options = {}) => {
      const h = await startTestHub(options);
      hubs.push(h);
      return h;
    },
    pgUrl,
    stores: [
      ['SQLite', () => undefined],
      ['PostgreSQL', () => ({ pgUrl: pgUrl() })],
    ],
    closeAfterHubs: (closable) => {
      afterHubs.push(closable);
    },
  };
}

/** n people with 12-digit IDs spread over the ID space (Hà Nội, born 1990). */
export const people = (n: number, from = 0): { id12: string }[] =>
  Array.from({ length: n }, (_, i) => ({ id12: `001090${String(from + i).padStart(6, '0')}` }));

export interface ReadStream {
  readonly people: SyncedPerson[];
  readonly chunks: number;
  readonly complete: boolean;
  readonly toSeq: number | undefined;
  /** Where the stream got to: what a resumed download continues from. */
  readonly cursor: ChunkCursor | undefined;
}

/** Verifies a body of concatenated chunks as a kiosk would (key, signatures, order) and reads the people. */
export async function readChunks(body: Uint8Array, kind: SyncKind, hubPublicKey: string, position: SyncPosition = { watermark: 0 }): Promise<ReadStream> {
  const verifier = new ChunkStreamVerifier(kind, position, hubKeyStoreFromKeys([hubPublicKey]));
  const found: SyncedPerson[] = [];
  let chunks = 0;
  let toSeq: number | undefined;
  for await (const chunk of frameChunks([body])) {
    const verified = verifier.accept(chunk);
    found.push(...recordsToPeople(verified.records));
    chunks += 1;
    toSeq = verified.header.toSeq;
  }
  return { people: found, chunks, complete: verifier.complete, toSeq, cursor: verifier.current };
}

export const bytesOf = async (response: Response): Promise<Uint8Array> => new Uint8Array(await response.arrayBuffer());

/** Polls until `check` holds (the server notices imports by polling the storage). */
export async function eventually(check: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
