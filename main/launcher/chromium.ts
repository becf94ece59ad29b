import { lineLog } from '../../platform/logging/logger.js';
import { stderrLogger } from '../logging/kiosk-logger.js';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { messageOf } from '../../platform/message-of.js';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable', '/snap/bin/chromium'];

/** Chromium's switch that lets a page start audio before any user gesture (renderer/sound/verdict-sound.ts). */
export const AUTOPLAY_WITHOUT_GESTURE = '--autoplay-policy=no-user-gesture-required';

/** How long Chromium gets to exit on SIGTERM before it is killed, when the kiosk stops. */
const EXIT_GRACE_MS = 5_000;

export function findChromium(env: NodeJS.ProcessEnv = process.env): string | null {
  const candidates = env.CHOT_CHROMIUM ? [env.CHOT_CHROMIUM, ...CANDIDATES] : CANDIDATES;
  return candidates.find((path) => existsSync(path)) ?? null;
}

export interface KioskWindow {
  /** Chromium; its pid is undefined when it could not be started. */
  readonly process: ChildProcess;
  /** The profile directory (owner-only), removed once Chromium has exited. */
  readonly profileDir: string;
  /** Resolves once Chromium has exited, or failed to start, and its profile is removed. */
  readonly exited: Promise<void>;
  /** Ends Chromium (SIGTERM, then SIGKILL if it lingers) and resolves once it has exited. */
  close(): Promise<void>;
}

/**
 * Opens the kiosk URL full screen in its own Chromium profile, with no browser chrome.
 *
 * The URL carries the kiosk's token, and a process's command line is readable by every
 * local user (`ps`, /proc/PID/cmdline): with the token and a forged Origin anyone on the
 * machine could drive the kiosk. So Chromium is not given the URL. It is given a launch
 * page, written into its fresh profile directory (mkdtemp: owner-only 0700; the file
 * 0600), that forwards to the kiosk URL with `location.replace` — the token stays in the
 * fragment, never sent over HTTP, and out of the history. The token is then only as
 * readable as the kiosk user's own files, like the device key in the data directory.
 * (A one-time code in the command line, exchanged for the token, would still be readable
 * there and race Chromium to the exchange; a page in a file needs no exchange at all.)
 *
 * Never throws for a Chromium that cannot start (missing, not executable): that is logged,
 * and the URL printed on stdout still opens the kiosk by hand.
 */
export function openKioskWindow(chromium: string, url: string, log: (line: string) => void = lineLog(stderrLogger(), 'warn')): KioskWindow {
  const profileDir = mkdtempSync(join(tmpdir(), 'chot-chromium-'));
  const launchPage = join(profileDir, 'launch.html');
  writeFileSync(launchPage, launchPageHtml(url), { mode: 0o600, flag: 'wx' });
  const child = spawn(
    chromium,
    [
      `--app=${pathToFileURL(launchPage).href}`,
      '--kiosk',
      `--user-data-dir=${profileDir}`,
      '--no-first-run',
      '--disable-sync',
      '--disable-background-networking',
      '--disable-component-update',
      '--noerrdialogs',
      '--disable-translate',
      // The verdict sounds: a kiosk page may be answered by a device scanner before anyone
      // touches it, and Chromium otherwise keeps its audio suspended until a user gesture.
      AUTOPLAY_WITHOUT_GESTURE,
    ],
    // Its own process group: Chromium's helpers (zygote, renderers, crash handler) can outlive
    // the browser process for a moment and keep writing into the profile; the group is how
    // they are all ended before the profile is removed.
    { stdio: 'ignore', detached: true },
  );
  const signalGroup = (signal: NodeJS.Signals): void => {
    if (child.pid === undefined) return;
    try {
      process.kill(-child.pid, signal);
    } catch {
      // The group is gone already.
    }
  };
  const exited = new Promise<void>((resolve) => {
    let finished = false;
    const finish = (): void => {
      if (finished) return;
      finished = true;
      signalGroup('SIGKILL');
      // Chromium's helpers (renderer, crash handler) may still be writing into the profile a
      // moment after the browser process exits: a removal that meets a directory refilling
      // under it (ENOTEMPTY) tries again rather than leave the profile, or throw in a listener.
      rm(profileDir, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 })
        .catch((error: unknown) => log(`--open: could not remove Chromium's profile ${profileDir}: ${messageOf(error)}`))
        .finally(resolve);
    };
    // A spawn failure (ENOENT, EACCES) is an 'error' event with no 'exit' after it; without
    // this listener it would end the kiosk.
    child.once('error', (error: Error & { code?: unknown }) => {
      log(`--open: cannot start Chromium at ${chromium} (${typeof error.code === 'string' ? error.code : error.message}): open the kiosk URL yourself`);
      if (child.pid === undefined) finish();
    });
    child.once('exit', (code, signal) => {
      if (child.pid !== undefined && code !== 0 && signal !== 'SIGTERM') log(`--open: Chromium exited (${signal ?? `code ${code}`})`);
      finish();
    });
  });
  return {
    process: child,
    profileDir,
    exited,
    close: async () => {
      if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return exited;
      signalGroup('SIGTERM');
      const lingering = setTimeout(() => signalGroup('SIGKILL'), EXIT_GRACE_MS);
      await exited;
      clearTimeout(lingering);
    },
  };
}

/** The launch page: forwards to `url` at once. `<` is escaped so no URL can end the script early. */
export function launchPageHtml(url: string): string {
  const target = JSON.stringify(url).replace(/</g, '\\u003c');
  return `<!doctype html>\n<meta charset="utf-8">\n<meta name="referrer" content="no-referrer">\n<title>Chốt</title>\n<script>location.replace(${target});</script>\n`;
}
