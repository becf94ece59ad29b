import Database from 'better-sqlite3';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoCards } from '../../main/demo/demo-people.js';
import { cameraFrame, coveredCode, pngToRgba, qrPng, seededRandom } from '../support/camera-frames.js';
import { launchChromium } from '../support/chromium.js';
import { startKioskProcess, tempDataDir, type KioskProcess } from '../support/kiosk-process.js';
import { writeY4m } from '../support/y4m.js';

/**
 * The camera end to end: `chot start --camera`, Chromium's fake camera playing a y4m of a
 * CCCD demo card held tilted in front of a webcam, the page's worker decoding it with the
 * .wasm served by the kiosk itself, and the core deciding.
 */
const person = demoCards().find((c) => c.label === 'Nguyễn Văn An');
if (person === undefined) throw new Error('no demo card for Nguyễn Văn An');

/** How the card is held in front of the fake camera: tilted, a little out of focus, dim. */
const HELD = { size: 300, angleDeg: 12, perspective: 0.04, blur: 1, noise: 4, dark: 50, light: 200 } as const;

let kiosk: KioskProcess;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const requests: string[] = [];

function entries(): { outcome: string; person_id: string | null; source_kind: string; source_device_id: string }[] {
  const db = new Database(join(kiosk.dataDir, 'kiosk.sqlite'), { readonly: true, fileMustExist: true });
  try {
    return db.prepare('SELECT outcome, person_id, source_kind, source_device_id FROM entry ORDER BY seq').all() as never;
  } finally {
    db.close();
  }
}

/** How many camera frames the core answered as repeats of the scan (renderer/perf/scan-metrics.ts). */
const cameraRepeats = (): Promise<number> =>
  page.evaluate(() => (globalThis as unknown as { chotMetrics: { repeats: Record<string, number> } }).chotMetrics.repeats.camera ?? 0);

beforeAll(async () => {
  const video = join(tempDataDir('chot-camera-'), 'cccd.y4m');
  const random = seededRandom(8);
  const code = pngToRgba(await qrPng(person.qrText));
  const frame = cameraFrame(code, HELD, random);
  writeY4m(
    video,
    Array.from({ length: 5 }, () => frame),
  );
  kiosk = await startKioskProcess({ extraArgs: ['--camera'] });
  browser = await launchChromium(['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', `--use-file-for-fake-video-capture=${video}`]);
  context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  context.on('request', (request) => requests.push(request.url()));
  page = await context.newPage();
  await page.goto(kiosk.url);
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await kiosk?.stop();
});

describe('camera scanning (chot start --camera, Chromium fake camera)', () => {
  it('puts camera=1 in the kiosk URL fragment, beside the token', () => {
    expect(new URLSearchParams(new URL(kiosk.url).hash.slice(1)).get('camera')).toBe('1');
  });

  it('shows the card holder’s verdict and name from the camera, and logs one camera entry', async () => {
    await page.waitForSelector('#verdict-screen[data-verdict]', { state: 'visible', timeout: 20_000 });
    expect(await page.getAttribute('#verdict-screen', 'data-verdict')).toBe(person.expected);
    expect(await page.textContent('#verdict-name')).toBe('Nguyễn Văn An');
    const logged = entries();
    expect(logged[0]).toMatchObject({ outcome: person.expected, person_id: person.qrText.slice(0, 12), source_kind: 'camera', source_device_id: 'camera' });
  });

  it('shows a live preview on the idle screen, and the card still held up as seen, one entry', async () => {
    // Back to idle once the verdict's hold time is over; the card still in view is the same scan.
    await page.waitForSelector('#idle-screen', { state: 'visible', timeout: 20_000 });
    // Seen again in several frames since, each one a repeat the core answered: still one entry.
    const repeats = await cameraRepeats();
    await page.waitForFunction(
      (n) => ((globalThis as unknown as { chotMetrics: { repeats: Record<string, number> } }).chotMetrics.repeats.camera ?? 0) >= n,
      repeats + 5,
      {
        timeout: 10_000,
      },
    );
    expect(entries()).toHaveLength(1);
    // The card is still in view: the line under the preview says it is seen, the frame shows it.
    expect(await page.getAttribute('#camera-status', 'data-state')).toBe('seen');
    expect(await page.getAttribute('#camera', 'data-state')).toBe('seen');
    expect(await page.isHidden('#camera')).toBe(false);
    expect(await page.isVisible('#camera .camera-aim')).toBe(true);
    expect(await page.evaluate(() => (document.getElementById('camera-preview') as HTMLVideoElement).videoWidth)).toBe(640);
  });

  it('fetched nothing but its own files: the .wasm came from the kiosk, not a CDN', () => {
    const origin = new URL(kiosk.url).origin;
    expect(requests.length).toBeGreaterThan(0);
    expect(requests.filter((url) => !url.startsWith(`${origin}/`))).toEqual([]);
    expect(requests).toContain(`${origin}/zxing_reader.wasm`);
  });
});

