import { performance } from 'node:perf_hooks';
import type { Logger } from '../../platform/logging/logger.js';
import { openScanPathProbe } from './scan-path-health.js';
import { sdNotifierFromEnv, watchdogIntervalMs } from './sd-notify.js';
import { startServiceWatchdog, type ServiceWatchdog } from './service-watchdog.js';

export interface ApplianceServiceOptions {
  readonly env: NodeJS.ProcessEnv;
  readonly entryLogFile: string;
  readonly readFacts: () => void;
  readonly logger: Logger;
  /**
   * The page's heartbeats, when the kiosk shows a page (Electron, `--open`). Its silence counts
   * only once it has beaten: a kiosk whose screen never came up (no Chromium) still decides for
   * its scanners, and restarting it would not bring a screen.
   */
  readonly pageHeartbeats?: (listener: () => void) => () => void;
}

/**
 * The kiosk as a systemd service: READY, STATUS and watchdog pings while the scan path is
 * healthy. Nothing at all when NOTIFY_SOCKET is not set (started by hand, or by another
 * supervisor).
 */
export function startApplianceService(options: ApplianceServiceOptions): ServiceWatchdog | undefined {
  const notifier = sdNotifierFromEnv(options.env);
  if (notifier === undefined) return undefined;
  const watchdogMs = watchdogIntervalMs(options.env);
  let lastBeat: number | undefined;
  const unsubscribe = options.pageHeartbeats?.(() => (lastBeat = performance.now()));
  const probe = openScanPathProbe({
    entryLogFile: options.entryLogFile,
    readFacts: options.readFacts,
    pageSilentForMs: () => (lastBeat === undefined ? undefined : performance.now() - lastBeat),
  });
  installLoopBlockHook(options.env, options.logger);
  const watchdog = startServiceWatchdog({ notifier, probe, logger: options.logger, ...(watchdogMs === undefined ? {} : { watchdogMs }) });
  return {
    ready: watchdog.ready,
    close: async () => {
      unsubscribe?.();
      await watchdog.close();
    },
  };
}

/**
 * FOR TESTS ONLY, and only when CHOT_TEST_BLOCK_LOOP_MS is set: SIGUSR2 blocks the event loop
 * for that many ms, as a wedged driver or a runaway computation would, so a test can see the
 * watchdog pings stop. Never set in a unit file or a package.
 */
function installLoopBlockHook(env: NodeJS.ProcessEnv, logger: Logger): void {
  const blockMs = Number(env['CHOT_TEST_BLOCK_LOOP_MS']);
  if (!Number.isFinite(blockMs) || blockMs <= 0) return;
  logger.warn(`test hook: SIGUSR2 blocks the event loop for ${blockMs} ms (CHOT_TEST_BLOCK_LOOP_MS)`);
  process.on('SIGUSR2', () => {
    const until = Date.now() + blockMs;
    while (Date.now() < until) {
      // Busy on purpose: the point is a loop that cannot run anything else.
    }
  });
}
