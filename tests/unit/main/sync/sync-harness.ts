import Database from 'better-sqlite3-multiple-ciphers';
import { join } from 'node:path';
import type { SyncedPerson } from '../../../../domain/sync/synced-person.js';
import type { HubSigningKey } from '../../../../hub/keys/hub-signing-key.js';
import { enrollKiosk } from '../../../../main/enrollment/enroll-kiosk.js';
import { FACTS_DATABASE_FILE } from '../../../../main/store/facts-database.js';
import { FactsStore } from '../../../../main/store/facts-store.js';
import { KioskSync, type KioskSyncOptions } from '../../../../main/sync/kiosk-sync.js';
import type { LoopTimers } from '../../../../main/sync/sync-loop.js';
import { FakeHub } from '../../../support/fake-hub.js';
import { tempDataDir } from '../../../support/kiosk-process.js';
import { syncBundles } from '../../../support/sync-bundle.js';
import { databaseDigest, type PeopleDigest, type TestHubKey } from '../../../support/sync-fixtures.js';

/** What the tests closes after each test. */
const opened: { close(): Promise<void> }[] = [];

export async function closeAll(): Promise<void> {
  for (const item of opened.splice(0).reverse()) await item.close();
}

export async function fakeHub(key: TestHubKey, options: { chunkRecords?: number; maxDeltaPeople?: number } = {}): Promise<FakeHub> {
  const hub = await FakeHub.start({ key, ...options });
  opened.push(hub);
  return hub;
}

export interface TestKiosk {
  readonly dataDir: string;
  readonly factsFile: string;
  readonly sync: KioskSync;
  /** The people the kiosk holds, read on a connection of the test's own. */
  digest(): PeopleDigest;
  find(id12: string): ReturnType<FactsStore['findById12']>;
  watermark(): Promise<number>;
}

/** A kiosk enrolled with the hub for real (POST /v1/enroll), with its applier on a bundled worker. */
export async function enrolledKiosk(hub: FakeHub, options: Pick<KioskSyncOptions, 'client' | 'rules' | 'hubTime' | 'now'> = {}): Promise<TestKiosk> {
  const dataDir = tempDataDir('chot-sync-client-');
  await enrollKiosk({ dataDir, hubUrl: hub.url, code: await hub.createCode() });
  const factsFile = join(dataDir, FACTS_DATABASE_FILE);
  const sync = await KioskSync.open({ dataDir, factsDatabaseFile: factsFile, workerUrl: (await syncBundles()).workerUrl, ...options });
  if (sync === undefined) throw new Error('enrolment did not write hub.json');
  opened.push(sync);
  const read = <T>(use: (db: Database.Database) => T): T => {
    const db = new Database(factsFile, { readonly: true });
    try {
      return use(db);
    } finally {
      db.close();
    }
  };
  return {
    dataDir,
    factsFile,
    sync,
    digest: () => read((db) => databaseDigest(db)),
    find: (id12) => read((db) => new FactsStore(db).findById12(id12)),
    watermark: async () => (await sync.applier.position()).watermark,
  };
}

/** The test hub key in the shape the rule publisher signs with. */
export function signingKeyOf(key: TestHubKey): HubSigningKey {
  return { publicKeyRaw: new Uint8Array(Buffer.from(key.publicKeyBase64, 'base64')), keyId: key.keyId, sign: (data) => key.sign(data) };
}

/** Latest state per person, as a kiosk should hold them after applying everything. */
export function latest(...batches: Iterable<SyncedPerson>[]): SyncedPerson[] {
  const byId = new Map<string, SyncedPerson>();
  for (const batch of batches) for (const p of batch) byId.set(p.id12, p);
  return [...byId.values()];
}

/** Flips one bit in a chunk's compressed body: its signature no longer matches. */
export function tampered(chunk: Uint8Array): Uint8Array {
  const copy = chunk.slice();
  copy[60] = (copy[60] as number) ^ 0x01;
  return copy;
}

/**
 * Timers the test fires by hand: the loop's waits are recorded, never elapse on their
 * own, and `next()` resolves when the loop schedules its next wait.
 */
export class ManualTimers implements LoopTimers {
  readonly scheduled: { ms: number; callback: () => void; cleared: boolean }[] = [];
  private waiters: ((ms: number) => void)[] = [];

  setTimeout(callback: () => void, ms: number): unknown {
    const entry = { ms, callback, cleared: false };
    this.scheduled.push(entry);
    for (const waiter of this.waiters.splice(0)) waiter(ms);
    return entry;
  }

  clearTimeout(handle: unknown): void {
    (handle as { cleared: boolean }).cleared = true;
  }

  /** The delay of the next wait the loop schedules (or of one already scheduled and not yet taken). */
  next(): Promise<number> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Fires the latest pending wait, as if its time had come. */
  fire(): void {
    const entry = this.scheduled.at(-1);
    if (entry === undefined || entry.cleared) throw new Error('no pending wait to fire');
    entry.cleared = true;
    entry.callback();
  }

  get delays(): number[] {
    return this.scheduled.map((entry) => entry.ms);
  }
}
