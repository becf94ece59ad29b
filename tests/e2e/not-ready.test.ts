import Database from 'better-sqlite3';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enrollKiosk } from '../../main/enrollment/enroll-kiosk.js';
import { FakeHub } from '../support/fake-hub.js';
import { tempDataDir, type KioskProcess } from '../support/kiosk-process.js';
import { openKioskPage } from '../support/kiosk-page.js';
import { testHubKey } from '../support/sync-fixtures.js';
import { typeAsWedge } from '../support/wedge-keys.js';

/**
 * An enrolled kiosk that has never synced knows nobody: it must say NOT READY, full screen,
 * instead of telling every person "KHÔNG CÓ DỮ LIỆU / No record". A scan meanwhile is still
 * decided and logged, and the screen says NOT READY beside it.
 */
const SOMEONE = '056089001234';

let kiosk: KioskProcess;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  const dataDir = tempDataDir('chot-e2e-not-ready-');
  // Enrolled with a hub that is then gone: the kiosk never gets its first sync.
  const hub = await FakeHub.start({ key: testHubKey() });
  await enrollKiosk({ dataDir, hubUrl: hub.url, code: await hub.createCode() });
  await hub.close();
  ({ kiosk, browser, page } = await openKioskPage({ dataDir }));
});

afterAll(async () => {
  await browser?.close();
  await kiosk?.stop();
});

describe('an enrolled kiosk that never synced', () => {
  it('shows NOT READY full screen, says what is missing and what staff do', async () => {
    const banner = page.locator('#readiness');
    await banner.waitFor({ state: 'visible', timeout: 15_000 });
    expect(await page.getAttribute('#readiness', 'data-state')).toBe('not-ready');
    const text = await banner.innerText();
    expect(text).toContain('DỮ LIỆU CHƯA SẴN SÀNG');
    expect(text).toContain('NOT READY');
    expect(text).toContain('never synced');
    expect(text).toContain('chot sync');
    // Full screen: it covers the scan prompt (the idle screen's words are under it).
    const box = await banner.boundingBox();
    expect(box?.height).toBeGreaterThan(700);
  });

  it('a scan is decided and logged, but the screen says NOT READY, not "KHÔNG CÓ DỮ LIỆU"', async () => {
    await typeAsWedge(page, SOMEONE, { intervalMs: 5 });
    await page.waitForSelector('#verdict-screen[data-verdict]', { state: 'visible', timeout: 10_000 });
    expect(await page.innerText('#verdict-headline-vi')).toBe('DỮ LIỆU CHƯA SẴN SÀNG');
    const visible = await page.locator('#app').innerText();
    expect(visible).not.toContain('KHÔNG CÓ DỮ LIỆU');
    expect(await page.locator('#readiness').isVisible()).toBe(true);
    const db = new Database(join(kiosk.dataDir, 'kiosk.sqlite'), { readonly: true, fileMustExist: true });
    try {
      const logged = db.prepare('SELECT outcome, reasons FROM entry ORDER BY seq DESC LIMIT 1').get() as { outcome: string; reasons: string };
      expect(logged.outcome).toBe('none');
      expect(logged.reasons).toContain('person.unknown');
    } finally {
      db.close();
    }
  });

  it('the idle screen shows today’s count and the rule set in force', async () => {
    await page.waitForSelector('#idle-screen', { state: 'visible', timeout: 30_000 });
    await page.waitForFunction(() => document.getElementById('idle-today-count')?.textContent === '1', undefined, { timeout: 15_000 });
    expect(await page.innerText('#idle-rule-set')).toMatch(/\S+ · v\S+/);
  });
});
