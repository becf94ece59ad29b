import { afterEach, describe, expect, it, vi } from 'vitest';
import { KHANH_HOA_2021_10 } from '../../../../domain/rules/builtin/khanh-hoa-2021-10.js';
import { signRuleSet } from '../../../../hub/rules/rule-publisher.js';
import { HubError } from '../../../../main/hub-client/hub-error.js';
import { SyncLoop, type NoticeListener, type RunSummary } from '../../../../main/sync/sync-loop.js';
import { people, testHubKey } from '../../../support/sync-fixtures.js';
import { closeAll, enrolledKiosk, fakeHub, ManualTimers, signingKeyOf } from './sync-harness.js';

/**
 * What the notice channel does to a loop: connecting again (the hub is back) cuts a backoff
 * short, a change it announces syncs at once. Scripted runs, no hub: each attempt takes the
 * next outcome from a list.
 */
const POLL_MS = 60_000;
const loops: SyncLoop<RunSummary>[] = [];
afterEach(async () => {
  for (const loop of loops.splice(0)) await loop.stop();
  await closeAll();
});

const offline = (): HubError => new HubError('unreachable', 0, 'connect ECONNREFUSED');

/** A loop whose attempts succeed (at the given watermark) or fail, in order; the last outcome repeats. */
function scriptedLoop(outcomes: (number | Error)[], extra: { outdated?: () => boolean; during?: (attempt: number) => void } = {}) {
  const timers = new ManualTimers();
  let listener: NoticeListener | undefined;
  let attempts = 0;
  const loop = new SyncLoop<RunSummary>({
    runSync: async () => {
      extra.during?.(attempts + 1);
      const outcome = outcomes[Math.min(attempts++, outcomes.length - 1)];
      if (outcome instanceof Error) throw outcome;
      return { watermark: outcome ?? 0 };
    },
    subscribe: (given) => {
      listener = given;
      return { close: () => undefined };
    },
    pollMs: POLL_MS,
    timers,
    // The top of every window: the delays show the window each wait was drawn under.
    backoff: { random: () => 0.999 },
    ...(extra.outdated === undefined ? {} : { outdated: extra.outdated }),
  });
  loops.push(loop);
  return {
    loop,
    timers,
    attempts: () => attempts,
    notices: (): NoticeListener => {
      if (listener === undefined) throw new Error('the loop did not subscribe');
      return listener;
    },
  };
}

