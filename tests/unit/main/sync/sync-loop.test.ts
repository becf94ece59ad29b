import { afterEach, describe, expect, it, vi } from 'vitest';
import { backoffWindow } from '../../../../platform/backoff.js';
import { SyncLoop, type SyncStatus } from '../../../../main/sync/sync-loop.js';
import type { SyncSummary } from '../../../../main/sync/sync-client.js';
import { changedPeople, people, person, testHubKey } from '../../../support/sync-fixtures.js';
import { closeAll, enrolledKiosk, fakeHub, ManualTimers, tampered } from './sync-harness.js';

const key = testHubKey();
const N = 300;
const POLL_MS = 60_000;
const loops: SyncLoop[] = [];

afterEach(async () => {
  for (const loop of loops.splice(0)) await loop.stop();
  await closeAll();
});

async function setUp() {
  const hub = await fakeHub(key);
  hub.publish(people(N));
  hub.buildSnapshot();
  const kiosk = await enrolledKiosk(hub);
  return { hub, kiosk, timers: new ManualTimers() };
}

describe('SyncLoop', () => {
  it('hub down: offline, backing off with jitter inside a growing window; hub back: catches up with a delta, no snapshot', async () => {
    const { hub, kiosk, timers } = await setUp();
    const randoms = [0.9, 0.3, 0.99, 0.5, 0.1];
    const statuses: SyncStatus[] = [];
    const loop = new SyncLoop({
      runSync: (signal) => kiosk.sync.syncOnce({ signal }),
      readWatermark: () => kiosk.watermark(),
      pollMs: POLL_MS,
      timers,
      backoff: { random: () => randoms.shift() ?? 0.5 },
      onStatus: (status) => statuses.push(status),
    });
    loops.push(loop);
    let scheduled = timers.next();
    loop.start();
    expect(await scheduled).toBe(POLL_MS);
    expect(loop.status()).toMatchObject({ state: 'idle', watermark: N, failures: 0 });
    const firstSuccess = loop.status().lastSuccessAt;

    await hub.down();
    const changes = [...changedPeople(N, 4, 1)];
    hub.publish(changes);
    const delays: number[] = [];
    for (let attempt = 0; attempt < 5; attempt++) {
      scheduled = timers.next();
      timers.fire();
      delays.push(await scheduled);
      expect(loop.status()).toMatchObject({
        state: 'offline',
        failures: attempt + 1,
        watermark: N,
        lastError: { code: 'unreachable' },
        lastSuccessAt: firstSuccess,
      });
    }
    expect(delays).toEqual([900, 600, 3_960, 4_000, 1_600]);
    delays.forEach((delay, n) => expect(delay).toBeLessThan(backoffWindow(n, { minMs: 1_000, maxMs: 300_000 })));
    expect(statuses.some((s) => s.state === 'syncing')).toBe(true);

    await hub.up();
    scheduled = timers.next();
    timers.fire();
    expect(await scheduled).toBe(POLL_MS);
    expect(loop.status()).toMatchObject({ state: 'idle', failures: 0, watermark: hub.seq });
    expect(loop.status().lastError).toBeUndefined();
    expect(hub.count('snapshot')).toBe(1);
    expect(hub.requestsTo('delta').at(-1)?.url).toBe(`/v1/delta?since=${N}`);
    expect(kiosk.find(person(4).id12)?.facts).toEqual(person(4, 1).facts);
  });

  it('a hub notice of a higher sequence syncs at once instead of at the next poll', async () => {
    const { hub, kiosk, timers } = await setUp();
    const first = timers.next();
    const loop = await kiosk.sync.startLoop({ timers, pollMs: POLL_MS });
    loops.push(loop);
    expect(await first).toBe(POLL_MS);
    await vi.waitFor(() => expect(loop.status().notices).toBe(true));
    const polls = timers.scheduled.length;

    hub.publish([person(7, 3)]);
    const next = timers.next();
    hub.announce();
    expect(await next).toBe(POLL_MS);
    expect(timers.scheduled).toHaveLength(polls + 1);
    // The poll's wait was cut short by the notice, never fired.
    expect(timers.scheduled[polls - 1]?.cleared).toBe(true);
    expect(loop.status()).toMatchObject({ state: 'idle', watermark: hub.seq });
    expect(kiosk.find(person(7).id12)?.facts).toEqual(person(7, 3).facts);
  });

  it('a refused chunk puts the loop in the error state with the refusal’s code; the next attempt starts afresh', async () => {
    const { hub, kiosk, timers } = await setUp();
    hub.fail('snapshot', { kind: 'replace', chunks: (served) => served.map((c, i) => (i === 0 ? tampered(c) : c)) });
    let scheduled = timers.next();
    const loop = new SyncLoop({ runSync: (signal) => kiosk.sync.syncOnce({ signal }), timers, pollMs: POLL_MS, backoff: { random: () => 0.5 } });
    loops.push(loop);
    loop.start();
    expect(await scheduled).toBe(500);
    expect(loop.status()).toMatchObject({ state: 'error', watermark: 0, lastError: { code: 'sync.signature' } });

    scheduled = timers.next();
    timers.fire();
    expect(await scheduled).toBe(POLL_MS);
    expect(loop.status()).toMatchObject({ state: 'idle', watermark: N });
  });

  it('waits as long as the hub asks (Retry-After) while its first snapshot is being built', async () => {
    const hub = await fakeHub(key);
    hub.publish(people(10));
    const kiosk = await enrolledKiosk(hub);
    const timers = new ManualTimers();
    const scheduled = timers.next();
    const loop = new SyncLoop({ runSync: (signal) => kiosk.sync.syncOnce({ signal }), timers, backoff: { random: () => 0.5 } });
    loops.push(loop);
    loop.start();
    expect(await scheduled).toBe(2_000);
    expect(loop.status()).toMatchObject({ state: 'error', lastError: { code: 'snapshot-building' } });
  });

  it('stop() aborts a download in progress; the snapshot resumes later', async () => {
    const { hub, kiosk, timers } = await setUp();
    hub.fail('snapshot', { kind: 'stall', afterChunks: 1 });
    const loop = new SyncLoop({ runSync: (signal) => kiosk.sync.syncOnce({ signal }), timers });
    loop.start();
    await vi.waitFor(async () => expect((await kiosk.sync.applier.position()).snapshotInProgress?.nextIndex).toBe(1));
    expect(loop.status().state).toBe('syncing');

    await loop.stop();
    expect(timers.scheduled).toHaveLength(0);
    const resumed = await kiosk.sync.syncOnce();
    expect(resumed.applied[0]).toMatchObject({ kind: 'snapshot', resumedFrom: 1 });
  });

  it('never throws out: a sync function that throws anything becomes the error state', async () => {
    const timers = new ManualTimers();
    const scheduled = timers.next();
    const loop = new SyncLoop<SyncSummary>({
      runSync: () => Promise.reject(new Error('disk full')),
      timers,
      backoff: { random: () => 0 },
      onStatus: () => {
        throw new Error('a broken listener');
      },
    });
    loops.push(loop);
    loop.start();
    expect(await scheduled).toBe(0);
    expect(loop.status()).toMatchObject({ state: 'error', lastError: { code: 'sync.failed', message: 'disk full' } });
  });
});
