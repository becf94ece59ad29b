import type Database from 'better-sqlite3-multiple-ciphers';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoCards } from '../../main/demo/demo-people.js';
import { EntryLog } from '../../main/store/entry-log.js';
import type { KioskProcess } from '../support/kiosk-process.js';
import { openKioskPage, scanDemoCard, shownScreen, type KioskPage } from '../support/kiosk-page.js';
import { kioskLogRows, withKioskLog } from '../support/kiosk-log.js';

let opened: KioskPage;
let kiosk: KioskProcess;
let page: Page;

const card = (label: string): string => {
  const found = demoCards().find((c) => c.label === label);
  if (found === undefined) throw new Error(`no demo card ${label}`);
  return found.qrText;
};

interface Row {
  seq: number;
  outcome: string;
  person_id: string | null;
  reasons: string;
  credential_kind: string;
  lane: string;
  override_by: string | null;
  override_reason: string | null;
}

const withDb = <T>(read: (db: Database.Database) => T): T => withKioskLog(kiosk.dataDir, read);
const entries = (): Row[] => kioskLogRows<Row>(kiosk.dataDir);

const scanCard = (name: string): Promise<string> => scanDemoCard(page, name);
const screen = (): Promise<string | null> => shownScreen(page);

beforeAll(async () => {
  opened = await openKioskPage();
  ({ kiosk, page } = opened);
});

afterAll(async () => {
  await opened?.close();
});

describe('staff override of a red verdict, in browser mode', () => {
  it('scan red → override → who + why → the screen shows the override, and the log holds it as a new entry', async () => {
    expect(await scanCard('Phạm Minh Đức')).toBe('red');
    const red = entries().at(-1);
    await page.click('#override-open');
    await page.waitForSelector('#override-screen', { state: 'visible' });
    expect(await page.textContent('#override-subject')).toContain('Phạm Minh Đức');
    // A kiosk with no staff PIN (a fresh demo kiosk) keeps the open override, and says so.
    expect(await page.textContent('#staff-line')).toContain('No staff PIN set: anyone can override (chot staff add)');
    await page.fill('#override-by', 'NV-07 Lê Văn Tâm');
    await page.check('input[name="override-reason"][value="papers-checked"]');
    await page.click('#override-confirm');

    await page.waitForSelector('#verdict-screen[data-verdict="green"][data-override]', { state: 'visible', timeout: 2000 });
    expect(await page.textContent('#verdict-headline-vi')).toBe('ĐƯỢC VÀO — NHÂN VIÊN CHO PHÉP');
    expect(await page.textContent('#verdict-headline-en')).toBe('Entry allowed — staff override');
    expect(await page.textContent('#verdict-name')).toBe('Phạm Minh Đức');
    expect(await page.textContent('#verdict-reasons')).toContain('NV-07 Lê Văn Tâm');
    expect(await page.textContent('#verdict-gate')).toContain('Mời vào');
    expect(await page.isVisible('#override-open')).toBe(false);

    const rows = entries();
    expect(rows).toHaveLength((red?.seq ?? 0) + 1);
    expect(rows.at(-2)).toMatchObject({ outcome: 'red', override_by: null });
    expect(rows.at(-1)).toMatchObject({
      outcome: 'green',
      person_id: card('Phạm Minh Đức').slice(0, 12),
      credential_kind: red?.credential_kind,
      lane: red?.lane,
      override_by: 'NV-07 Lê Văn Tâm',
      override_reason: 'Đã kiểm tra giấy tờ / Papers checked',
    });
    expect(JSON.parse(rows.at(-1)?.reasons ?? '[]')).toEqual(['override', `overrides:${red?.seq}`]);
    expect(withDb((db) => new EntryLog(db).verify())).toMatchObject({ ok: true });
  });

  it('remembers who for the session, asks for a reason, and Esc leaves without logging anything', async () => {
    await page.keyboard.press('Escape'); // back from the override verdict, or already idle
    expect(await scanCard('Trần Thị Bình')).toBe('yellow');
    const before = entries().length;
    await page.keyboard.press('F3');
    await page.waitForSelector('#override-screen', { state: 'visible' });
    expect(await page.inputValue('#override-by')).toBe('NV-07 Lê Văn Tâm');
    await page.check('input[name="override-reason"][value="other"]');
    await page.click('#override-confirm');
    expect(await page.textContent('#override-error')).toContain('Ghi lý do');
    await page.keyboard.press('Escape');
    expect(await screen()).toBe('idle');
    expect(entries()).toHaveLength(before);
    // The scanner has the keyboard back.
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('wedge-sink');
    expect(await scanCard('Nguyễn Văn An')).toBe('green');
    expect(await page.isVisible('#override-open')).toBe(false);
  });
});

describe('the operator panel', () => {
  it('F2 from the idle screen shows today’s counts, matching the scans made; Esc closes it', async () => {
    await page.keyboard.press('Escape');
    await page.waitForSelector('#idle-screen', { state: 'visible', timeout: 10_000 });
    await page.keyboard.press('F2');
    await page.waitForSelector('#operator-screen', { state: 'visible' });
    await page.waitForFunction(() => document.getElementById('stats-total')?.textContent !== '–');
    // Entries so far: red, its override (green), yellow, green — three scans: the override is a
    // staff decision about the red one, not a second scan.
    const logged = entries();
    expect(logged).toHaveLength(4);
    expect(await page.textContent('#stats-total')).toBe('3');
    const count = (selector: string): Promise<string | null> => page.textContent(`${selector} .count`);
    expect(await count('#stats-outcomes [data-outcome="green"]')).toBe('1');
    expect(await count('#stats-outcomes [data-outcome="yellow"]')).toBe('1');
    expect(await count('#stats-outcomes [data-outcome="red"]')).toBe('1');
    expect(await count('#stats-outcomes [data-outcome="none"]')).toBe('0');
    expect(await count('#stats-kinds [data-key="cccd-qr"]')).toBe('3');
    // Words and a shape beside each colour.
    expect(await page.textContent('#stats-outcomes [data-outcome="red"]')).toMatch(/✕.*Đỏ.*Red/);
    await page.keyboard.press('Escape');
    expect(await screen()).toBe('idle');
  });

  it('opens from its button and closes by itself after 30 s without input, counted from the last key', async () => {
    // The page's timers on a clock the test moves (Playwright's, paused): each step has run
    // every timer due by then, so "still open" is read at a known time, not after a sleep.
    await page.clock.install();
    await page.clock.pauseAt(Date.now() + 1_000);
    await page.click('#operator-open');
    await page.waitForSelector('#operator-screen', { state: 'visible' });
    await page.clock.runFor(20_000);
    expect(await screen()).toBe('operator');
    await page.keyboard.press('Shift'); // someone is there: the 30 s start again
    await page.clock.runFor(29_000);
    expect(await screen()).toBe('operator');
    await page.clock.runFor(1_000);
    await page.waitForSelector('#idle-screen', { state: 'visible', timeout: 2_000 });
    expect(await screen()).toBe('idle');
  });
});
