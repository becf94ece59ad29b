import { backoffWindow, type BackoffWindow } from '../../platform/backoff.js';
import { openKioskWindow, type KioskWindow } from './chromium.js';

/** Chromium dying again and again (no display yet, a crash at start) is retried no faster than this, up to a minute. */
export const WINDOW_RESTART_BACKOFF: BackoffWindow = { minMs: 1_000, maxMs: 60_000 };
/** A window that stayed up this long was working: its next death starts the backoff over. */
const STABLE_AFTER_MS = 60_000;
/** A page that has not said it is alive for this long (six heartbeats missed) is hung or crashed. */
export const PAGE_SILENT_MS = 30_000;

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
  /**
   * The page's heartbeats (KioskApi.pageHeartbeat): a window whose page stays silent for
   * `silentMs` (counted from its start too, so a page that never loads counts) is restarted.
   */
  readonly pageHeartbeats?: { readonly subscribe: (listener: () => void) => () => void; readonly silentMs?: number };
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
 * - A page that stops its heartbeat (a hung renderer, a crashed tab, a page that never loaded):
 *   Chromium is ended and started again as above, which loads the page afresh. Not a reload
 *   through Chromium's debugging port: any local user could drive the kiosk's page through it.
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
  let lastSignOfLife = now();
  const silentMs = options.pageHeartbeats?.silentMs ?? PAGE_SILENT_MS;
  const unsubscribe = options.pageHeartbeats?.subscribe(() => (lastSignOfLife = now()));
  const silenceCheck =
    options.pageHeartbeats === undefined
      ? undefined
      : setInterval(
          () => {
            const silentFor = now() - lastSignOfLife;
            if (closed || current === undefined || timer !== undefined || silentFor <= silentMs) return;
            options.log.warn(`--open: the kiosk page has been silent for ${Math.round(silentFor / 1000)} s; restarting Chromium`);
            // Its exit restarts it, with the backoff of any other death.
            lastSignOfLife = now();
            void current.close();
          },
          Math.max(10, Math.floor(silentMs / 4)),
        );
  silenceCheck?.unref();

  const start = (): void => {
    timer = undefined;
    if (closed) return;
    const startedAt = now();
    lastSignOfLife = startedAt;
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
        // Nothing left to watch for silence either.
        current = undefined;
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
      clearInterval(silenceCheck);
      unsubscribe?.();
      await current?.close();
    },
  };
}
