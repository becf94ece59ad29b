import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StaffPinStore } from '../../main/staff/staff-pin-store.js';
import { tempDataDir, type KioskProcess } from '../support/kiosk-process.js';
import { backToIdle, openKioskPage, type KioskPage } from '../support/kiosk-page.js';
import { kioskLogRows } from '../support/kiosk-log.js';
import { typeAsWedge } from '../support/wedge-keys.js';

/**
 * A person's ID typed by hand in the BUILT kiosk (browser mode, Chromium): a card that will not
 * scan leaves staff the staff keypad (a scanner's wedge ignores slow typing by design), and any
 * bare number — typed there, or typed fast enough to pass for a scanner — is shown plainly as
 * typed and not verified, and logged as `manual` with who typed it.
 */
let opened: KioskPage;
let kiosk: KioskProcess;
let page: Page;

const PIN = '246810';
/** Trần Thị Bình of the demo data set: one dose, yellow. */
const BINH = '079195004321';

interface Row {
  seq: number;
  format: number;
  source_kind: string;
  source_device_id: string;
  credential_kind: string;
  authenticity: string;
  person_id: string | null;
  outcome: string;
  entered_by: string | null;
}
const entries = (): Row[] => kioskLogRows<Row>(kiosk.dataDir);

/** The badge's words and its type size, as the person at the gate sees them. */
async function typedBadge(): Promise<{ text: string; fontPx: number }> {
  await page.waitForSelector('#verdict-typed', { state: 'visible', timeout: 5000 });
  const text = ((await page.textContent('#verdict-typed')) ?? '').replace(/\s+/g, ' ').trim();
  const fontPx = await page.$eval('#verdict-typed', (element) => Number.parseFloat(getComputedStyle(element).fontSize));
  return { text, fontPx };
}

beforeAll(async () => {
  const dataDir = tempDataDir('chot-e2e-typed-id-');
  await new StaffPinStore(dataDir).add('Lan', PIN);
  opened = await openKioskPage({ dataDir, extraArgs: ['--repeat-window', '0'] });
  ({ kiosk, page } = opened);
});

afterAll(async () => {
  await opened?.close();
});

describe('a typed ID', () => {
  it('a 12-digit ID typed fast on a keyboard (bare digits + Enter) is decided, and the verdict says plainly it is typed and not verified', async () => {
    await typeAsWedge(page, BINH);
    await page.waitForSelector('#verdict-screen[data-verdict="yellow"]', { state: 'visible', timeout: 10_000 });
    const badge = await typedBadge();
    expect(badge.text).toBe('⌨ Nhập tay — chưa xác thực · Typed — not verified');
    // As big as a reason at least: read from 2 m, not a footnote.
    expect(badge.fontPx).toBeGreaterThanOrEqual(28);
    expect(entries().at(-1)).toMatchObject({ source_kind: 'wedge', credential_kind: 'manual', authenticity: 'manual', entered_by: null });
    await backToIdle(page);
    // A card's verdict has no such badge.
    await page.click('#demo-cards button:text-is("Trần Thị Bình")');
    await page.waitForSelector('#verdict-screen[data-verdict="yellow"]', { state: 'visible', timeout: 5000 });
    expect(await page.isVisible('#verdict-typed')).toBe(false);
    await backToIdle(page);
  });

  it('staff sign in, type an ID on the keypad (the structure checked as typed), and the entry is manual, naming who typed it', async () => {
    await page.keyboard.press('F2');
    await page.waitForSelector('#operator-screen', { state: 'visible', timeout: 5000 });
    expect(((await page.textContent('#typed-id-open')) ?? '').replace(/\s+/g, ' ').trim()).toBe('Nhập số định danh Type an ID');
    await page.click('#typed-id-open');
    // With staff PINs set, a typed ID is a staff action: the PIN first.
    await page.waitForSelector('#staff-pin-screen', { state: 'visible', timeout: 5000 });
    for (const digit of PIN) await page.click(`#staff-pin-keypad button[data-key="${digit}"]`);
    await page.click('#staff-pin-submit');
    await page.waitForSelector('#typed-id-screen', { state: 'visible', timeout: 10_000 });
    expect(await page.isVisible('#typed-id-by')).toBe(false);
    const before = entries().length;

    // Slow, one key at a time, as a person types: every key reaches the field, none the scanner's framer.
    for (const digit of '0569890012') await page.click(`#typed-id-keypad button[data-key="${digit}"]`);
    // Past 9 digits only a 12-digit ID is left: its century digit is checked at once, in words.
    await page.waitForSelector('#typed-id-error:not([hidden])', { timeout: 5000 });
    expect(await page.textContent('#typed-id-error')).toContain('Chữ số thứ 4');
    expect(await page.textContent('#typed-id-error')).toContain('fourth digit');
    await page.click('#typed-id-keypad button[data-key="clear"]');
    expect(await page.isVisible('#typed-id-error')).toBe(false);

    // Short: refused on the screen, nothing sent.
    await page.keyboard.type('0791950', { delay: 120 });
    await page.click('#typed-id-submit');
    await page.waitForSelector('#typed-id-error:not([hidden])', { timeout: 5000 });
    expect(await page.textContent('#typed-id-error')).toContain('12 digits');
    expect(entries()).toHaveLength(before);

    await page.keyboard.type('04321', { delay: 120 });
    expect(await page.inputValue('#typed-id-input')).toBe(BINH);
    await page.keyboard.press('Enter');
    await page.waitForSelector('#verdict-screen[data-verdict="yellow"]', { state: 'visible', timeout: 10_000 });
    expect((await typedBadge()).text).toBe('⌨ Nhập tay — chưa xác thực · Typed — not verified');
    // The badge says it: the same words are not repeated among the reasons.
    expect(await page.textContent('#verdict-reasons')).not.toContain('Typed — not verified');
    expect(entries()).toHaveLength(before + 1);
    expect(entries().at(-1)).toMatchObject({
      format: 4,
      source_kind: 'manual',
      source_device_id: 'staff-keypad',
      credential_kind: 'manual',
      authenticity: 'manual',
      person_id: BINH,
      outcome: 'yellow',
      entered_by: 'Lan',
    });
    await backToIdle(page);
  });
});
