import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoCards } from '../../main/demo/demo-people.js';
import { launchChromium } from '../support/chromium.js';
import { typeAsWedge } from '../support/wedge-keys.js';
import { startKioskProcess, type KioskProcess } from '../support/kiosk-process.js';
import { decodeQrPng } from '../support/qr-png.js';
import { decodeQrSvg } from '../unit/main/diagnostics/svg-qr.js';
import { decodePng } from '../unit/main/diagnostics/zxing-reference.js';
import { telexKeys } from '../unit/renderer/wedge-damage-samples.js';

let kiosk: KioskProcess;
let browser: Browser;
let page: Page;

interface ProfileFile {
  programming?: { purpose: string; barcode?: { text: string } }[];
}
const profile = (id: string): ProfileFile =>
  JSON.parse(readFileSync(fileURLToPath(new URL(`../../firmware-config/profiles/${id}.json`, import.meta.url)), 'utf8')) as ProfileFile;
const HONEYWELL_TO_SERIAL = profile('honeywell-1900').programming?.find((code) => code.purpose === 'to-serial')?.barcode?.text ?? '';

const screen = (p: Page = page): Promise<string | null> => p.getAttribute('#app', 'data-screen');

async function openDiagnostics(p: Page = page): Promise<void> {
  await p.waitForSelector('#idle-screen', { state: 'visible', timeout: 10_000 });
  await p.keyboard.press('F4');
  await p.waitForSelector('#diagnostics-screen', { state: 'visible', timeout: 5000 });
  await p.waitForSelector('.diag-scanner img.diag-qr', { state: 'visible', timeout: 5000 });
}

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

describe('diagnostics screen (F4), in browser mode', () => {
  it('F4 opens it; the demo kiosk drives no device and says so', async () => {
    await openDiagnostics();
    expect(await screen()).toBe('diagnostics');
    expect(await page.textContent('#diag-devices')).toContain('No devices configured');
    expect(await page.textContent('#diag-devices')).toContain('Chưa cấu hình thiết bị nào');
  });

  it('shows the profile’s programming code as a QR code a scanner reads back as the profile’s text', async () => {
    expect(HONEYWELL_TO_SERIAL).toBe('TRMUSB130.');
    const image = page.locator(`[data-profile="honeywell-1900"] img.diag-qr[data-text="${HONEYWELL_TO_SERIAL}"]`);
    await image.scrollIntoViewIfNeeded();
    // What a scanner sees: the rendered pixels, decoded by a reference decoder (jsQR).
    expect(decodeQrPng(await image.screenshot())).toBe(HONEYWELL_TO_SERIAL);
    // And the SVG source the core made.
    const src = (await image.getAttribute('src')) ?? '';
    expect(src.startsWith('data:image/svg+xml')).toBe(true);
    expect(decodeQrSvg(decodeURIComponent(src.slice(src.indexOf(',') + 1)))).toBe(HONEYWELL_TO_SERIAL);
    // The vendor prints it as Code 128: drawn so too, and read back from the pixels by zxing.
    const bars = page.locator(`[data-profile="honeywell-1900"] img.diag-code128[data-text="${HONEYWELL_TO_SERIAL}"]`);
    expect(await decodePng(await bars.screenshot(), 'Code128')).toBe(HONEYWELL_TO_SERIAL);
    const caption = await page.locator('[data-profile="honeywell-1900"] [data-purpose="to-serial"] figcaption').textContent();
    expect(caption).toContain('Code 128');
    expect(caption).toContain('Unverified');
    // Models without a published code text say where to find them instead.
    expect(await page.textContent('[data-profile="zebra-ds2208"]')).toContain('123Scan');
  });

  it('a wedge scan while it is open is a test scan: damage shown, nothing decided', async () => {
    const card = demoCards()[0]!;
    await typeAsWedge(page, telexKeys(card.qrText), { intervalMs: 5 });
    await page.waitForSelector('#diag-test-scan[data-damaged="true"]', { state: 'visible', timeout: 3000 });
    expect(await page.textContent('#diag-test-scan')).toContain('switch the scanner to serial or HID-POS');
    expect(await screen()).toBe('diagnostics');
  });

  it('Esc closes it', async () => {
    await page.keyboard.press('Escape');
    await page.waitForSelector('#idle-screen', { state: 'visible', timeout: 2000 });
  });

  it('a damaged keyboard-wedge CCCD scan gets its verdict from the digits; the public sees "name unreadable", staff the switch codes', async () => {
    const card = demoCards().find((c) => c.qrText.split('|').length >= 7 && c.expected !== 'none')!;
    const garbled = telexKeys(card.qrText);
    await typeAsWedge(page, garbled, { intervalMs: 5 });
    await page.waitForSelector('#verdict-screen[data-verdict]', { state: 'visible', timeout: 3000 });
    expect(await page.getAttribute('#verdict-screen', 'data-verdict')).toBe(card.expected);
    expect(await page.textContent('#verdict-name')).toBe('Không đọc được tên · Name unreadable');
    const publicText = (await page.textContent('#verdict-screen')) ?? '';
    expect(publicText).not.toContain(garbled.split('|')[2]!);
    for (const jargon of ['keyboard mode', 'chế độ bàn phím', 'HID-POS', HONEYWELL_TO_SERIAL]) expect(publicText).not.toContain(jargon);
    // The verdict stays its hold time (5 s) whatever is pressed: then the idle screen.
    await page.waitForSelector('#idle-screen', { state: 'visible', timeout: 15_000 });
    await page.click('#operator-open');
    await page.waitForSelector('#operator-wedge-hint ul li', { state: 'visible', timeout: 5000 });
    const hint = (await page.textContent('#operator-wedge-hint')) ?? '';
    expect(hint).toContain('chế độ bàn phím');
    expect(hint).toContain('keyboard mode');
    expect(hint).toContain(HONEYWELL_TO_SERIAL);
    expect(hint).toContain('F4');
    await page.keyboard.press('Escape');
    await page.waitForSelector('#idle-screen', { state: 'visible', timeout: 5000 });
  });

  it('does not close after the staff screens’ 30 s, only after 10 minutes without input', async () => {
    const timed = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    try {
      await timed.clock.install();
      await timed.goto(kiosk.url);
      await openDiagnostics(timed);
      await timed.clock.fastForward('00:45');
      expect(await screen(timed)).toBe('diagnostics');
      await timed.clock.fastForward('10:00');
      await timed.waitForSelector('#idle-screen', { state: 'visible', timeout: 2000 });
    } finally {
      await timed.close();
    }
  });
});