describe('SyncLoop and the notice channel', () => {
  it('the channel connecting again cuts a grown backoff short, and the next failure backs off from the first window', async () => {
    const { loop, timers, attempts, notices } = scriptedLoop([offline(), offline(), offline(), offline(), offline(), 5]);
    let scheduled = timers.next();
    loop.start();
    const delays = [await scheduled];
    for (let n = 0; n < 3; n++) {
      scheduled = timers.next();
      timers.fire();
      delays.push(await scheduled);
    }
    expect(delays).toEqual([999, 1_998, 3_996, 7_992]);
    expect(loop.status()).toMatchObject({ state: 'offline', failures: 4 });

    // The hub is back: no waiting out the 8 s window (minutes, after a long outage).
    notices().connection(false);
    scheduled = timers.next();
    notices().connection(true);
    expect(await scheduled).toBe(999);
    expect(timers.scheduled.at(-2)?.cleared).toBe(true);
    expect(attempts()).toBe(5);
    expect(loop.status()).toMatchObject({ state: 'offline', failures: 5, notices: true });

    scheduled = timers.next();
    notices().connection(true);
    expect(await scheduled).toBe(POLL_MS);
    expect(loop.status()).toMatchObject({ state: 'idle', watermark: 5, failures: 0 });
  });

  it('a loop whose last attempt succeeded is left alone by a reconnection: the notices say what changed', async () => {
    const { loop, timers, attempts, notices } = scriptedLoop([5]);
    const scheduled = timers.next();
    loop.start();
    expect(await scheduled).toBe(POLL_MS);
    notices().connection(true);
    notices().seq(5);
    await new Promise((resolve) => setImmediate(resolve));
    expect(attempts()).toBe(1);
    expect(timers.scheduled.at(-1)?.cleared).toBe(false);
  });

  it('the hub coming back during an attempt that then fails: tried again at once', async () => {
    let failAttempt: ((error: Error) => void) | undefined;
    const timers = new ManualTimers();
    let listener: NoticeListener | undefined;
    let attempts = 0;
    const loop = new SyncLoop<RunSummary>({
      runSync: () => {
        attempts += 1;
        if (attempts === 1) return new Promise((_resolve, reject) => (failAttempt = reject));
        return Promise.resolve({ watermark: 9 });
      },
      subscribe: (given) => ((listener = given), { close: () => undefined }),
      pollMs: POLL_MS,
      timers,
      backoff: { random: () => 0.999 },
    });
    loops.push(loop);
    loop.start();
    // A connect that hangs until its timeout while the notice socket already got through.
    listener?.connection(true);
    const scheduled = timers.next();
    failAttempt?.(offline());
    expect(await scheduled).toBe(0);
    const next = timers.next();
    timers.fire();
    expect(await next).toBe(POLL_MS);
    expect(attempts).toBe(2);
    expect(loop.status()).toMatchObject({ state: 'idle', watermark: 9 });
  });

  it('a change announced (a rule set published) syncs at once; one announced during a sync, still not fetched after it, syncs again', async () => {
    let fetched = false;
    const { loop, timers, attempts, notices } = scriptedLoop([3], {
      outdated: () => !fetched,
      during: (attempt) => {
        if (attempt === 3) notices().changed();
      },
    });
    let scheduled = timers.next();
    loop.start();
    expect(await scheduled).toBe(POLL_MS);

    scheduled = timers.next();
    notices().changed();
    expect(await scheduled).toBe(POLL_MS);
    expect(attempts()).toBe(2);

    // Announced while the attempt runs, and that attempt did not fetch it: once more, at once.
    scheduled = timers.next();
    timers.fire();
    expect(await scheduled).toBe(0);
    fetched = true;
    scheduled = timers.next();
    timers.fire();
    expect(await scheduled).toBe(POLL_MS);
    expect(attempts()).toBe(4);
  });
});

describe('a kiosk’s loop and the rule-set notice', () => {
  it('a rule set published at the hub is fetched at once; a notice of the rule sets the kiosk holds costs nothing', async () => {
    const key = testHubKey();
    const hub = await fakeHub(key);
    hub.publish(people(20));
    hub.buildSnapshot();
    hub.ruleSets = [signRuleSet(signingKeyOf(key), KHANH_HOA_2021_10)];
    const kiosk = await enrolledKiosk(hub);
    const timers = new ManualTimers();
    let scheduled = timers.next();
    const loop = await kiosk.sync.startLoop({ timers, pollMs: POLL_MS });
    loops.push(loop as unknown as SyncLoop<RunSummary>);
    expect(await scheduled).toBe(POLL_MS);
    await vi.waitFor(() => expect(loop.status().notices).toBe(true));
    const rulesFetches = hub.requestsTo('rules').length;

    // The same rule sets: nothing to fetch. (A sync it started would have asked within the pause: a
    // slow machine could only hide such a request, never invent one.)
    hub.announceRules();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(hub.requestsTo('rules')).toHaveLength(rulesFetches);
    expect(timers.scheduled.at(-1)?.cleared).toBe(false);

    const december = { ...KHANH_HOA_2021_10, id: 'khanh-hoa-2021-12', validFrom: '2021-12-01T00:00:00+07:00' };
    hub.ruleSets = [...hub.ruleSets, signRuleSet(signingKeyOf(key), december)];
    scheduled = timers.next();
    hub.announceRules();
    expect(await scheduled).toBe(POLL_MS);
    expect(loop.status().lastSummary?.rulesInstalled).toContainEqual(expect.stringContaining('khanh-hoa-2021-12'));
    // The poll's wait was cut short by the notice, never fired.
    expect(timers.scheduled.at(-2)?.cleared).toBe(true);
  });
});
