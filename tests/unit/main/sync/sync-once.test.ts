import { afterEach, describe, expect, it } from 'vitest';
import { KHANH_HOA_2021_10 } from '../../../../domain/rules/builtin/khanh-hoa-2021-10.js';
import { signRuleSet } from '../../../../hub/rules/rule-publisher.js';
import { RuleSetRepository } from '../../../../main/rules/rule-set-repository.js';
import { hubKeyStoreFromKeys } from '../../../../main/trust/hub-key-store.js';
import { HubError } from '../../../../main/hub-client/hub-error.js';
import { changedPeople, people, peopleDigest, person, testHubKey } from '../../../support/sync-fixtures.js';
import { closeAll, enrolledKiosk, fakeHub, latest, signingKeyOf } from './sync-harness.js';

const key = testHubKey();
const N = 450;

afterEach(closeAll);

/** A hub with N people at a built snapshot, then some changes after it. */
async function hubWithData() {
  const hub = await fakeHub(key);
  hub.publish(people(N));
  const snapshotSeq = hub.buildSnapshot();
  const changes = [...changedPeople(N, 7, 1)];
  hub.publish(changes);
  return { hub, snapshotSeq, changes };
}

describe('syncOnce', () => {
  it('first sync: the newest snapshot, then a delta to become current, then the rules; the next sync is a delta only', async () => {
    const { hub, snapshotSeq, changes } = await hubWithData();
    const kiosk = await enrolledKiosk(hub);

    const first = await kiosk.sync.syncOnce();
    expect(first.applied).toEqual([
      { kind: 'snapshot', toSeq: snapshotSeq, records: N, chunks: 5 },
      { kind: 'delta', toSeq: hub.seq, records: changes.length, chunks: 1 },
    ]);
    expect(first).toMatchObject({ watermark: hub.seq, confirmed: true, records: N + changes.length });
    expect(kiosk.digest()).toEqual(peopleDigest(latest(people(N), changes)));
    expect(hub.requestsTo('snapshot').map((r) => r.url)).toEqual(['/v1/snapshot']);
    expect(hub.requestsTo('delta').map((r) => r.url)).toEqual([`/v1/delta?since=${snapshotSeq}`]);
    expect(hub.count('rules')).toBe(1);

    const more = [...changedPeople(N, 11, 2), person(N + 5)];
    hub.publish(more);
    const second = await kiosk.sync.syncOnce();
    expect(second.applied).toEqual([{ kind: 'delta', toSeq: hub.seq, records: more.length, chunks: 1 }]);
    expect(hub.count('snapshot')).toBe(1);
    expect(hub.requestsTo('delta').at(-1)?.url).toBe(`/v1/delta?since=${first.watermark}`);
    expect(kiosk.find(person(N + 5).id12)?.facts).toEqual(person(N + 5).facts);
  });

  it('an up-to-date kiosk asks with If-None-Match, gets 304 and confirms its data current', async () => {
    const { hub } = await hubWithData();
    const kiosk = await enrolledKiosk(hub);
    await kiosk.sync.syncOnce();
    const before = kiosk.sync.lastSyncedAt() as number;
    await new Promise((resolve) => setTimeout(resolve, 5));

    const again = await kiosk.sync.syncOnce();
    expect(again).toMatchObject({ applied: [], upToDate: true, confirmed: true, watermark: hub.seq });
    expect(hub.requestsTo('delta').at(-1)?.headers['if-none-match']).toBe(`"delta-${hub.seq}-${hub.seq}"`);
    expect(kiosk.sync.lastSyncedAt()).toBeGreaterThan(before);
  });

  it('a partial snapshot download is resumed from the next chunk the applier needs', async () => {
    const { hub, snapshotSeq } = await hubWithData();
    const kiosk = await enrolledKiosk(hub);
    hub.fail('snapshot', { kind: 'cut', afterChunks: 2 });

    await expect(kiosk.sync.syncOnce()).rejects.toMatchObject({ name: 'HubError', code: 'interrupted' });
    expect((await kiosk.sync.applier.position()).snapshotInProgress).toMatchObject({ toSeq: snapshotSeq, nextIndex: 2 });
    expect(kiosk.digest().count).toBe(0);

    const resumed = await kiosk.sync.syncOnce();
    expect(hub.requestsTo('snapshot').at(-1)?.url).toBe(`/v1/snapshot?seq=${snapshotSeq}&from=2`);
    expect(resumed.applied[0]).toMatchObject({ kind: 'snapshot', toSeq: snapshotSeq, resumedFrom: 2, chunks: 3 });
    expect(resumed.watermark).toBe(hub.seq);
  });

  it('a resumed snapshot the hub no longer keeps (snapshot-gone) restarts with the newest from chunk 0', async () => {
    const { hub, snapshotSeq, changes } = await hubWithData();
    const kiosk = await enrolledKiosk(hub);
    hub.fail('snapshot', { kind: 'cut', afterChunks: 1 });
    await expect(kiosk.sync.syncOnce()).rejects.toThrow(HubError);
    // Two newer snapshots: the one in progress is dropped.
    hub.buildSnapshot();
    const newer = [...changedPeople(N, 5, 3)];
    hub.publish(newer);
    const newest = hub.buildSnapshot();

    const summary = await kiosk.sync.syncOnce();
    expect(
      hub
        .requestsTo('snapshot')
        .slice(1)
        .map((r) => r.url),
    ).toEqual([`/v1/snapshot?seq=${snapshotSeq}&from=1`, '/v1/snapshot']);
    expect(summary.applied[0]).toMatchObject({ kind: 'snapshot', toSeq: newest, records: N });
    expect(summary.watermark).toBe(newest);
    expect(kiosk.digest()).toEqual(peopleDigest(latest(people(N), changes, newer)));
  });

  it('delta-too-large: fetches the snapshot instead, then the delta after it', async () => {
    const { hub } = await hubWithData();
    const kiosk = await enrolledKiosk(hub);
    await kiosk.sync.syncOnce();
    const many = [...changedPeople(N, 2, 4)];
    hub.publish(many);
    const snapshot = hub.buildSnapshot();
    const few = [person(3, 5)];
    hub.publish(few);
    hub.maxDeltaPeople = 100;

    const summary = await kiosk.sync.syncOnce();
    expect(summary.applied.map((s) => [s.kind, s.toSeq])).toEqual([
      ['snapshot', snapshot],
      ['delta', hub.seq],
    ]);
    expect(kiosk.digest()).toEqual(peopleDigest(latest(people(N), changedPeople(N, 7, 1), many, few)));
  });

  it('ahead-of-hub (a hub restored from an older backup) fails with a message for the operator, data kept', async () => {
    const { hub } = await hubWithData();
    const kiosk = await enrolledKiosk(hub);
    await kiosk.sync.syncOnce();
    const state = kiosk.digest();
    hub.fail('delta', { kind: 'error', error: 'ahead-of-hub', message: 'the kiosk is ahead' });

    const failure = await kiosk.sync.syncOnce().catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: 'ahead-of-hub', status: 409 });
    expect((failure as Error).message).toMatch(/restored from an older backup.*operator/);
    expect(kiosk.digest()).toEqual(state);
  });

  it('a hub still building its first snapshot: snapshot-building with Retry-After', async () => {
    const hub = await fakeHub(key);
    hub.publish(people(10));
    const kiosk = await enrolledKiosk(hub);
    await expect(kiosk.sync.syncOnce()).rejects.toMatchObject({ code: 'snapshot-building', status: 503, retryAfterMs: 2000 });
  });

  it('installs every signed rule set, refuses a forged one and reports it; an unchanged list costs a 304', async () => {
    const { hub } = await hubWithData();
    const stranger = testHubKey();
    const forged = signRuleSet(signingKeyOf(stranger), { ...KHANH_HOA_2021_10, id: 'forged', version: '9.0.0' });
    const december = { ...KHANH_HOA_2021_10, id: 'khanh-hoa-2021-12', validFrom: '2021-12-01T00:00:00+07:00' };
    hub.ruleSets = [signRuleSet(signingKeyOf(key), KHANH_HOA_2021_10), forged, signRuleSet(signingKeyOf(key), december)];
    const kiosk = await enrolledKiosk(hub);

    const first = await kiosk.sync.syncOnce();
    expect(first.rulesInstalled).toHaveLength(2);
    expect(first.rulesRefused).toEqual([{ name: 'forged@9.0.0', code: 'rules.unknown-key', message: expect.any(String) }]);
    expect(first.rulesEtag).toBeUndefined();
    const installed = new RuleSetRepository(kiosk.dataDir, hubKeyStoreFromKeys([key.publicKeyBase64])).status();
    expect(installed.loaded.map((r) => r.id).sort()).toEqual(['khanh-hoa-2021-10', 'khanh-hoa-2021-12']);
    expect(installed.refused).toEqual([]);

    // Without the forged set the list verifies whole, and the next sync asks with its ETag.
    hub.ruleSets = hub.ruleSets.filter((r) => r !== forged);
    expect((await kiosk.sync.syncOnce()).rulesEtag).toBeDefined();
    const third = await kiosk.sync.syncOnce();
    expect(third).toMatchObject({ rulesInstalled: [], rulesRefused: [] });
    expect(hub.requestsTo('rules').at(-1)?.headers['if-none-match']).toBe(third.rulesEtag);
  });

  it('signs every request over the exact path and query sent (the hub verifies each)', async () => {
    const { hub } = await hubWithData();
    const kiosk = await enrolledKiosk(hub);
    await kiosk.sync.syncOnce();
    for (const request of hub.requests.filter((r) => r.route !== 'enroll')) {
      expect(request.headers['x-chot-device']).toBe(kiosk.sync.hub.deviceId);
    }
    expect(await kiosk.sync.client.status()).toMatchObject({ seq: hub.seq, hubKeyId: key.keyId });
  });
});
