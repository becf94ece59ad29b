import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startHubProcess, type HubProcess } from '../support/hub-process.js';
import { connectKioskContract } from '../support/kiosk-contract.js';
import { openKioskPage, shownScreen, type KioskPage } from '../support/kiosk-page.js';
import { tempDataDir } from '../support/kiosk-process.js';
import { typeAsWedge } from '../support/wedge-keys.js';
import { measureLayout } from './layout-check.js';
import { chotOk, importHubCsv, waitFor } from '../support/hub-cli-steps.js';

/**
 * Setting a kiosk up with no keyboard: `chot hub enroll-code --url` prints the enrolment QR; a
 * fresh kiosk in browser mode (no hub.json: the demo data set) reads it through its
 * keyboard-wedge scanner, shows the set-up screen, enrols with the real hub process, and then
 * syncs — the hub's person is decided, the demo set's is nobody — without a restart.
 */
const HUB_PERSON = '001199012345';
/** On the demo data set this person is green; on the hub's data, nobody. */
const DEMO_PERSON = '056089001234';

describe('enrolment through a scanner', () => {
  const hubDir = tempDataDir('chot-e2e-hub-');
  let hub: HubProcess;
  let kiosk: KioskPage | undefined;

  beforeAll(async () => {
    const daysAgo = (days: number): string => new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10);
    importHubCsv(hubDir, 'person', ['id,old_id,bhxh_number', `${HUB_PERSON},,`]);
    importHubCsv(hubDir, 'vaccination', ['id,dose,date,product', `${HUB_PERSON},1,${daysAgo(90)},Pfizer`, `${HUB_PERSON},2,${daysAgo(60)},Pfizer`]);
    hub = await startHubProcess(hubDir, await freePort());
  });
  afterAll(async () => {
    await kiosk?.close();
    await hub.stop();
  });

  it('the QR typed by the wedge enrols the kiosk: the set-up screen says so, then the kiosk decides on the hub’s data', async () => {
    const printed = chotOk(['hub', 'enroll-code', '--location', 'Chợ Đầm — cổng Nam', '--url', hub.url, '--data', hubDir]);
    const qr = /^enrolment QR {4}(\S+)$/m.exec(printed)?.[1] ?? '';
    expect(qr).toMatch(/^CHOT-ENROLL1:/);

    kiosk = await openKioskPage({ extraArgs: ['--sync-interval', '1', '--upload-interval', '1', '--repeat-window', '0'] });
    const { page } = kiosk;
    await typeAsWedge(page, qr);
    await page.waitForSelector('#setup-screen[data-phase="enrolled"]', { state: 'visible', timeout: 20_000 });
    expect(await page.textContent('#setup-title')).toContain('Cài đặt kiosk');
    expect(await page.textContent('#setup-location')).toBe('Chợ Đầm — cổng Nam');
    // A public screen on the smallest panel too (docs/screens.md): nothing cut off or run off the side.
    await page.setViewportSize({ width: 800, height: 480 });
    const layout = await measureLayout(page, { minTargetPx: 48, minReasonPx: 28 });
    expect(layout).toMatchObject({ screen: 'setup', problems: [] });
    expect(chotOk(['hub', 'devices', '--data', hubDir])).toMatch(/^k-[0-9a-f]+\s+active\s.*Chợ Đầm — cổng Nam$/m);

    // The page loads again after the hold: no demo cards, and the sync brings the hub's people.
    await page.waitForSelector('#idle-screen', { state: 'visible', timeout: 20_000 });
    expect(await page.isVisible('#demo')).toBe(false);
    const contract = await connectKioskContract(kiosk.kiosk.url);
    try {
      await waitFor('the first sync', async () => ((await contract.api.getKioskStatus()).watermark !== undefined ? true : undefined));
    } finally {
      contract.close();
    }
    await typeAsWedge(page, HUB_PERSON);
    await page.waitForSelector('#verdict-screen[data-verdict="green"]', { state: 'visible', timeout: 10_000 });
    await page.keyboard.press('Escape');
    await page.waitForSelector('#idle-screen', { state: 'visible', timeout: 10_000 });
    await typeAsWedge(page, DEMO_PERSON);
    await page.waitForSelector('#verdict-screen[data-verdict="none"]', { state: 'visible', timeout: 10_000 });
    expect(await shownScreen(page)).toBe('verdict');
  });
});
