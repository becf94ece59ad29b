import { backoffWindow, type BackoffWindow } from '../../platform/backoff.js';
import { openKioskWindow, type KioskWindow } from './chromium.js';

/** Chromium dying again and again (no display yet, a crash at start) is retried no faster than this, up to a minute. */
export const WINDOW_RESTART_BACKOFF: BackoffWindow = { minMs: 1_000, maxMs: 60_000 };
/** A window that stayed up this long was working: its next death starts the backoff over. */
const STABLE_AFTER_MS = 60_000;

export interface WindowKeeperLog {
  warn(line: string): void;
  error(line: string): void;
}

export interface KioskWindowKeeper {
  /** How many times Chromium has been started (1 once the first is up). */
  readonly starts: number;
  /** Resolves when the keeper gave up: Chromium cannot be started at all (the fault is logged). */
  readonly gaveUp: Promise<void>;
  /** Ends the window for good (no restart) and resolves once Chromium has exited. */
  close(): Promise<void>;
}

export interface KioskWindowKeeperOptions {
  readonly log: WindowKeeperLog;
  readonly backoff?: BackoffWindow;
  /** For tests: how a window is opened (default: openKioskWindow). */
  readonly open?: (chromium: string, url: string, log: (line: string) => void) => KioskWindow;
  readonly now?: () => number;
}

/**
 * `--open`'s window, kept open: a gate's screen must not stay dark because Chromium crashed.
 *
 * - Chromium that cannot be started at all (missing, not executable): one bilingual error in the
 *   log, and no retry — the binary will not appear by itself; the kiosk keeps running (the URL it
 *   printed opens it by hand; scanners the core reads keep deciding). Not a non-zero exit: a kiosk
 *   whose devices open the gate must not stop for want of a screen.
 * - Chromium that dies (a crash, killed, closed): started again after a backoff (1 s doubling to
 *   60 s, reset once a window stayed up a minute), each restart logged.
 */
export function keepKioskWindow(chromium: string, url: string, options: KioskWindowKeeperOptions): KioskWindowKeeper {
  const open = options.open ?? openKioskWindow;
  const backoff = options.backoff ?? WINDOW_RESTART_BACKOFF;
  const now = options.now ?? Date.now;
  let current: KioskWindow | undefined;
  let closed = false;
  let attempt = 0;
  let starts = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let giveUp: () => void = () => undefined;
  const gaveUp = new Promise<void>((resolve) => (giveUp = resolve));

  const start = (): void => {
    timer = undefined;
    if (closed) return;
    const startedAt = now();
    const window = open(chromium, url, (line) => options.log.warn(line));
    current = window;
    starts += 1;
    void window.exited.then(() => {
      if (closed || current !== window) return;
      if (window.process.pid === undefined) {
        options.log.error(
          `--open: không mở được Chromium tại ${chromium} — hãy mở địa chỉ kiosk bằng tay hoặc cài Chromium (đặt CHOT_CHROMIUM) · ` +
            `cannot start Chromium at ${chromium}: open the kiosk URL by hand, or install Chromium (set CHOT_CHROMIUM)`,
        );
        giveUp();
        return;
      }
      if (now() - startedAt >= STABLE_AFTER_MS) attempt = 0;
      const delay = backoffWindow(attempt, backoff);
      attempt += 1;
      options.log.warn(`--open: Chromium closed; starting it again in ${delay} ms (restart ${attempt})`);
      timer = setTimeout(start, delay);
    });
  };
  start();

  return {
    get starts() {
      return starts;
    },
    gaveUp,
    close: async () => {
      closed = true;
      clearTimeout(timer);
      await current?.close();
    },
  };
}
