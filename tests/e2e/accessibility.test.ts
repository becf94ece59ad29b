import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enrollKiosk } from '../../main/enrollment/enroll-kiosk.js';
import { StaffPinStore } from '../../main/staff/staff-pin-store.js';
import { axeViolations, blockingViolations } from '../support/axe-check.js';
import { FakeHub } from '../support/fake-hub.js';
import { backToIdle, openKioskPage, shownScreen, type KioskPage } from '../support/kiosk-page.js';
import { repoRoot, tempDataDir } from '../support/kiosk-process.js';
import { testHubKey } from '../support/sync-fixtures.js';

/**
 * Every screen, in both colour themes, checked by axe-core: no serious or critical violation
 * (names, labels, roles), and every text at least 7:1 against its background (axe's AAA rule
 * `color-contrast-enhanced`; docs/screens.md, "Themes and contrast"), at 800×480 where the type is
smallest (axe asks 7:1 of text under 24 px, 4.5:1 of larger). One kiosk per theme, started
 * with `--theme`, walks through the screens; a second, enrolled but never synced, shows NOT READY.
 * Screenshots of the idle and a verdict screen per theme go to docs/screenshots only with
 * CHOT_UPDATE_SCREENSHOTS=1 (the clock on screen changes them every run).
 */
const PIN = '246810';
const SMALLEST = { width: 800, height: 480 };

/** The README's screenshot size, a 10" tablet: taken there, then back to the checking size. */
async function screenshot(page: Page, name: string): Promise<void> {
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.screenshot({ path: join(screenshotDir, `${name}.png`) });
  await page.setViewportSize(SMALLEST);
}
const screenshotDir = process.env.CHOT_UPDATE_SCREENSHOTS === '1' ? join(repoRoot(), 'docs', 'screenshots') : tempDataDir('chot-a11y-shots-');

/** axe's findings that a kiosk screen must not have, on the screen shown now. */
async function expectAccessible(page: Page, screen: string): Promise<void> {
  expect(await shownScreen(page)).toBe(screen);
  expect(blockingViolations(await axeViolations(page))).toEqual([]);
}

/**
 * A demo card's verdict, checked while it is on screen: a verdict returns to idle after its hold
 * time, and a loaded machine may take that long to check it, so a check that ends on another
 * screen is taken again on a new scan of the same card.
 */
async function expectVerdictAccessible(page: Page, name: string, outcome: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    if ((await shownScreen(page)) !== 'idle') await backToIdle(page);
    await page.click(`#demo-cards button:text-is("${name}")`);
    await page.waitForSelector(`#verdict-screen[data-verdict="${outcome}"]`, { state: 'visible', timeout: 5000 });
    const violations = blockingViolations(await axeViolations(page));
    if ((await shownScreen(page)) === 'verdict' || attempt === 3) {
      expect(await shownScreen(page)).toBe('verdict');
      expect(violations).toEqual([]);
      return;
    }
  }
}

/** Staff with a PIN set: a staff action may first ask for the PIN (the keypad screen is checked where it first shows). */
async function signInIfAsked(page: Page, next: string): Promise<void> {
  await page.waitForFunction((screen) => ['staff-pin', screen].includes(document.getElementById('app')?.dataset.screen ?? ''), next, { timeout: 5000 });
  if ((await shownScreen(page)) !== 'staff-pin') return;
  for (const digit of PIN) await page.click(`#staff-pin-keypad .keypad-key[data-key="${digit}"]`);
  await page.click('#staff-pin-submit');
  await page.waitForSelector(`#${next}-screen`, { state: 'visible', timeout: 10_000 });
}

