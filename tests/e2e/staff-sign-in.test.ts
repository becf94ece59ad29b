import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StaffPinStore } from '../../main/staff/staff-pin-store.js';
import { tempDataDir, type KioskProcess } from '../support/kiosk-process.js';
import { backToIdle as escapeToIdle, openKioskPage, scanDemoCard, type KioskPage } from '../support/kiosk-page.js';
import { kioskLogRows } from '../support/kiosk-log.js';
import { connectKioskContract } from '../support/kiosk-contract.js';

let opened: KioskPage;
let kiosk: KioskProcess;
let page: Page;

const PIN = '246810';

interface Row {
  seq: number;
  outcome: string;
  reasons: string;
  override_by: string | null;
  override_reason: string | null;
}
const entries = (): Row[] => kioskLogRows<Row>(kiosk.dataDir);

const scanCard = (name: string): Promise<string> => scanDemoCard(page, name);
const backToIdle = (): Promise<void> => escapeToIdle(page);

beforeAll(async () => {
  const dataDir = tempDataDir('chot-e2e-staff-');
  await new StaffPinStore(dataDir).add('Lan', PIN);
  // Sign-in, not repeats: a demo card stands for one person after another, so every scan is a
  // new verdict (the same card again within 3 s would be a repeat, and show nothing new).
  opened = await openKioskPage({ dataDir, extraArgs: ['--repeat-window', '0'] });
  ({ kiosk, page } = opened);
});

afterAll(async () => {
  await opened?.close();
});

describe('staff sign-in with a PIN, in browser mode', () => {
  it('with a staff PIN set, the override button without a sign-in does not override — nor does the contract with a typed name', async () => {
    expect(await scanCard('Phạm Minh Đức')).toBe('red');
    const before = entries();
    await page.click('#override-open');
    await page.waitForSelector('#staff-pin-screen', { state: 'visible', timeout: 5000 });
    expect(await page.isVisible('#override-screen')).toBe(false);
    // What a page could send past the screen: refused by the core, nothing logged.
    const seq = before.at(-1)?.seq ?? 0;
    const contract = await connectKioskContract(kiosk.url);
    const answer = await contract.api.overrideLastVerdict({ seq, by: 'anyone', reason: 'Papers checked' });
    contract.close();
    expect(answer).toMatchObject({ ok: false, refusal: { code: 'staff.sign-in-required' } });
    expect(entries()).toEqual(before);
    await page.click('#staff-pin-cancel');
    await page.waitForSelector('#idle-screen', { state: 'visible', timeout: 5000 });
  });

  it('a wrong PIN is refused on the keypad screen, typed on a physical keyboard', async () => {
    expect(await scanCard('Phạm Minh Đức')).toBe('red');
    await page.keyboard.press('F3');
    await page.waitForSelector('#staff-pin-screen', { state: 'visible', timeout: 5000 });
    await page.keyboard.type('000000');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#staff-pin-error:not([hidden])', { timeout: 10_000 });
    expect(await page.textContent('#staff-pin-error')).toContain('Wrong PIN');
    expect(await page.inputValue('#staff-pin-input')).toBe('');
    await backToIdle();
  });

  it('signs in on the keypad, overrides a "no record" verdict with a reason, and the entry names the staff member', async () => {
    expect(await scanCard('Hoàng Văn Giang')).toBe('none');
    await page.click('#override-open');
    await page.waitForSelector('#staff-pin-screen', { state: 'visible', timeout: 5000 });
    // The keys are touch targets of at least 48 CSS px.
    const key = await page.locator('#staff-pin-keypad .keypad-key[data-key="2"]').boundingBox();
    expect(key?.width).toBeGreaterThanOrEqual(48);
    expect(key?.height).toBeGreaterThanOrEqual(48);
    for (const digit of PIN) await page.click(`#staff-pin-keypad .keypad-key[data-key="${digit}"]`);
    await page.click('#staff-pin-submit');

    await page.waitForSelector('#override-screen', { state: 'visible', timeout: 10_000 });
    expect(await page.textContent('#staff-line')).toContain('Lan');
    expect(await page.isVisible('#override-by')).toBe(false);
    expect(await page.textContent('#override-subject')).toContain('NO RECORD');
    await page.check('input[name="override-reason"][value="papers-checked"]');
    await page.click('#override-confirm');

    await page.waitForSelector('#verdict-screen[data-verdict="green"][data-override]', { state: 'visible', timeout: 5000 });
    const [none, override] = entries().slice(-2);
    expect(none).toMatchObject({ outcome: 'none' });
    expect(JSON.parse(none?.reasons ?? '[]')).toEqual(['person.unknown']);
    expect(override).toMatchObject({ outcome: 'green', override_by: 'Lan', override_reason: 'Đã kiểm tra giấy tờ / Papers checked' });
    expect(JSON.parse(override?.reasons ?? '[]')).toEqual(['override', `overrides:${none?.seq}`]);
  });

  it('signed in, an F0 red needs the second confirmation; signing out ends the session', async () => {
    expect(await scanCard('Võ Thị Em')).toBe('red');
    await page.click('#override-open');
    await page.waitForSelector('#override-screen', { state: 'visible', timeout: 5000 });
    await page.check('input[name="override-reason"][value="emergency"]');
    const before = entries().length;
    await page.click('#override-confirm');
    await page.waitForSelector('#override-confirm[data-step="second"]', { timeout: 5000 });
    expect(await page.textContent('#override-error')).toContain('F0');
    expect(entries()).toHaveLength(before);
    await page.click('#override-confirm');
    await page.waitForSelector('#verdict-screen[data-verdict="green"][data-override]', { state: 'visible', timeout: 5000 });
    expect(entries().at(-1)).toMatchObject({ override_by: 'Lan' });

    await page.waitForSelector('#idle-screen', { state: 'visible', timeout: 15_000 });
    await page.keyboard.press('F2');
    await page.waitForSelector('#operator-screen', { state: 'visible', timeout: 5000 });
    await page.waitForSelector('#staff-sign-out:not([hidden])', { timeout: 5000 });
    await page.click('#staff-sign-out');
    await page.waitForSelector('#idle-screen', { state: 'visible', timeout: 5000 });
    const contract = await connectKioskContract(kiosk.url);
    const session = await contract.api.getStaffSession();
    contract.close();
    expect(session).toEqual({ pinsConfigured: true });
  });
});
