import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startHubProcess, type HubProcess } from '../support/hub-process.js';
import { connectKioskContract } from '../support/kiosk-contract.js';
import { startKioskProcess, tempDataDir, type KioskProcess } from '../support/kiosk-process.js';
import { enrolmentCode } from '../support/hub-cli-steps.js';
import { runChot } from '../support/run-chot.js';

/**
 * A staff PIN from the hub to the kiosk through the binaries, as an operator runs them:
 * `chot hub staff add` → `chot hub serve` → `chot enroll` → `chot sync` → `chot start`, and a
 * sign-in with that PIN over the kiosk's contract (the one the staff keypad screen calls).
 */
const ok = (args: string[], input = ''): string => {
  const run = runChot(args, input);
  expect(run.status, run.stderr).toBe(0);
  return run.stdout;
};

describe('a staff PIN added at the hub signs in at the kiosk after a sync', () => {
  const hubDir = tempDataDir('chot-e2e-hub-');
  const kioskDir = tempDataDir('chot-e2e-kiosk-');
  let hub: HubProcess;
  let kiosk: KioskProcess | undefined;

  beforeAll(async () => {
    hub = await startHubProcess(hubDir, await freePort());
    const code = enrolmentCode(hubDir, 'Cổng 1');
    ok(['enroll', '--hub', hub.url, '--code', code, '--hub-key', ok(['hub', 'public-key', '--data', hubDir]).trim(), '--data-dir', kioskDir]);
  });
  afterAll(async () => {
    await kiosk?.stop();
    await hub.stop();
  });

  it('the hub’s list installs at the sync; its PIN opens a staff session there, a member scoped elsewhere does not', async () => {
    ok(['hub', 'staff', 'add', 'Nguyễn Thị Lan', '--id', 'lan', '--pin-stdin', '--data', hubDir], '135790\n');
    ok(['hub', 'staff', 'add', 'Minh', '--id', 'minh', '--pin-stdin', '--location', 'Chợ Đầm', '--data', hubDir], '246802\n');
    expect(ok(['sync', '--data-dir', kioskDir])).toMatch(/trust file staff version \d+ installed/);

    kiosk = await startKioskProcess({ dataDir: kioskDir });
    const contract = await connectKioskContract(kiosk.url);
    try {
      expect(await contract.api.getStaffSession()).toMatchObject({ pinsConfigured: true });
      expect(await contract.api.staffSignIn({ pin: '246802' })).toMatchObject({ ok: false, refusal: { code: 'staff.wrong-pin' } });
      expect(await contract.api.staffSignIn({ pin: '135790' })).toMatchObject({ ok: true, staff: 'Nguyễn Thị Lan' });
      expect(await contract.api.getStaffSession()).toMatchObject({ signedIn: { staff: 'Nguyễn Thị Lan' } });
    } finally {
      contract.close();
    }
  });
});
