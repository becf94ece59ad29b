import { afterEach, describe, expect, it } from 'vitest';
import { artefactChunk, parseChunkHeader } from '../../../../domain/sync/sync-chunk.js';
import { SyncError } from '../../../../domain/sync/sync-error.js';
import { changedPeople, chunksOf, people, peopleDigest, person, testHubKey } from '../../../support/sync-fixtures.js';
import { closeAll, enrolledKiosk, fakeHub, latest, tampered } from './sync-harness.js';

const key = testHubKey();
const stranger = testHubKey();
const N = 450;

afterEach(closeAll);

/** A kiosk that has synced everything the hub had, and a hub that has moved on since. */
async function syncedKiosk() {
  const hub = await fakeHub(key, { chunkRecords: 40 });
  hub.publish(people(N));
  hub.buildSnapshot();
  const kiosk = await enrolledKiosk(hub);
  await kiosk.sync.syncOnce();
  const watermark = hub.seq;
  const state = kiosk.digest();
  hub.publish(changedPeople(N, 3, 1));
  return { hub, kiosk, watermark, state };
}

describe('refused data', () => {
  it.each([
    ['a chunk altered on the way (one bit flipped)', (served: readonly Uint8Array[]) => served.map((c, i) => (i === 1 ? tampered(c) : c)), 'sync.signature'],
    [
      'chunks signed by a key the kiosk does not trust',
      () => chunksOf(changedPeople(N, 3, 1), { kind: 'delta', fromSeq: N, toSeq: N + 150 }, stranger, { maxRecords: 40 }),
      'sync.unknown-key',
    ],
    ['a delta that leaves a gap', () => chunksOf([person(1, 9)], { kind: 'delta', fromSeq: N + 1, toSeq: N + 150 }, key), 'sync.gap'],
  ])('%s: the sync fails with that code, nothing is applied, and the next sync starts afresh', async (_label, replace, code) => {
    const { hub, kiosk, watermark, state } = await syncedKiosk();
    hub.fail('delta', { kind: 'replace', chunks: replace });

    const failure = await kiosk.sync.syncOnce().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(SyncError);
    expect(failure).toMatchObject({ code });
    expect(await kiosk.watermark()).toBe(watermark);
    expect(kiosk.digest()).toEqual(state);
    expect(kiosk.find(person(3).id12)?.facts).toEqual(person(3).facts);

    const next = await kiosk.sync.syncOnce();
    expect(next.watermark).toBe(hub.seq);
    expect(kiosk.digest()).toEqual(peopleDigest(latest(people(N), changedPeople(N, 3, 1))));
  });

  it('an older snapshot served again (a replay) is refused: the kiosk never goes back in time', async () => {
    const { hub, kiosk } = await syncedKiosk();
    const { watermark } = await kiosk.sync.syncOnce();
    const state = kiosk.digest();
    hub.publish([person(5, 2)]);
    // The delta is refused as too large, and the only snapshot the hub has is older than the kiosk's data.
    expect(hub.snapshotChunks(N)).toBeDefined();
    hub.fail('delta', { kind: 'error', error: 'delta-too-large' });

    await expect(kiosk.sync.syncOnce()).rejects.toMatchObject({ name: 'SyncError', code: 'sync.replay' });
    expect(await kiosk.watermark()).toBe(watermark);
    expect(kiosk.digest()).toEqual(state);
  });

  it('a snapshot chunk altered mid-stream: what verified before it is kept to resume from, nothing is visible', async () => {
    const hub = await fakeHub(key, { chunkRecords: 40 });
    hub.publish(people(N));
    hub.buildSnapshot();
    const kiosk = await enrolledKiosk(hub);
    hub.fail('snapshot', { kind: 'replace', chunks: (served) => served.map((c, i) => (i === 3 ? tampered(c) : c)) });

    await expect(kiosk.sync.syncOnce()).rejects.toMatchObject({ code: 'sync.signature' });
    expect(await kiosk.watermark()).toBe(0);
    expect(kiosk.digest().count).toBe(0);
    expect((await kiosk.sync.applier.position()).snapshotInProgress?.nextIndex).toBe(3);

    await kiosk.sync.syncOnce();
    expect(hub.requestsTo('snapshot').at(-1)?.url).toBe(`/v1/snapshot?seq=${N}&from=3`);
    expect(kiosk.digest()).toEqual(peopleDigest(people(N)));
  });

  it("the artefact store's snapshot chunks (format version 2) served by the API: refused, as nothing places them there", async () => {
    const hub = await fakeHub(key, { chunkRecords: 40 });
    hub.publish(people(N));
    hub.buildSnapshot();
    const kiosk = await enrolledKiosk(hub);
    // Validly signed, each the stored form of the very chunk it replaces.
    hub.fail('snapshot', { kind: 'replace', chunks: (served) => served.map((c) => artefactChunk(c, parseChunkHeader(c), N, key)) });

    const failure = await kiosk.sync.syncOnce().catch((error: unknown) => error);
    expect(failure).toMatchObject({ name: 'SyncError', code: 'sync.version' });
    expect((failure as Error).message).toMatch(/read only from the artefact store/);
    expect(await kiosk.watermark()).toBe(0);
    expect(kiosk.digest().count).toBe(0);
  });
});
