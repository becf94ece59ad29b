import Database from 'better-sqlite3-multiple-ciphers';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { copyFileSync } from 'node:fs';
import { ARTEFACT_INDEX_NAME, chunkObjectName, type ArtefactIndex, type ArtefactSnapshotChunk } from '../../../../domain/sync/artefact-index.js';
import { EnrollmentService } from '../../../../hub/enrollment/enrollment-service.js';
import { DirectoryArtefactStore } from '../../../../hub/artefacts/directory-artefact-store.js';
import { enrollKiosk } from '../../../../main/enrollment/enroll-kiosk.js';
import { FACTS_DATABASE_FILE } from '../../../../main/store/facts-database.js';
import { FactsStore } from '../../../../main/store/facts-store.js';
import { KioskSync } from '../../../../main/sync/kiosk-sync.js';
import { tempDataDir } from '../../../support/kiosk-process.js';
import { memoryLogger } from '../../../support/memory-logger.js';
import { startStaticFileServer, type StaticFileServer } from '../../../support/static-file-server.js';
import { syncBundles } from '../../../support/sync-bundle.js';
import { databaseDigest, peopleDigest, type PeopleDigest } from '../../../support/sync-fixtures.js';
import { bytesOf, eventually, people, readChunks, startTestHub, type TestHub } from '../../hub/server/hub-test-kit.js';

/**
 * The kiosk's real sync code against a real hub that publishes artefacts to a directory,
 * and that directory served by a plain static file server: no hub logic on the read path.
 */
const opened: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const item of opened.splice(0).reverse()) await item.close();
});

interface Setup extends SetupKiosk {
  readonly hub: TestHub;
  readonly cdn: StaticFileServer;
  readonly storeDir: string;
  /** The index the store holds now (unverified: the kiosk's check is under test elsewhere). */
  index(): Promise<ArtefactIndex | undefined>;
  /** Another kiosk enrolled with the same hub, with no data yet. */
  anotherKiosk(): Promise<SetupKiosk>;
}

interface SetupKiosk {
  readonly kiosk: KioskSync;
  readonly kioskLog: ReturnType<typeof memoryLogger>;
  readonly factsFile: string;
  has(id12: string): boolean;
  /** Every person the kiosk holds, as a digest. */
  digest(): PeopleDigest;
}

async function setup(): Promise<Setup> {
  const storeDir = tempDataDir('chot-artefact-store-');
  const cdn = await startStaticFileServer(storeDir);
  opened.push(cdn);
  const store = new DirectoryArtefactStore(storeDir);
  const hub = await startTestHub({ chunking: { maxRecords: 4 }, artefacts: { store, base: cdn.url } });
  opened.push(hub);
  const index = async (): Promise<ArtefactIndex | undefined> => {
    const bytes = await store.read(ARTEFACT_INDEX_NAME);
    return bytes === undefined ? undefined : (JSON.parse(new TextDecoder().decode(bytes)) as { index: ArtefactIndex }).index;
  };
  return { hub, cdn, storeDir, index, ...(await enrolledKiosk(hub)), anotherKiosk: () => enrolledKiosk(hub) };
}

async function enrolledKiosk(hub: TestHub): Promise<SetupKiosk> {
  const dataDir = tempDataDir('chot-artefact-kiosk-');
  const { code } = await new EnrollmentService(hub.admin.enrollment).createCode('Cổng chính');
  await enrollKiosk({ dataDir, hubUrl: hub.server.url, code });
  const factsFile = join(dataDir, FACTS_DATABASE_FILE);
  const kioskLog = memoryLogger();
  const kiosk = await KioskSync.open({ dataDir, factsDatabaseFile: factsFile, workerUrl: (await syncBundles()).workerUrl, logger: kioskLog });
  if (kiosk === undefined) throw new Error('enrolment wrote no hub.json');
  opened.push(kiosk);
  const withDatabase = <T>(read: (db: Database.Database) => T): T => {
    const db = new Database(factsFile, { readonly: true });
    try {
      return read(db);
    } finally {
      db.close();
    }
  };
  return {
    kiosk,
    kioskLog,
    factsFile,
    has: (id12) => withDatabase((db) => new FactsStore(db).findById12(id12) !== undefined),
    digest: () => withDatabase((db) => databaseDigest(db)),
  };
}

const chunkPaths = (refs: readonly { sha256: string }[]): string[] => refs.map((ref) => `/${chunkObjectName(ref.sha256)}`);
const hubAsked = (s: Setup, route: string): string[] => s.hub.logs.filter((line) => line.includes(route));
const warnings = (s: SetupKiosk): string[] => s.kioskLog.records.filter((r) => r.level === 'warn').map((r) => r.message);