describe('a code the camera sees but cannot read yet', () => {
  it('says "code seen — hold still" over the aiming frame, and decides nothing', async () => {
    // The same card with its middle covered (a thumb, a glare): located, never read.
    const video = join(tempDataDir('chot-camera-covered-'), 'covered.y4m');
    const frame = cameraFrame(coveredCode(pngToRgba(await qrPng(person.qrText))), HELD, seededRandom(8));
    writeY4m(
      video,
      Array.from({ length: 5 }, () => frame),
    );
    const before = entries().length;
    const covered = await launchChromium([
      '--use-fake-device-for-media-stream',
      '--use-fake-ui-for-media-stream',
      `--use-file-for-fake-video-capture=${video}`,
    ]);
    try {
      const coveredPage = await covered.newPage({ viewport: { width: 1280, height: 800 } });
      await coveredPage.goto(kiosk.url);
      await coveredPage.waitForSelector('#camera-status[data-state="seen"]', { timeout: 20_000 });
      expect(await coveredPage.textContent('#camera-status')).toBe('Đã thấy mã — giữ yên · Code seen — hold still');
      expect(await coveredPage.getAttribute('#camera', 'data-state')).toBe('seen');
      expect(await coveredPage.isVisible('#camera .camera-aim')).toBe(true);
      expect(await coveredPage.getAttribute('#app', 'data-screen')).toBe('idle');
      expect(entries()).toHaveLength(before);
    } finally {
      await covered.close();
    }
  });
});

describe('a decode worker that crashes', () => {
  it('says the QR reader failed and to restart the kiosk, with the preview gone and the worker’s message kept off the screen', async () => {
    // Chromium's test pattern for a camera, and a worker script that throws as it loads.
    const broken = await launchChromium(['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream']);
    try {
      const brokenPage = await broken.newPage({ viewport: { width: 1280, height: 800 } });
      await brokenPage.route('**/decode-worker.js', (route) => route.fulfill({ contentType: 'text/javascript', body: 'throw new Error("worker blew up");' }));
      await brokenPage.goto(kiosk.url);
      await brokenPage.waitForSelector('#camera-status[data-state="decoder-failed"]', { timeout: 20_000 });
      expect(await brokenPage.textContent('#camera-status')).toBe(
        'Bộ đọc mã QR của camera bị lỗi — khởi động lại kiosk · The camera’s QR reader failed — restart the kiosk',
      );
      expect(await brokenPage.getAttribute('#camera-status', 'data-detail')).toContain('worker blew up');
      expect(await brokenPage.evaluate(() => document.body.innerText)).not.toContain('worker blew up');
      expect(await brokenPage.isVisible('#camera-view')).toBe(false);
      expect(await brokenPage.getAttribute('#app', 'data-screen')).toBe('idle');
    } finally {
      await broken.close();
    }
  });
});

describe('without a camera', () => {
  it('says what to do in Vietnamese and English, never the browser’s error name; F4 shows the name; the kiosk keeps working', async () => {
    // Camera use allowed, but no camera at all: getUserMedia rejects with NotFoundError.
    const plain = await launchChromium(['--use-fake-ui-for-media-stream']);
    try {
      const noCamera = await plain.newPage();
      await noCamera.goto(kiosk.url);
      await noCamera.waitForFunction(
        () => {
          const state = document.getElementById('camera-status')?.dataset.state;
          return state !== undefined && state !== 'starting';
        },
        undefined,
        { timeout: 10_000 },
      );
      expect(await noCamera.getAttribute('#camera-status', 'data-state')).toBe('no-camera');
      expect(await noCamera.textContent('#camera-status')).toBe('Không tìm thấy camera — kiểm tra dây cắm · No camera found — check the cable');
      expect(await noCamera.getAttribute('#camera-status', 'data-detail')).toBe('NotFoundError');
      expect(await noCamera.evaluate(() => document.body.innerText)).not.toMatch(/NotFoundError|Error\b/);
      // No picture to aim at: no preview, no frame.
      expect(await noCamera.isVisible('#camera-view')).toBe(false);
      expect(await noCamera.getAttribute('#app', 'data-screen')).toBe('idle');
      // Whoever diagnoses the kiosk sees the browser's own name on the diagnostics screen.
      await noCamera.keyboard.press('F4');
      await noCamera.waitForSelector('#diag-devices [data-testid="diag-camera"]', { state: 'visible', timeout: 5000 });
      const item = (await noCamera.textContent('#diag-devices [data-testid="diag-camera"]')) ?? '';
      expect(item).toContain('NotFoundError');
      expect(item).toContain('No camera found — check the cable');
      expect(kiosk.child.exitCode).toBeNull();
    } finally {
      await plain.close();
    }
  });
});
