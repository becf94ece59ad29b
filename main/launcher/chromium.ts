import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable', '/snap/bin/chromium'];

export function findChromium(env: NodeJS.ProcessEnv = process.env): string | null {
  const candidates = env.CHOT_CHROMIUM ? [env.CHOT_CHROMIUM, ...CANDIDATES] : CANDIDATES;
  return candidates.find((path) => existsSync(path)) ?? null;
}

/** Opens the kiosk URL full screen in its own Chromium profile, with no browser chrome. */
export function openKioskWindow(chromium: string, url: string): ChildProcess {
  const profile = mkdtempSync(join(tmpdir(), 'chot-chromium-'));
  return spawn(
    chromium,
    [
      `--app=${url}`, '--kiosk', `--user-data-dir=${profile}`, '--no-first-run', '--disable-sync',
      '--disable-background-networking', '--disable-component-update', '--noerrdialogs', '--disable-translate',
    ],
    { stdio: 'ignore', detached: false },
  );
}
