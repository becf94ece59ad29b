import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { HubStorage } from '../../../hub/storage/hub-storage.js';
import { openHubStorage, type HubStorageLocation } from '../../../hub/storage/open-hub-storage.js';
import { kioskChain } from '../../support/entry-fixtures.js';

const HOUR = 3600_000;

/**
 * HubStorage.kioskCensus on each engine (run by sqlite-hub-storage.test.ts and
 * pg-hub-storage.test.ts): kiosks by state, and the active ones by the age of their last
 * upload, each in the first bucket whose bound it fits.
 */
export function describeKioskCensusContract(name: string, newLocation: () => HubStorageLocation): void {
  describe(`HubStorage.kioskCensus: ${name}`, () => {
    const open: HubStorage[] = [];
    afterEach(async () => {
      await Promise.all(open.splice(0).map((s) => s.close()));
    });

    it('counts kiosks by state and by last-upload age, naming none', async () => {
      const storage = await openHubStorage(newLocation());
      open.push(storage);
      const enrol = async (deviceId: string): Promise<void> => {
        expect(
          await storage.enrollment.saveDevice({
            deviceId,
            publicKeyRaw: new Uint8Array(randomBytes(32)),
            location: 'Cổng chính',
            revoked: false,
            enrolledAt: Date.now(),
          }),
        ).toBe(true);
      };
      const none = { '5m': 0, '1h': 0, '24h': 0, '7d': 0, older: 0, never: 0 };
      expect(await storage.kioskCensus(Date.now())).toEqual({ active: 0, revoked: 0, lastUpload: none, lastSeen: none });
      await enrol('k-uploaded');
      await enrol('k-silent');
      await enrol('k-revoked');
      await storage.entries.ingest(
        'k-uploaded',
        kioskChain('k-uploaded', 2, () => ({ at: new Date().toISOString() })),
        { receivedAtMs: Date.now() },
      );
      await storage.entries.ingest(
        'k-revoked',
        kioskChain('k-revoked', 1, () => ({ at: new Date().toISOString() })),
        { receivedAtMs: Date.now() },
      );
      await storage.enrollment.revokeDevice('k-revoked');

      const now = await storage.kioskCensus(Date.now());
      expect(now).toMatchObject({ active: 2, revoked: 1, lastUpload: { '5m': 1, '1h': 0, '24h': 0, '7d': 0, older: 0, never: 1 } });
      // An upload is a request too: seen as recently.
      expect(now.lastSeen).toEqual(now.lastUpload);
      // The same store seen later: the upload has aged into the next buckets.
      expect((await storage.kioskCensus(Date.now() + 2 * HOUR)).lastUpload).toMatchObject({ '5m': 0, '24h': 1, never: 1 });
      expect((await storage.kioskCensus(Date.now() + 3 * 24 * HOUR)).lastUpload).toMatchObject({ '7d': 1 });
      expect((await storage.kioskCensus(Date.now() + 30 * 24 * HOUR)).lastUpload).toMatchObject({ older: 1, never: 1 });
    });

    it('counts a kiosk that only syncs (no upload) as seen, by its last request', async () => {
      const storage = await openHubStorage(newLocation());
      open.push(storage);
      for (const deviceId of ['k-syncing', 'k-silent'])
        await storage.enrollment.saveDevice({
          deviceId,
          publicKeyRaw: new Uint8Array(randomBytes(32)),
          location: 'Cổng chính',
          revoked: false,
          enrolledAt: Date.now(),
        });
      await storage.deviceStatus.recordSightings([{ deviceId: 'k-syncing', seenAt: Date.now() }]);
      const census = await storage.kioskCensus(Date.now());
      expect(census.lastUpload).toMatchObject({ '5m': 0, never: 2 });
      expect(census.lastSeen).toMatchObject({ '5m': 1, never: 1 });
      expect((await storage.kioskCensus(Date.now() + 2 * 24 * HOUR)).lastSeen).toMatchObject({ '7d': 1, never: 1 });
    });
  });
}
