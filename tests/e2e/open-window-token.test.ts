import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { chromiumPath } from '../support/chromium.js';
import { startKioskProcess, tempDataDir, type KioskProcess } from '../support/kiosk-process.js';

/**
 * `chot start --open` with Debian's real Chromium (headless: the test machine has no
 * display): the page gets its token and connects, while no process on the machine — the
 * kiosk, Chromium and every helper process it starts — carries the token in its command
 * line or environment, both readable by every local user.
 */
let kiosk: KioskProcess | undefined;
afterAll(async () => {
  await kiosk?.stop();
});

/** Chromium, made headless by a wrapper script: the kiosk runs it as it would run Chromium itself. */
function headlessChromium(): string {
  const path = join(tempDataDir('chot-headless-'), 'chromium');
  writeFileSync(path, `#!/bin/sh\nexec ${chromiumPath()} --headless=new --no-sandbox --disable-gpu --disable-quic "$@"\n`, { mode: 0o755 });
  return path;
}

/** Resolves with the first line on `stream` (from now on) matching `pattern`. */
function lineOn(stream: Readable, pattern: RegExp): Promise<string> {
  let text = '';
  return new Promise((resolve) => {
    const onData = (chunk: Buffer): void => {
      text += chunk.toString();
      const line = text.split('\n').find((candidate) => pattern.test(candidate));
      if (line === undefined) return;
      stream.off('data', onData);
      resolve(line);
    };
    stream.on('data', onData);
  });
}

interface ProcessImage {
  readonly pid: string;
  readonly cmdline: Buffer;
  readonly environ: Buffer | undefined;
}

/** Every process's command line and, where readable, environment. */
function everyProcess(): ProcessImage[] {
  const images: ProcessImage[] = [];
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    const read = (file: string): Buffer | undefined => {
      try {
        return readFileSync(join('/proc', pid, file));
      } catch {
        return undefined; // gone meanwhile, or another user's environment
      }
    };
    const cmdline = read('cmdline');
    if (cmdline !== undefined) images.push({ pid, cmdline, environ: read('environ') });
  }
  return images;
}

describe('chot start --open', () => {
  it('the page connects, and the token is in no process’s argv or environment', async () => {
    const dataDir = tempDataDir();
    kiosk = await startKioskProcess({ dataDir, extraArgs: ['--open'], env: { ...process.env, CHOT_CHROMIUM: headlessChromium() } });
    // Listening from now on, after a look at what came before (nothing arrives in between).
    const connected = kiosk.stderr().includes('a page connected') ? Promise.resolve('') : lineOn(kiosk.child.stderr as Readable, /a page connected/);
    const token = new URLSearchParams(new URL(kiosk.url).hash.slice(1)).get('token') ?? '';
    expect(token).toMatch(/^[A-Za-z0-9_-]{32}$/);

    // The handshake checks the token: a connected page is one that received it.
    await connected;

    const images = everyProcess();
    const needle = Buffer.from(token);
    const leaks = images.filter((image) => image.cmdline.includes(needle) || image.environ?.includes(needle) === true);
    expect(leaks.map((image) => `${image.pid}: ${image.cmdline.toString().replaceAll('\0', ' ')}`)).toEqual([]);

    // The scan saw what it had to: the kiosk and Chromium, environments included.
    const kioskImage = images.find((image) => image.pid === String(kiosk?.child.pid));
    expect(kioskImage?.environ).toBeDefined();
    const browser = images.find((image) => image.cmdline.toString().includes('launch.html'));
    expect(browser?.environ).toBeDefined();
    const chromiumProcesses = images.filter((image) => /chromium/.test(image.cmdline.toString()));
    expect(chromiumProcesses.length).toBeGreaterThan(1);

    // Stopping the kiosk ends Chromium and removes its profile, launch page and all.
    const profile = /--user-data-dir=([^\0]+)/.exec(browser?.cmdline.toString() ?? '')?.[1] ?? '';
    expect(existsSync(join(profile, 'launch.html'))).toBe(true);
    await kiosk.stop();
    expect(existsSync(profile)).toBe(false);
  });
});
