import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoCards } from '../../main/demo/demo-people.js';
import { StaffPinStore } from '../../main/staff/staff-pin-store.js';
import { tempDataDir, type KioskProcess } from '../support/kiosk-process.js';
import { openKioskPage, shownScreen, type KioskPage } from '../support/kiosk-page.js';
import { kioskLogRows } from '../support/kiosk-log.js';
import { typeAsWedge } from '../support/wedge-keys.js';

/**
 * A keyboard-wedge scan that lost its first characters (keys sent before the page had focus),
 * and diagnostics reached by touch alone on the smallest screen, where a kiosk has no F4 key.
 */
let opened: KioskPage;
let kiosk: KioskProcess;
let browser: Browser;
let page: Page;

const PIN = '135790';
const CARD = demoCards().find((c) => c.qrText.split('|').length >= 7 && /^\d{12}\|/.test(c.qrText))!;
// The first 8 characters lost: "…1234|oldId|name|…", a tail that still has every separator.
const TAIL = CARD.qrText.slice(8);

beforeAll(async () => {
  const dataDir = tempDataDir('chot-e2e-split-');
  await new StaffPinStore(dataDir).add('Lan', PIN);
  opened = await openKioskPage({ dataDir, extraArgs: ['--repeat-window', '0'] });
  ({ kiosk, browser } = opened);
  // A touch screen at 800×480: every step below is a tap.
  page = await browser.newPage({ viewport: { width: 800, height: 480 }, hasTouch: true });
  await page.goto(kiosk.url);
  await page.waitForSelector('#idle-screen', { state: 'visible', timeout: 10_000 });
});

afterAll(async () => {
  await opened?.close();
});

async function signInByTapsIfAsked(): Promise<void> {
  await page.waitForFunction(() => ['staff-pin', 'operator', 'diagnostics'].includes(document.getElementById('app')?.dataset.screen ?? ''), undefined, {
    timeout: 5000,
  });
  if ((await shownScreen(page)) !== 'staff-pin') return;
  for (const digit of PIN) await page.tap(`#staff-pin-keypad .keypad-key[data-key="${digit}"]`);
  await page.tap('#staff-pin-submit');
}

describe('split wedge scans and diagnostics by touch', () => {
  it('diagnostics opens with taps only, through the staff flow, at 800×480, its button at least 48 px', async () => {
    await page.tap('#operator-open');
    await signInByTapsIfAsked();
    await page.waitForSelector('#operator-screen', { state: 'visible', timeout: 5000 });
    const button = await page.locator('#diagnostics-open').boundingBox();
    expect(button).not.toBeNull();
    expect(button!.height).toBeGreaterThanOrEqual(48);
    expect(button!.width).toBeGreaterThanOrEqual(48);
    // Reachable: inside the viewport once scrolled to, and the element hit there is the button itself.
    await page.locator('#diagnostics-open').scrollIntoViewIfNeeded();
    const box = (await page.locator('#diagnostics-open').boundingBox())!;
    expect(box.y + box.height).toBeLessThanOrEqual(480);
    const hit = await page.evaluate(
      ([x, y]) => document.elementFromPoint(x!, y!)?.closest('button')?.id ?? null,
      [box.x + box.width / 2, box.y + box.height / 2],
    );
    expect(hit).toBe('diagnostics-open');
    await page.tap('#diagnostics-open');
    await signInByTapsIfAsked();
    await page.waitForSelector('#diagnostics-screen', { state: 'visible', timeout: 5000 });
    expect(await shownScreen(page)).toBe('diagnostics');
  });

  it('the F4 test scan of a scan that lost 8 characters says so, in both languages — not "received intact"', async () => {
    await typeAsWedge(page, TAIL, { intervalMs: 5 });
    await page.waitForSelector('#diag-test-scan[data-damaged="true"]', { state: 'visible', timeout: 3000 });
    const text = (await page.textContent('#diag-test-scan')) ?? '';
    expect(text).toContain('thiếu phần đầu: 8 ký tự');
    expect(text).toContain('start missing: 8 characters');
    expect(text).not.toContain('received intact');
    // The whole card, but the scanner stalled 200 ms after 20 characters: the framer cut it in two.
    await typeAsWedge(page, CARD.qrText, { intervalMs: 5, pause: { afterChars: 20, ms: 200 } });
    await page.waitForFunction(() => document.getElementById('diag-test-scan')?.textContent?.includes('start missing: 20 characters') === true, undefined, {
      timeout: 3000,
    });
    expect(await page.textContent('#diag-test-scan')).toContain('thiếu phần đầu: 20 ký tự');
    await page.tap('#diagnostics-close');
    await page.waitForSelector('#idle-screen', { state: 'visible', timeout: 5000 });
  });

  it('a CCCD QR typed without its first 8 characters is "scan again", logged as none under its own code', async () => {
    const before = kioskLogRows<{ seq: number }>(kiosk.dataDir).length;
    await typeAsWedge(page, TAIL, { intervalMs: 5 });
    await page.waitForSelector('#verdict-screen[data-verdict]', { state: 'visible', timeout: 3000 });
    expect(await page.getAttribute('#verdict-screen', 'data-verdict')).toBe('none');
    const shown = (await page.textContent('#verdict-screen')) ?? '';
    expect(shown).toContain('Quét lại');
    expect(shown).toContain('Scan again');
    await expect
      .poll(() => kioskLogRows<{ outcome: string; reasons: string }>(kiosk.dataDir).slice(before))
      .toEqual([expect.objectContaining({ outcome: 'none', reasons: expect.stringContaining('scan.start-missing') })]);
  });

  it('a scan the scanner paused in mid-code is "scan again", not a verdict on its tail (the framer saw the cut)', async () => {
    await page.keyboard.press('Escape');
    await page.waitForSelector('#idle-screen', { state: 'visible', timeout: 10_000 });
    const before = kioskLogRows<{ seq: number }>(kiosk.dataDir).length;
    await typeAsWedge(page, CARD.qrText, { intervalMs: 5, pause: { afterChars: 20, ms: 200 } });
    await page.waitForSelector('#verdict-screen[data-verdict]', { state: 'visible', timeout: 3000 });
    expect(await page.getAttribute('#verdict-screen', 'data-verdict')).toBe('none');
    expect((await page.textContent('#verdict-screen')) ?? '').toContain('Scan again');
    await expect
      .poll(() => kioskLogRows<{ outcome: string; reasons: string }>(kiosk.dataDir).slice(before))
      .toEqual([expect.objectContaining({ outcome: 'none', reasons: expect.stringContaining('scan.start-missing') })]);
  });
});
