import { afterEach, describe, expect, it } from 'vitest';
import type { KioskReport } from '../../../../domain/sync/kiosk-report.js';
import type { DeviceSighting, DeviceStatusStore } from '../../../../hub/devices/device-status-store.js';
import { DeviceSightings } from '../../../../hub/server/device-sightings.js';
import { HubClient } from '../../../../main/hub-client/hub-client.js';
import { memoryLogger } from '../../../support/memory-logger.js';
import { startTestHub, type TestHub } from './hub-test-kit.js';

/** A store that records each batch it is asked to write, and fails while told to. */
function recordingStore(): DeviceStatusStore & { batches: DeviceSighting[][]; failing: boolean } {
  const store = {
    batches: [] as DeviceSighting[][],
    failing: false,
    async recordSightings(sightings: readonly DeviceSighting[]) {
      if (store.failing) throw new Error('database is locked');
      store.batches.push([...sightings]);
    },
    async listDeviceStatus() {
      return [];
    },
  };
  return store;
}

const REPORT: KioskReport = { seq: 4, backlog: 9, flags: [] };
// A flush interval no test waits for: flushes are asked for explicitly.
const NEVER = 3600_000;

describe('DeviceSightings', () => {
  it('writes nothing per request: one batch per flush, the latest sighting per kiosk, a report kept until a newer one', async () => {
    const store = recordingStore();
    let now = 1000;
    const sightings = new DeviceSightings(store, memoryLogger(), () => now, NEVER);
    for (let i = 0; i < 50; i++) {
      now += 10;
      sightings.seen('k-1', i === 10 ? REPORT : undefined);
      sightings.seen('k-2', undefined);
    }
    expect(store.batches).toEqual([]);
    await sightings.flush();
    expect(store.batches).toEqual([
      [
        { deviceId: 'k-1', seenAt: now, report: REPORT },
        { deviceId: 'k-2', seenAt: now },
      ],
    ]);
    await sightings.flush();
    expect(store.batches).toHaveLength(1);
    await sightings.close();
  });

  it('keeps a batch that failed for the next flush, unless newer sightings replaced it', async () => {
    const store = recordingStore();
    const log = memoryLogger();
    let now = 1000;
    const sightings = new DeviceSightings(store, log, () => now, NEVER);
    sightings.seen('k-1', REPORT);
    sightings.seen('k-2', undefined);
    store.failing = true;
    await sightings.flush();
    expect(log.lines.join('\n')).toContain('kiosk sightings not stored (kept for the next try): database is locked');
    now = 2000;
    sightings.seen('k-1', undefined);
    store.failing = false;
    await sightings.close();
    expect(store.batches).toHaveLength(1);
    expect(new Map(store.batches[0]?.map((s) => [s.deviceId, s]))).toEqual(
      new Map([
        ['k-1', { deviceId: 'k-1', seenAt: 2000, report: REPORT }],
        ['k-2', { deviceId: 'k-2', seenAt: 1000 }],
      ]),
    );
  });
});

describe('a kiosk’s report, from its HubClient to the hub’s storage', () => {
  const hubs: TestHub[] = [];
  afterEach(async () => {
    await Promise.all(hubs.splice(0).map((h) => h.close()));
  });

  it('travels signed with each request and is stored with the sighting', async () => {
    const hub = await startTestHub();
    hubs.push(hub);
    const kiosk = await hub.enrol();
    let backlog = 12;
    const client = new HubClient({
      url: hub.server.url,
      identity: kiosk.identity,
      report: () => ({ seq: 0, backlog, ruleSet: { id: 'vn-default', version: '1' }, app: '0.1.0', flags: ['device-fault'] }),
    });
    await client.status();
    backlog = 3;
    await client.rules();
    await hub.server.close();
    const [stored] = await hub.admin.deviceStatus.listDeviceStatus();
    expect(stored).toMatchObject({
      deviceId: kiosk.identity.deviceId,
      lastSeenAt: expect.any(Number),
      report: { seq: 0, backlog: 3, ruleSet: { id: 'vn-default', version: '1' }, app: '0.1.0', flags: ['device-fault'] },
    });
  });
});
