import type { Browser, Page } from 'playwright-core';
import { demoCards } from '../../main/demo/demo-people.js';
import { launchChromium } from './chromium.js';
import { startKioskProcess, tempDataDir, type KioskProcess } from './kiosk-process.js';

/**
 * The set-up every browser-mode e2e test shares: a real `chot start --browser` child, Debian's
 * Chromium, one page on the kiosk URL, waited for until the idle screen shows. One copy, so a
 * change of how the kiosk starts or what "ready" means is made once.
 */
export interface KioskPage {
  readonly kiosk: KioskProcess;
  readonly browser: Browser;
  readonly page: Page;
  /** Closes the browser, then stops the kiosk; safe to call after a failed start. */
  close(): Promise<void>;
}

export interface KioskPageOptions {
  /** Default: a fresh temporary data dir (prefix `chot-e2e-`). */
  readonly dataDir?: string;
  readonly extraArgs?: readonly string[];
  /** Default 1280×800, a 10" tablet. */
  readonly viewport?: { readonly width: number; readonly height: number };
  /** Appended to the kiosk URL (e.g. `&camera=1` inside the fragment). */
  readonly urlSuffix?: string;
  /** The screen waited for after the page loads (default `#idle-screen`; a not-ready kiosk shows another). */
  readonly readySelector?: string;
  readonly env?: NodeJS.ProcessEnv;
}

export async function openKioskPage(options: KioskPageOptions = {}): Promise<KioskPage> {
  const kiosk = await startKioskProcess({
    dataDir: options.dataDir ?? tempDataDir('chot-e2e-'),
    ...(options.extraArgs === undefined ? {} : { extraArgs: options.extraArgs }),
    ...(options.env === undefined ? {} : { env: options.env }),
  });
  let browser: Browser | undefined;
  try {
    browser = await launchChromium();
    const page = await browser.newPage({ viewport: { ...(options.viewport ?? { width: 1280, height: 800 }) } });
    await page.goto(kiosk.url + (options.urlSuffix ?? ''));
    await page.waitForSelector(options.readySelector ?? '#idle-screen', { state: 'visible', timeout: 10_000 });
    const opened = browser;
    return {
      kiosk,
      browser: opened,
      page,
      close: async () => {
        await opened.close();
        await kiosk.stop();
      },
    };
  } catch (error) {
    await browser?.close();
    await kiosk.stop();
    throw error;
  }
}

/** The screen the page shows (`#app[data-screen]`). */
export const shownScreen = (page: Page): Promise<string | null> => page.getAttribute('#app', 'data-screen');

/**
 * Scans a demo person's card through the idle screen's demo buttons: the same submitScan as a
 * wedge scan, without keystroke timing, which a loaded test machine cannot keep
 * (tests/e2e/scan-end-to-end.test.ts covers the wedge itself). Resolves with the verdict shown.
 */
export async function scanDemoCard(page: Page, name: string): Promise<string> {
  if (demoCards().find((c) => c.label === name) === undefined) throw new Error(`no demo card ${name}`);
  await page.waitForSelector('#idle-screen', { state: 'visible', timeout: 10_000 });
  await page.click(`#demo-cards button:text-is("${name}")`);
  await page.waitForSelector('#verdict-screen[data-verdict]', { state: 'visible', timeout: 5000 });
  return (await page.getAttribute('#verdict-screen', 'data-verdict')) ?? '';
}

/** Esc from a verdict or a staff screen, then waits for the idle screen. */
export async function backToIdle(page: Page): Promise<void> {
  await page.keyboard.press('Escape');
  if ((await shownScreen(page)) !== 'idle') await page.waitForSelector('#idle-screen', { state: 'visible', timeout: 10_000 });
}
