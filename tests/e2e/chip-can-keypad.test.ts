import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHIP_CAN_REFUSALS } from '../../domain/contract/chip-reading.js';
import { launchChromium } from '../support/chromium.js';
import { startKioskProcess, type KioskProcess } from '../support/kiosk-process.js';

/**
 * The operator's CAN keypad in the BUILT kiosk (browser mode, Chromium): staff type the card
 * access number on the touch keypad or a physical keyboard, the page calls enterChipCan, and
 * the core's answer is shown — here the refusal of a kiosk with no chip card reader, which
 * only the core words, so seeing it proves the call went through.
 */

let kiosk: KioskProcess;
let browser: Browser;
let page: Page;

const field = (): Promise<string> => page.inputValue('#chip-can-input');
const screen = (): Promise<string | null> => page.getAttribute('#app', 'data-screen');

beforeAll(async () => {
  kiosk = await startKioskProcess();
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(kiosk.url);
  await page.waitForSelector('#idle-screen', { state: 'visible', timeout: 10_000 });
});

afterAll(async () => {
  await browser?.close();
  await kiosk?.stop();
});

describe('Nhập số CAN · Enter CAN, on a kiosk without a chip card reader', () => {
  it('opens from the staff panel with a keypad of touch-sized keys', async () => {
    await page.keyboard.press('F2');
    await page.waitForSelector('#operator-screen', { state: 'visible' });
    expect(await page.textContent('#chip-can-open')).toMatch(/Nhập số CAN\s+Enter CAN/);
    await page.click('#chip-can-open');
    await page.waitForSelector('#chip-can-screen', { state: 'visible' });
    expect(await screen()).toBe('chip-can');

    const keys = await page.$$eval('#chip-can-keypad button', (buttons) => buttons.map((button) => (button as HTMLElement).dataset.key));
    expect(keys).toEqual(['1', '2', '3', '4', '5', '6', '7', '8', '9', 'clear', '0', 'back']);
    for (const key of await page.$$('#chip-can-keypad button')) {
      const box = await key.boundingBox();
      expect(box?.width).toBeGreaterThanOrEqual(48);
      expect(box?.height).toBeGreaterThanOrEqual(48);
    }
    expect(await page.textContent('#chip-can-keypad button[data-key="back"]')).toContain('Xoá');
    expect(await page.textContent('#chip-can-keypad button[data-key="back"]')).toContain('Delete');
  });

  it('takes digits from the keypad and the keyboard, and refuses a short CAN without calling the core', async () => {
    for (const key of ['1', '2', '3', '9']) await page.click(`#chip-can-keypad button[data-key="${key}"]`);
    await page.click('#chip-can-keypad button[data-key="back"]');
    expect(await field()).toBe('123');
    await page.click('#chip-can-submit');
    await page.waitForSelector('#chip-can-error', { state: 'visible' });
    expect(await page.textContent('#chip-can-error')).toBe('Số CAN gồm 6 chữ số in trên thẻ · The CAN is the 6 digits printed on the card');
    // The keyboard goes to the field, not to the scanner's framer; letters never get in, nor a seventh digit.
    await page.keyboard.type('4a5678');
    expect(await field()).toBe('123456');
    expect(await screen()).toBe('chip-can');
  });

  it('sends the CAN with Enter and shows the core’s refusal in both languages; the CAN is not kept', async () => {
    await page.keyboard.press('Enter');
    const refusal = CHIP_CAN_REFUSALS.noReader;
    await page.waitForSelector(`#chip-can-error:has-text("${refusal.vi}")`, { timeout: 5000 });
    expect(await page.textContent('#chip-can-error')).toBe(`${refusal.vi} · ${refusal.en} (${refusal.code})`);
    expect(refusal.vi).toBe('Kiosk này không có đầu đọc thẻ chip');
    expect(await field()).toBe('');
    expect(await screen()).toBe('chip-can');
  });

  it('Esc goes back to the gate', async () => {
    await page.keyboard.press('Escape');
    await page.waitForSelector('#idle-screen', { state: 'visible' });
    expect(await screen()).toBe('idle');
    await page.keyboard.press('F2');
    await page.click('#chip-can-open');
    // Opened again, the field is empty and the last refusal gone.
    expect(await field()).toBe('');
    expect(await page.isVisible('#chip-can-error')).toBe(false);
    await page.click('#chip-can-cancel');
    expect(await screen()).toBe('idle');
  });
});
