import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { KioskReport } from '../../../domain/sync/kiosk-report.js';
import type { HubStorage } from '../../../hub/storage/hub-storage.js';
import { openHubStorage, type HubStorageLocation } from '../../../hub/storage/open-hub-storage.js';
import { kioskChain } from '../../support/entry-fixtures.js';

const T0 = Date.parse('2021-11-20T01:00:00Z');
const MINUTE = 60_000;
const REPORT: KioskReport = {
  seq: 12,
  syncedAt: T0 - 5 * MINUTE,
  backlog: 40,
  ruleSet: { id: 'cao-bang-phase-3', version: '2021-11-15' },
  app: '0.1.0',
  flags: ['device-fault'],
};

/**
 * HubStorage.deviceStatus on each engine (run by sqlite-hub-storage.test.ts and
 * pg-hub-storage.test.ts): each kiosk's last sighting and report, never going back in time.
 */
export function describeDeviceStatusContract(name: string, newLocation: () => HubStorageLocation): void {
  describe(`HubStorage.deviceStatus: ${name}`, () => {
    const open: HubStorage[] = [];
    afterEach(async () => {
      await Promise.all(open.splice(0).map((s) => s.close()));
    });

    async function storageWith(...deviceIds: string[]): Promise<HubStorage> {
      const storage = await openHubStorage(newLocation());
      open.push(storage);
      for (const [i, deviceId] of deviceIds.entries())
        await storage.enrollment.saveDevice({
          deviceId,
          publicKeyRaw: new Uint8Array(randomBytes(32)),
          location: `Điểm ${i + 1}`,
          revoked: false,
          enrolledAt: T0 + i,
        });
      return storage;
    }

    it('lists every enrolled kiosk in enrolment order; one never heard from has no sighting nor report', async () => {
      const storage = await storageWith('k-b', 'k-a');
      await storage.enrollment.revokeDevice('k-a');
      const listed = await storage.deviceStatus.listDeviceStatus();
      expect(listed.map((d) => [d.deviceId, d.location, d.revoked])).toEqual([
        ['k-b', 'Điểm 1', false],
        ['k-a', 'Điểm 2', true],
      ]);
      for (const device of listed) {
        expect(device.lastSeenAt).toBeUndefined();
        expect(device.report).toBeUndefined();
      }
    });

    it('keeps the last sighting and the last report; a sighting without a report keeps the report it had', async () => {
      const storage = await storageWith('k-1', 'k-2');
      await storage.deviceStatus.recordSightings([
        { deviceId: 'k-1', seenAt: T0, report: REPORT },
        { deviceId: 'k-2', seenAt: T0 + 1 },
      ]);
      const [first, two] = await storage.deviceStatus.listDeviceStatus();
      expect(first).toMatchObject({ deviceId: 'k-1', lastSeenAt: T0, reportedAt: T0, report: REPORT });
      expect(two).toMatchObject({ deviceId: 'k-2', lastSeenAt: T0 + 1 });
      expect(two?.report).toBeUndefined();

      const newer: KioskReport = { seq: 13, backlog: 0, flags: [] };
      await storage.deviceStatus.recordSightings([{ deviceId: 'k-1', seenAt: T0 + MINUTE, report: newer }]);
      await storage.deviceStatus.recordSightings([{ deviceId: 'k-1', seenAt: T0 + 2 * MINUTE }]);
      const [one] = await storage.deviceStatus.listDeviceStatus();
      expect(one).toMatchObject({ lastSeenAt: T0 + 2 * MINUTE, reportedAt: T0 + MINUTE, report: newer });
    });

    it('never goes back in time: a late flush of an older sighting changes nothing', async () => {
      const storage = await storageWith('k-1');
      await storage.deviceStatus.recordSightings([{ deviceId: 'k-1', seenAt: T0 + MINUTE, report: REPORT }]);
      await storage.deviceStatus.recordSightings([{ deviceId: 'k-1', seenAt: T0, report: { flags: ['not-ready'] } }]);
      const [one] = await storage.deviceStatus.listDeviceStatus();
      expect(one).toMatchObject({ lastSeenAt: T0 + MINUTE, reportedAt: T0 + MINUTE, report: REPORT });
    });

    it('a kiosk heard of only by an upload (before the hub kept sightings) is seen at its upload', async () => {
      const storage = await storageWith('k-up');
      const before = Date.now();
      await storage.entries.ingest(
        'k-up',
        kioskChain('k-up', 1, () => ({ at: new Date().toISOString() })),
        { receivedAtMs: Date.now() },
      );
      const [up] = await storage.deviceStatus.listDeviceStatus();
      expect(up?.lastUploadAt).toBeGreaterThanOrEqual(before - 1000);
      expect(up?.lastSeenAt).toBe(up?.lastUploadAt);
      // A later request of any kind moves it on.
      await storage.deviceStatus.recordSightings([{ deviceId: 'k-up', seenAt: Date.now() + 10 * MINUTE }]);
      const [after] = await storage.deviceStatus.listDeviceStatus();
      expect(after?.lastSeenAt).toBeGreaterThan(after?.lastUploadAt ?? Infinity);
    });
  });
}
