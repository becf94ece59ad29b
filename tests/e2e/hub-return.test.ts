import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KioskStatus } from '../../domain/contract/kiosk-status.js';
import { connectKioskContract } from '../support/kiosk-contract.js';
import { startKioskProcess, tempDataDir, type KioskProcess } from '../support/kiosk-process.js';
import { freePort, startHubProcess, type HubProcess } from '../support/hub-process.js';
import { chotOk, enrolmentCode, importHubCsv, importTwoPeopleToday, waitFor } from '../support/hub-cli-steps.js';

/**
 * A hub restarted after an outage long enough for the kiosk's sync and upload to back off
 * far (their windows grow to minutes): the kiosk must not wait out those windows. Its notice
 * WebSocket keeps retrying on a short jittered backoff while the hub is unreachable, and the
 * moment it is connected again it starts a sync and an upload at once.
 */
const GREEN = '056089001234';
const TESTED = '001201005678';
/** How soon after the hub listens again the kiosk must have synced and uploaded (the figure). */
const RESUME_WITHIN_MS = 5_000;

describe('a kiosk resumes sync and upload within seconds after its hub returns', () => {
  const hubDir = tempDataDir('chot-e2e-hub-');
  const kioskDir = tempDataDir('chot-e2e-kiosk-');
  let hub: HubProcess;
  let kiosk: KioskProcess;

  beforeAll(async () => {
    importTwoPeopleToday(hubDir, GREEN, TESTED);
    hub = await startHubProcess(hubDir, await freePort());
    chotOk(['enroll', '--hub', hub.url, '--code', enrolmentCode(hubDir, 'Bến xe — cổng 1'), '--data-dir', kioskDir]);
    // Short intervals only so that the outage is noticed soon; while it lasts, the backoff sets the pace.
    kiosk = await startKioskProcess({ dataDir: kioskDir, extraArgs: ['--sync-interval', '3', '--upload-interval', '3'] });
  }, 120_000);
  afterAll(async () => {
    await kiosk?.stop();
    await hub?.stop();
  });

  it('synced the sequence imported meanwhile and uploaded the backlog within 5 s of the hub listening', async () => {
    const contract = await connectKioskContract(kiosk.url);
    try {
      const { api } = contract;
      const status = (): Promise<KioskStatus> => api.getKioskStatus();
      await waitFor('the first sync and upload', async () => {
        const now = await status();
        return now.watermark === 2 && now.sync.state === 'idle' && now.upload?.state === 'idle' ? now : undefined;
      });

      await hub.stop();
      // An entry while the hub is away: the upload has a backlog to deliver when it returns.
      expect((await api.submitScan({ source: { kind: 'manual', deviceId: 'staff' }, text: GREEN })).outcome).toBe('green');
      await waitFor(
        'the sync and the upload to find the hub gone',
        async () => {
          const now = await status();
          return now.sync.state === 'offline' && now.upload?.state === 'offline' ? now : undefined;
        },
        60_000,
      );
      // Long enough an outage for several failures each: the backoff windows are far past 5 s now.
      await new Promise((resolve) => setTimeout(resolve, 25_000));
      expect((await status()).upload?.pending).toBe(1);

      importHubCsv(hubDir, 'test', ['id,taken_at,kind,result', `${TESTED},${new Date(Date.now() - 3_600_000).toISOString()},pcr,positive`]);
      hub = await startHubProcess(hubDir, hub.port);
      const listening = Date.now();
      const resumed = await waitFor(
        'the kiosk to resume',
        async () => {
          const now = await status();
          return now.watermark === 3 && now.sync.state === 'idle' && now.upload?.pending === 0 && now.upload.state === 'idle' ? now : undefined;
        },
        120_000,
      );
      const took = Date.now() - listening;
      expect(resumed.dataLine.level).toBe('fresh');
      expect(took, `resumed after ${took} ms`).toBeLessThan(RESUME_WITHIN_MS);
      // The returned hub holds the entry made while it was away.
      expect((await hub.log()).split('\n').some((line) => line.includes(' POST /v1/entries'))).toBe(true);
    } finally {
      contract.close();
    }
  }, 240_000);
});