describe.each(['dark', 'bright'] as const)('the %s theme', (theme) => {
  let opened: KioskPage | undefined;
  let page: Page;
  const dataDir = tempDataDir(`chot-e2e-a11y-${theme}-`);

  beforeAll(async () => {
    // The same demo card is tapped again within seconds to show each screen: every tap must be a new verdict.
    // Checked at 800×480, where the type is smallest: text under 24 px (18.7 px bold) needs 7:1, larger text 4.5:1 (axe's AAA rule).
    opened = await openKioskPage({ dataDir, viewport: SMALLEST, extraArgs: ['--repeat-window', '0', '--theme', theme] });
    page = opened.page;
  });

  afterAll(async () => {
    await opened?.close();
  });

  it('is the theme the page wears, set by `--theme`', async () => {
    expect(await page.getAttribute('html', 'data-theme')).toBe(theme);
  });

  it('idle', async () => {
    await expectAccessible(page, 'idle');
    await screenshot(page, `theme-${theme}-idle`);
  });

  it.each([
    ['Nguyễn Văn An', 'green'],
    ['Trần Thị Bình', 'yellow'],
    ['Phạm Minh Đức', 'red'],
    ['Hoàng Văn Giang', 'none'],
  ])('%s’s verdict (%s)', async (name, outcome) => {
    await expectVerdictAccessible(page, name, outcome);
    if (outcome === 'green') await screenshot(page, `theme-${theme}-verdict-green`);
  });

  it('the staff confirm form (no staff PIN set yet: the form asks who)', async () => {
    await backToIdle(page);
    await page.click('#demo-cards button:text-is("Nguyễn Văn An")');
    await page.waitForSelector('#confirm-open', { state: 'visible', timeout: 5000 });
    await page.click('#confirm-open');
    await page.waitForSelector('#confirm-screen', { state: 'visible', timeout: 5000 });
    await expectAccessible(page, 'confirm');
    await page.click('#confirm-cancel');
    await page.waitForSelector('#idle-screen', { state: 'visible' });
  });

  it('the override form with its "who" field, and its error', async () => {
    await backToIdle(page);
    await page.click('#demo-cards button:text-is("Phạm Minh Đức")');
    await page.waitForSelector('#override-open', { state: 'visible', timeout: 5000 });
    await page.click('#override-open');
    await page.waitForSelector('#override-screen', { state: 'visible', timeout: 5000 });
    await expectAccessible(page, 'override');
    // Nothing filled in: the form says so.
    await page.click('#override-confirm');
    await page.waitForSelector('#override-error', { state: 'visible' });
    await expectAccessible(page, 'override');
    await page.click('#override-cancel');
    await page.waitForSelector('#idle-screen', { state: 'visible' });
  });

  it('a staff PIN set (as `chot staff` does while the kiosk runs): the sign-in keypad', async () => {
    await new StaffPinStore(dataDir).add('Lan', PIN);
    // A fresh page reads the staff session (PINs set) at its start.
    await page.reload();
    await page.waitForSelector('#idle-screen', { state: 'visible', timeout: 10_000 });
    await page.click('#demo-cards button:text-is("Phạm Minh Đức")');
    await page.waitForSelector('#override-open', { state: 'visible', timeout: 5000 });
    await page.click('#override-open');
    await page.waitForSelector('#staff-pin-screen', { state: 'visible', timeout: 5000 });
    await expectAccessible(page, 'staff-pin');
    await signInIfAsked(page, 'override');
    await expectAccessible(page, 'override');
    await page.click('#override-cancel');
    await page.waitForSelector('#idle-screen', { state: 'visible' });
  });

  it('the operator screen (F2), its CAN keypad and diagnostics', async () => {
    await backToIdle(page);
    await page.click('#operator-open');
    await signInIfAsked(page, 'operator');
    await page.waitForFunction(() => document.getElementById('stats-total')?.textContent !== '–');
    await expectAccessible(page, 'operator');
    await page.click('#chip-can-open');
    await page.waitForSelector('#chip-can-screen', { state: 'visible' });
    await expectAccessible(page, 'chip-can');
    await page.click('#chip-can-cancel');
    await page.waitForSelector('#idle-screen', { state: 'visible' });
    await page.click('#operator-open');
    await signInIfAsked(page, 'operator');
    await page.click('#diagnostics-open');
    await page.waitForSelector('#diagnostics-screen .diag-scanner img.diag-qr', { state: 'visible', timeout: 5000 });
    await expectAccessible(page, 'diagnostics');
    await page.click('#diagnostics-close');
    await page.waitForSelector('#idle-screen', { state: 'visible' });
  });
});

describe('NOT READY (an enrolled kiosk that never synced), in both themes', () => {
  let opened: KioskPage | undefined;

  beforeAll(async () => {
    const dataDir = tempDataDir('chot-e2e-a11y-not-ready-');
    // Enrolled with a hub that is then gone: the kiosk never gets its first sync.
    const hub = await FakeHub.start({ key: testHubKey() });
    await enrollKiosk({ dataDir, hubUrl: hub.url, code: await hub.createCode() });
    await hub.close();
    opened = await openKioskPage({ dataDir, viewport: SMALLEST, extraArgs: ['--theme', 'bright'] });
  });

  afterAll(async () => {
    await opened?.close();
  });

  it.each(['bright', 'dark'] as const)('%s', async (theme) => {
    const page = opened?.page;
    if (page === undefined) throw new Error('no kiosk page');
    await page.locator('#readiness').waitFor({ state: 'visible', timeout: 15_000 });
    // The theme is one attribute on the root: the same page is checked in the other theme by setting it.
    await page.evaluate((name) => (document.documentElement.dataset.theme = name), theme);
    expect(blockingViolations(await axeViolations(page))).toEqual([]);
  });
});
