import { afterEach, describe, expect, it } from 'vitest';
import { people, testHubKey } from '../../../support/sync-fixtures.js';
import { closeAll, enrolledKiosk, fakeHub } from './sync-harness.js';

const key = testHubKey();
const HUB_NOW = Date.parse('2026-12-06T10:00:00Z');

afterEach(closeAll);

describe('every sync ends by hearing the hub’s signed clock (docs/clock.md)', () => {
  it('a hub that signs its clock: the kiosk hears it, with its own clock when it arrived — even when nothing else changed', async () => {
    const hub = await fakeHub(key);
    hub.publish(people(3));
    hub.buildSnapshot();
    hub.serverTime = () => HUB_NOW;
    const heard: { issuedAt: number; receivedAt: number }[] = [];
    const kiosk = await enrolledKiosk(hub, { hubTime: (time) => heard.push(time), now: () => HUB_NOW - 600_000 });
    expect((await kiosk.sync.syncOnce()).hubClock).toBe('heard');
    const second = await kiosk.sync.syncOnce();
    expect(second).toMatchObject({ upToDate: true, applied: [], hubClock: 'heard' });
    expect(heard).toEqual([
      { issuedAt: HUB_NOW, receivedAt: HUB_NOW - 600_000 },
      { issuedAt: HUB_NOW, receivedAt: HUB_NOW - 600_000 },
    ]);
  });

  it('a hub older than signed time: nothing heard, and the sync stands', async () => {
    const hub = await fakeHub(key);
    hub.publish(people(3));
    hub.buildSnapshot();
    hub.signedTime = false;
    const heard: unknown[] = [];
    const kiosk = await enrolledKiosk(hub, { hubTime: (time) => heard.push(time) });
    expect(await kiosk.sync.syncOnce()).toMatchObject({ hubClock: 'absent', watermark: expect.any(Number) });
    expect(heard).toEqual([]);
  });
});
