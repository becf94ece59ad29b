import { accessSync, closeSync, constants, existsSync, fsyncSync, openSync, unlinkSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { messageOf } from '../../platform/message-of.js';
import { PAGE_SILENT_MS } from '../launcher/kiosk-window-keeper.js';

/**
 * Whether the scan path could decide and log an entry right now: what the service watchdog
 * pings on. Each failing part is one short line (no personal data) for systemd's STATUS.
 */
export interface ScanPathHealth {
  readonly healthy: boolean;
  readonly problems: readonly string[];
}

export interface ScanPathProbeOptions {
  /** The entry log's database file (kiosk.sqlite); its directory must take new files too (WAL, journal). */
  readonly entryLogFile: string;
  /** Reads the facts (one trivial query); throws when they cannot be read. */
  readonly readFacts: () => void;
  /** How long the page has been silent, once it has said it is alive at all; undefined: no page to count. */
  readonly pageSilentForMs?: () => number | undefined;
  /** A page silent longer than this is unhealthy (default: twice the window keeper's limit, so it had its restart first). */
  readonly maxPageSilentMs?: number;
  /** The event loop stalling longer than this between two checks is unhealthy (default 1 s). */
  readonly maxLoopDelayMs?: number;
}

export interface ScanPathProbe {
  /** The health since the previous check (the loop delay is the worst seen since then). */
  check(): ScanPathHealth;
  close(): void;
}

const DEFAULT_MAX_LOOP_DELAY_MS = 1_000;
/** Written, fsynced and removed at each check: a full disk or a read-only remount fails here before an entry would. */
export const WRITE_PROBE_FILE = '.scan-path-probe';

export function openScanPathProbe(options: ScanPathProbeOptions): ScanPathProbe {
  const maxLoopDelayMs = options.maxLoopDelayMs ?? DEFAULT_MAX_LOOP_DELAY_MS;
  const maxPageSilentMs = options.maxPageSilentMs ?? 2 * PAGE_SILENT_MS;
  const loop = watchLoopDelay();
  return {
    check: () => {
      const problems: string[] = [];
      const worstDelayMs = Math.round(loop.takeWorstMs());
      if (worstDelayMs > maxLoopDelayMs) problems.push(`event loop stalled ${worstDelayMs} ms`);
      const entryLogProblem = entryLogUnwritable(options.entryLogFile);
      if (entryLogProblem !== undefined) problems.push(`entry log not writable: ${entryLogProblem}`);
      try {
        options.readFacts();
      } catch (error) {
        problems.push(`facts not readable: ${messageOf(error)}`);
      }
      const pageSilentMs = options.pageSilentForMs?.();
      if (pageSilentMs !== undefined && pageSilentMs > maxPageSilentMs) problems.push(`page silent ${Math.round(pageSilentMs / 1000)} s`);
      return { healthy: problems.length === 0, problems };
    },
    close: () => loop.stop(),
  };
}

/** How often the loop delay is sampled. */
const LOOP_SAMPLE_MS = 50;

/**
 * The worst lateness of a repeating timer since the last take: a loop blocked for seconds is
 * seen once it runs again, even though no check could run while it was blocked. Its own
 * timer, not perf_hooks' monitorEventLoopDelay: that one drops the sample after a reset(),
 * so a block starting just after a check would go unseen.
 */
function watchLoopDelay(): { takeWorstMs(): number; stop(): void } {
  let last = performance.now();
  let worst = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    worst = Math.max(worst, now - last - LOOP_SAMPLE_MS);
    last = now;
  }, LOOP_SAMPLE_MS);
  timer.unref();
  return {
    takeWorstMs: () => {
      // A check that runs before the sampler after a block still sees the block.
      const taken = Math.max(worst, performance.now() - last - LOOP_SAMPLE_MS);
      worst = 0;
      return taken;
    },
    stop: () => clearInterval(timer),
  };
}

/**
 * Without writing to the entry log itself (a check must never add an entry): the database file
 * and its WAL are writable, and its directory takes a new file to the disk.
 */
function entryLogUnwritable(file: string): string | undefined {
  try {
    accessSync(file, constants.W_OK);
    const wal = `${file}-wal`;
    if (existsSync(wal)) accessSync(wal, constants.W_OK);
    const probe = join(dirname(file), WRITE_PROBE_FILE);
    const fd = openSync(probe, 'w', 0o600);
    try {
      writeSync(fd, 'ok');
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    unlinkSync(probe);
    return undefined;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code ?? messageOf(error);
  }
}
