import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoCards } from '../../main/demo/demo-people.js';
import type { Outcome } from '../../domain/verdict/verdict.js';
import { tonePlan } from '../../renderer/sound/tone-plan.js';
import type { SoundPlayed } from '../../renderer/sound/verdict-sound.js';
import { launchChromium } from '../support/chromium.js';
import { startKioskProcess, type KioskProcess } from '../support/kiosk-process.js';
import { SocatPty } from '../support/socat-pty.js';
import { typeAsWedge, typeAsWedgeAndSettle } from '../support/wedge-keys.js';

/**
 * The verdict sounds in the BUILT kiosk, browser mode, in a Chromium started as the kiosk's own
 * (`--autoplay-policy=no-user-gesture-required`): the audio graph each verdict starts, read from
 * the page's test signal (chotMetrics.sounds: the oscillators' frequencies and waves as started,
 * the context's state), against the pure plan of renderer/sound/tone-plan.ts.
 *
 * Headless Chromium starts audio without a gesture whatever its autoplay policy, so this file
 * cannot show the flag is needed; the flag on the kiosk's Chromium and Electron window is
 * checked in their unit tests, and a suspended context (a page opened by hand) in
 * tests/unit/renderer/sound/verdict-sound.test.ts.
 */

const VOLUME = 30;

const cardOf = (outcome: Outcome): string => {
  const card = demoCards().find((candidate) => candidate.expected === outcome);
  if (card === undefined) throw new Error(`no demo card for ${outcome}`);
  return card.qrText;
};

/** What the page must have started for an outcome at a volume. */
function expectedSound(outcome: Outcome, volume: number): Omit<SoundPlayed, 'durationS'> {
  const plan = tonePlan(outcome, { volume, muted: false });
  if (plan === undefined) throw new Error(`no plan for ${outcome}`);
  return {
    outcome,
    // Read back from an AudioParam: single precision.
    frequenciesHz: plan.tones.map((tone) => Math.fround(tone.frequencyHz)),
    waves: plan.tones.map((tone) => tone.wave),
    peakGains: plan.tones.map((tone) => tone.peakGain),
    contextState: 'running',
  };
}

const sounds = (page: Page): Promise<SoundPlayed[]> =>
  page.evaluate(() => [...(globalThis as unknown as { chotMetrics: { sounds: SoundPlayed[] } }).chotMetrics.sounds]);

/** Does `act`, waits for the verdict it shows and for one more sound, and returns both. */
async function verdictAndSound(page: Page, act: () => Promise<void>): Promise<{ shown: string | null; sound: SoundPlayed | undefined }> {
  const before = (await sounds(page)).length;
  await page.evaluate(() => document.getElementById('verdict-screen')?.removeAttribute('data-verdict'));
  await act();
  await page.waitForSelector('#verdict-screen[data-verdict]', { state: 'visible', timeout: 10_000 });
  await page.waitForFunction((n) => (globalThis as unknown as { chotMetrics: { sounds: unknown[] } }).chotMetrics.sounds.length > n, before, {
    timeout: 5_000,
  });
  const after = await sounds(page);
  expect(after).toHaveLength(before + 1);
  return { shown: await page.getAttribute('#verdict-screen', 'data-verdict'), sound: after.at(-1) };
}

async function openPage(browser: Browser, kiosk: KioskProcess): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(kiosk.url);
  await page.waitForSelector('#idle-screen', { state: 'visible', timeout: 10_000 });
  return page;
}

let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

describe(`verdict sounds at --volume ${VOLUME}, with a serial scanner`, () => {
  let kiosk: KioskProcess;
  let scanner: SocatPty;
  let page: Page;

  beforeAll(async () => {
    scanner = await SocatPty.start({ name: 'scanner' });
    // Sounds, not repeats: a demo card stands for one person after another, so every read is an
    // entry with its verdict and sound (the same card on the wedge within 3 s would be a repeat).
    kiosk = await startKioskProcess({
      extraArgs: ['--repeat-window', '0', '--volume', String(VOLUME), '--device', `serial-scanner=${scanner.path}:9600`],
    });
    page = await openPage(browser, kiosk);
  }, 90_000);
  afterAll(async () => {
    await page?.close();
    await kiosk?.stop();
    await scanner?.stop();
  });

  it('a device scanner’s verdict sounds before anyone has touched the page (no user gesture at all)', async () => {
    expect(await sounds(page)).toEqual([]);
    const { shown, sound } = await verdictAndSound(page, () => scanner.write(`${cardOf('green')}\r`));
    expect(shown).toBe('green');
    expect(sound).toMatchObject(expectedSound('green', VOLUME));
  });

  it.each(['green', 'yellow', 'red', 'none'] as const)('a wedge scan of a %s demo card starts that outcome’s tones', async (outcome) => {
    const { shown, sound } = await verdictAndSound(page, () => typeAsWedge(page, cardOf(outcome)));
    expect(shown).toBe(outcome);
    expect(sound).toMatchObject(expectedSound(outcome, VOLUME));
  });

  it('a device scanner’s verdict sounds exactly as a wedge scan’s of the same outcome', async () => {
    const fromDevice = await verdictAndSound(page, () => scanner.write(`${cardOf('red')}\r`));
    const fromWedge = await verdictAndSound(page, () => typeAsWedge(page, cardOf('red')));
    expect(fromDevice.sound).toEqual(fromWedge.sound);
  });

  it('the diagnostics screen’s test scan (F4) sounds nothing', async () => {
    const before = await sounds(page);
    await page.keyboard.press('F4');
    await page.waitForSelector('#diagnostics-screen', { state: 'visible', timeout: 5_000 });
    await typeAsWedgeAndSettle(page, cardOf('green'));
    await page.waitForSelector('#diag-test-scan', { state: 'visible', timeout: 5_000 });
    expect(await page.getAttribute('#app', 'data-screen')).toBe('diagnostics');
    expect(await sounds(page)).toEqual(before);
    await page.keyboard.press('Escape');
    await page.waitForSelector('#idle-screen', { state: 'visible', timeout: 5_000 });
  });

  it('staff opening and closing their screen sounds nothing', async () => {
    const before = await sounds(page);
    await page.click('#operator-open');
    await page.waitForSelector('#operator-screen', { state: 'visible', timeout: 5_000 });
    await page.keyboard.press('Escape');
    await page.waitForSelector('#idle-screen', { state: 'visible', timeout: 5_000 });
    expect(await sounds(page)).toEqual(before);
  });
});

describe('--mute', () => {
  let kiosk: KioskProcess;
  let page: Page;

  beforeAll(async () => {
    kiosk = await startKioskProcess({ extraArgs: ['--mute'] });
    page = await openPage(browser, kiosk);
  }, 90_000);
  afterAll(async () => {
    await page?.close();
    await kiosk?.stop();
  });

  it('a verdict of every colour is shown and sounds nothing', async () => {
    for (const outcome of ['green', 'yellow', 'red', 'none'] as const) {
      await page.evaluate(() => document.getElementById('verdict-screen')?.removeAttribute('data-verdict'));
      await typeAsWedgeAndSettle(page, cardOf(outcome));
      await page.waitForSelector(`#verdict-screen[data-verdict="${outcome}"]`, { state: 'visible', timeout: 10_000 });
    }
    expect(await sounds(page)).toEqual([]);
  });
});