async function publishedSnapshot(s: Setup, seq: number): Promise<ArtefactIndex> {
  let found: ArtefactIndex | undefined;
  await eventually(async () => ((found = await s.index())?.snapshot?.seq ?? -1) >= seq, 20_000);
  return found as ArtefactIndex;
}

async function publishedDelta(s: Setup, from: number, to: number): Promise<ArtefactIndex> {
  let found: ArtefactIndex | undefined;
  await eventually(async () => ((found = await s.index())?.deltas ?? []).some((d) => d.from === from && d.to === to), 20_000);
  return found as ArtefactIndex;
}

describe('a kiosk syncs from the artefact store through a plain static server', () => {
  it('takes the snapshot and then a delta from the store, asking the hub for neither', async () => {
    const s = await setup();
    const first = await s.hub.importRows('person', people(30));
    const index = await publishedSnapshot(s, first);
    expect(index.snapshot?.chunks.length).toBeGreaterThan(3);

    const summary = await s.kiosk.syncOnce();
    expect(summary.applied).toMatchObject([{ kind: 'snapshot', toSeq: first, records: 30 }]);
    const asked = new Set(s.cdn.requests.map((r) => r.path));
    for (const path of chunkPaths(index.snapshot?.chunks ?? [])) expect(asked).toContain(path);
    expect(hubAsked(s, '/v1/snapshot')).toEqual([]);

    const second = await s.hub.importRows('person', people(5, 30));
    const withDelta = await publishedDelta(s, first, second);
    const delta = withDelta.deltas.find((d) => d.from === first);
    const again = await s.kiosk.syncOnce();
    expect(again.applied).toMatchObject([{ kind: 'delta', toSeq: second, records: 5 }]);
    const askedNow = new Set(s.cdn.requests.map((r) => r.path));
    for (const path of chunkPaths(delta?.chunks ?? [])) expect(askedNow).toContain(path);
    expect(hubAsked(s, `/v1/delta?since=${first} `).filter((line) => / 200 /.test(line))).toEqual([]);
    expect(s.has(people(1, 34)[0]?.id12 as string)).toBe(true);
    expect(warnings(s)).toEqual([]);
  });

  it('refuses a chunk the static server altered, says so, and takes the rest from the hub', async () => {
    const s = await setup();
    const seq = await s.hub.importRows('person', people(30));
    const index = await publishedSnapshot(s, seq);
    const altered = chunkPaths(index.snapshot?.chunks ?? [])[2] as string;
    s.cdn.tamper(altered);

    const summary = await s.kiosk.syncOnce();
    expect(summary.applied).toMatchObject([{ kind: 'snapshot', toSeq: seq, records: 30 }]);
    expect(warnings(s).join('\n')).toMatch(/snapshot at sequence \d+ from chunk 2 from the hub's API .*does not match its sha256/);
    expect(hubAsked(s, `/v1/snapshot?seq=${seq}&from=2`)).toHaveLength(1);
    for (const person of people(30)) expect(s.has(person.id12)).toBe(true);
  });

  it('falls back to the hub when the index is not signed by the hub key', async () => {
    const s = await setup();
    const seq = await s.hub.importRows('person', people(8));
    await publishedSnapshot(s, seq);
    s.cdn.tamper(`/${ARTEFACT_INDEX_NAME}`);
    const summary = await s.kiosk.syncOnce();
    expect(summary.applied).toMatchObject([{ kind: 'snapshot', toSeq: seq, records: 8 }]);
    expect(warnings(s).join('\n')).toMatch(/the snapshot from the hub's API .*artefact index is (refused|not JSON)/);
    expect(hubAsked(s, '/v1/snapshot')).toHaveLength(1);
  });

  it('continues a chunk cut off mid-download from the byte it reached, with Range', async () => {
    const s = await setup();
    const seq = await s.hub.importRows('person', people(30));
    const index = await publishedSnapshot(s, seq);
    const ref = index.snapshot?.chunks[1];
    const path = chunkPaths([ref as { sha256: string }])[0] as string;
    const cutAt = Math.floor((ref?.bytes ?? 0) / 2);
    s.cdn.cutOnce(path, cutAt);

    const summary = await s.kiosk.syncOnce();
    expect(summary.applied).toMatchObject([{ kind: 'snapshot', toSeq: seq, records: 30 }]);
    expect(s.cdn.requests.filter((r) => r.path === path)).toEqual([
      { path, range: undefined },
      { path, range: `bytes=${cutAt}-` },
    ]);
    expect(warnings(s)).toEqual([]);
    expect(hubAsked(s, '/v1/snapshot')).toEqual([]);
  });
});

describe('snapshot chunks keep their object names in the store across sequences', () => {
  /** 30 people in chunks of 4: the final chunk holds 2, and one more person after them stays in its range. */
  async function twoSnapshots(s: Setup): Promise<{ first: ArtefactIndex; second: ArtefactIndex; seqs: [number, number] }> {
    const firstSeq = await s.hub.importRows('person', people(30));
    const first = await publishedSnapshot(s, firstSeq);
    const secondSeq = await s.hub.importRows('person', people(1, 30));
    const second = await publishedSnapshot(s, secondSeq);
    return { first, second, seqs: [firstSeq, secondSeq] };
  }

  it('names again every chunk no change fell into: a cache already holds all but the changed one', async () => {
    const s = await setup();
    const firstSeq = await s.hub.importRows('person', people(30));
    const first = await publishedSnapshot(s, firstSeq);
    // The first kiosk takes the first snapshot through the cache: it has seen those objects.
    expect((await s.kiosk.syncOnce()).applied).toMatchObject([{ kind: 'snapshot', toSeq: firstSeq, records: 30 }]);
    const seenBefore = new Set(s.cdn.requests.map((r) => r.path));

    const secondSeq = await s.hub.importRows('person', people(1, 30));
    const second = await publishedSnapshot(s, secondSeq);
    const firstChunks = first.snapshot?.chunks ?? [];
    const secondChunks = second.snapshot?.chunks ?? [];
    expect(secondChunks.map((c) => [c.start, c.end])).toEqual(firstChunks.map((c) => [c.start, c.end]));
    expect(secondChunks.slice(0, -1)).toEqual(firstChunks.slice(0, -1));
    expect(secondChunks.map((c) => c.contentSeq)).toEqual([...firstChunks.slice(0, -1).map(() => firstSeq), secondSeq]);
    expect(secondChunks.at(-1)?.sha256).not.toBe(firstChunks.at(-1)?.sha256);

    // A kiosk with no data rebuilds from the second snapshot: the one object the cache has not seen is the changed chunk.
    const other = await s.anotherKiosk();
    expect((await other.kiosk.syncOnce()).applied).toMatchObject([{ kind: 'snapshot', toSeq: secondSeq, records: 31 }]);
    const asked = s.cdn.requests.map((r) => r.path).filter((path) => path.startsWith('/chunks/'));
    expect(new Set(asked)).toEqual(new Set([...chunkPaths(firstChunks), ...chunkPaths(secondChunks)]));
    expect(asked.filter((path) => !seenBefore.has(path))).toEqual(chunkPaths(secondChunks.slice(-1)));
    expect(hubAsked(s, '/v1/snapshot')).toEqual([]);
    expect(warnings(other)).toEqual([]);

    // What it holds is exactly the API's snapshot at that sequence.
    const api = await s.hub.enrol();
    const read = await readChunks(await bytesOf(await api.get(`/v1/snapshot?seq=${secondSeq}`)), 'snapshot', api.hubPublicKey);
    expect(read).toMatchObject({ complete: true, toSeq: secondSeq });
    expect(other.digest()).toEqual(peopleDigest(read.people));
  });

  it('refuses an older chunk a cache serves for a changed range, and takes that chunk on from the hub', async () => {
    const s = await setup();
    const { first, second, seqs } = await twoSnapshots(s);
    const stale = first.snapshot?.chunks.at(-1) as ArtefactSnapshotChunk;
    const fresh = second.snapshot?.chunks.at(-1) as ArtefactSnapshotChunk;
    expect([stale.start, stale.end, stale.contentSeq]).toEqual([fresh.start, fresh.end, seqs[0]]);
    // The cache answers the new name with the range's previous object: validly signed, but not the one the index names.
    copyFileSync(join(s.storeDir, chunkObjectName(stale.sha256)), join(s.storeDir, chunkObjectName(fresh.sha256)));
    const last = (second.snapshot?.chunks.length as number) - 1;

    const summary = await s.kiosk.syncOnce();
    expect(summary.applied).toMatchObject([{ kind: 'snapshot', toSeq: seqs[1], records: 31 }]);
    expect(warnings(s).join('\n')).toMatch(new RegExp(`snapshot at sequence ${seqs[1]} from chunk ${last} from the hub's API .*does not match its sha256`));
    expect(hubAsked(s, `/v1/snapshot?seq=${seqs[1]}&from=${last}`)).toHaveLength(1);
    expect(s.has(people(1, 30)[0]?.id12 as string)).toBe(true);
  });
});
