import { execFileSync } from 'node:child_process';
import Database from 'better-sqlite3';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/chromium.js';
import { repoRoot, startKioskProcess, type KioskProcess } from '../support/kiosk-process.js';

let kiosk: KioskProcess | undefined;
afterAll(async () => {
  await kiosk?.stop();
});

describe('following the README as a newcomer', () => {
  it('`npm start` prints the kiosk URL within 60 s and the page shows the idle screen', async () => {
    const startedAt = Date.now();
    kiosk = await startKioskProcess({ viaNpmStart: true, timeoutMs: 60_000 });
    expect(Date.now() - startedAt).toBeLessThan(60_000);
    expect(kiosk.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/#token=\S{32,}$/);

    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      await page.goto(kiosk.url);
      await page.waitForSelector('#idle-screen', { state: 'visible', timeout: 10_000 });
      // Demo mode: every colour is one click away.
      expect(await page.locator('#demo-cards button').count()).toBeGreaterThanOrEqual(4);
      expect(new Set(await page.locator('#demo-cards button').evaluateAll((buttons) => buttons.map((b) => (b as HTMLElement).dataset.expected)))).toEqual(
        new Set(['green', 'yellow', 'red', 'none']),
      );
      await page.locator('#demo-cards button[data-expected="red"]').first().click();
      await page.waitForSelector('#verdict-screen[data-verdict="red"]', { timeout: 1000 });
    } finally {
      await browser.close();
    }
    // The embedded default: the kiosk's SQLite database in the data directory, with the entry.
    const db = new Database(join(kiosk.dataDir, 'kiosk.sqlite'), { readonly: true });
    expect(db.prepare("SELECT count(*) FROM entry WHERE outcome = 'red' AND source_kind = 'manual'").pluck().get()).toBe(1);
    db.close();
  });

  it('a page without the token cannot reach the core and says so', async () => {
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      await page.goto(kiosk?.url.split('#')[0] ?? '');
      await page.waitForSelector('#fault-screen', { state: 'visible', timeout: 5000 });
      expect(await page.textContent('#fault-detail')).toContain('#token');
    } finally {
      await browser.close();
    }
  });

  it('the package’s `chot` command (its bin entry) prints the version', () => {
    // The bin entry as npm links it, run with node — not through `npx chot`: npx in the project
    // may reify the tree and run its `prepare` script, a rebuild that deletes dist/ under every
    // test and process using it.
    const { bin } = JSON.parse(readFileSync(join(repoRoot(), 'package.json'), 'utf8')) as { bin: { chot: string } };
    const version = execFileSync(process.execPath, [join(repoRoot(), bin.chot), '--version'], { cwd: repoRoot(), encoding: 'utf8' });
    expect(version.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });
});
