import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoCards } from '../../main/demo/demo-people.js';
import type { KioskProcess } from '../support/kiosk-process.js';
import { openKioskPage } from '../support/kiosk-page.js';
import { kioskLogRows } from '../support/kiosk-log.js';
import { typeAsWedge, wedgeSuffixesSettled } from '../support/wedge-keys.js';

/**
 * The keyboard wedge as a bus point uses it: one card read twice in a blink is one entry, and
 * staff switch the wedge's direction (boarding / alighting) on the F2 screen, which the next
 * wedge entry carries.
 */

let kiosk: KioskProcess;
let browser: Browser;
let page: Page;

interface Row {
  seq: number;
  person_id: string | null;
  source_kind: string;
  lane: string;
  direction: string;
}

const rows = (): Row[] => kioskLogRows<Row>(kiosk.dataDir);

const qrOf = (label: string): string => {
  const found = demoCards().find((card) => card.label === label);
  if (found === undefined) throw new Error(`no demo card ${label}`);
  return found.qrText;
};

/** Waits until the page has handled `count` more wedge suffixes than `before` (its own signal, no sleeping). */
async function settled(before: number, count: number): Promise<void> {
  await page.waitForFunction(
    (n) => (globalThis as unknown as { chotMetrics: { wedgeSuffixesSettled: number } }).chotMetrics.wedgeSuffixesSettled >= n,
    before + count,
    { timeout: 10_000 },
  );
}

beforeAll(async () => {
  ({ kiosk, browser, page } = await openKioskPage());
});

afterAll(async () => {
  await browser?.close();
  await kiosk?.stop();
});

describe('repeats: the same card read twice by the wedge', () => {
  it('two reads of one card well within the window (typed back to back) make one entry, and the screen shows its verdict', async () => {
    const qr = qrOf('Nguyễn Văn An');
    const before = rows().length;
    const settledBefore = await wedgeSuffixesSettled(page);
    // The second burst follows the first at once, as a scanner that reads a card twice sends it.
    await typeAsWedge(page, qr);
    await typeAsWedge(page, qr);
    await settled(settledBefore, 2);
    const added = rows().slice(before);
    expect(added).toHaveLength(1);
    expect(added[0]).toMatchObject({ person_id: qr.slice(0, 12), source_kind: 'wedge' });
    // The core answered the second read as a repeat of the first: no entry, nothing new on screen.
    expect(await page.evaluate(() => (globalThis as unknown as { chotMetrics: { repeats: Record<string, number> } }).chotMetrics.repeats.wedge)).toBe(1);
    await page.waitForSelector('#verdict-screen[data-verdict="green"]', { state: 'visible', timeout: 5000 });
  });
});

describe('the wedge’s direction, switched on the staff screen', () => {
  it('is lane 1, "in" by default; after staff choose "alighting" on F2, the next wedge entry says alighting', async () => {
    const first = qrOf('Trần Thị Bình');
    let before = rows().length;
    let settledBefore = await wedgeSuffixesSettled(page);
    await typeAsWedge(page, first);
    await settled(settledBefore, 1);
    expect(rows().slice(before)).toMatchObject([{ source_kind: 'wedge', lane: '1', direction: 'in' }]);

    await page.keyboard.press('Escape');
    await page.waitForSelector('#idle-screen', { state: 'visible', timeout: 10_000 });
    await page.keyboard.press('F2');
    await page.waitForSelector('#operator-screen', { state: 'visible' });
    expect(await page.getAttribute('#input-direction', 'data-direction')).toBe('in');
    await page.click('#input-direction button[data-direction="alighting"]');
    await page.waitForSelector('#input-direction[data-direction="alighting"]', { timeout: 5000 });
    expect(await page.textContent('#input-direction-current')).toContain('Xuống xe');
    await page.keyboard.press('Escape');
    await page.waitForSelector('#idle-screen', { state: 'visible', timeout: 10_000 });

    const second = qrOf('Đặng Thu Hà');
    before = rows().length;
    settledBefore = await wedgeSuffixesSettled(page);
    await typeAsWedge(page, second);
    await settled(settledBefore, 1);
    expect(rows().slice(before)).toMatchObject([{ person_id: second.slice(0, 12), source_kind: 'wedge', lane: '1', direction: 'alighting' }]);
  });
});
