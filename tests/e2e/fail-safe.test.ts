import type { Browser } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/chromium.js';
import { typeAsWedgeAndSettle } from '../support/wedge-keys.js';
import { startKioskProcess, type KioskProcess } from '../support/kiosk-process.js';

let kiosk: KioskProcess | undefined;
let browser: Browser | undefined;
afterAll(async () => {
  await browser?.close();
  await kiosk?.stop();
});

describe('fail safe', () => {
  it('when the core dies, the screen says so at once and shows no verdict', async () => {
    kiosk = await startKioskProcess();
    browser = await launchChromium();
    const page = await browser.newPage();
    await page.goto(kiosk.url);
    await page.waitForSelector('#idle-screen', { state: 'visible', timeout: 10_000 });

    kiosk.child.kill('SIGKILL');
    await page.waitForSelector('#fault-screen', { state: 'visible', timeout: 2000 });
    expect(await page.textContent('#fault-vi')).toBe('MẤT KẾT NỐI VỚI LÕI KIOSK');
    expect(await page.textContent('#fault-en')).toBe('Lost connection to the kiosk core');

    // A scan now cannot be decided, so it must not be shown as one.
    await typeAsWedgeAndSettle(page, '056089001234|225123456|Nguyễn Văn An|15031989|Nam|x|10072021', { intervalMs: 2 });
    expect(await page.getAttribute('#verdict-screen', 'data-verdict')).toBeNull();
    expect(await page.isVisible('#fault-screen')).toBe(true);
  });
});
