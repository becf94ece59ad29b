import type { Logger } from '../../platform/logging/logger.js';
import type { ScanPathProbe } from './scan-path-health.js';
import type { SdNotifier } from './sd-notify.js';

export interface ServiceWatchdogOptions {
  readonly notifier: SdNotifier;
  readonly probe: ScanPathProbe;
  /** systemd's WatchdogSec in ms (WATCHDOG_USEC); undefined: no watchdog, only READY and STATUS. */
  readonly watchdogMs?: number;
  readonly logger: Logger;
}

export interface ServiceWatchdog {
  /** Resolves once READY=1 went out (the scan path was healthy at least once). */
  readonly ready: Promise<void>;
  close(): Promise<void>;
}

/** Without a watchdog, how often the STATUS line and readiness are looked at again. */
const STATUS_ONLY_TICK_MS = 5_000;

/**
 * Tells systemd the kiosk is ready, and pings its watchdog, only while the scan path is
 * healthy (scan-path-health.ts). An unhealthy kiosk sends no ping: after WatchdogSec systemd
 * kills and restarts it (Restart=on-watchdog), which a wedged event loop or a lost entry log
 * needs, and which a person at the gate cannot do. Pings go at half the interval, as sd_notify(3)
 * advises, so one late check does not cost a restart.
 */
export function startServiceWatchdog(options: ServiceWatchdogOptions): ServiceWatchdog {
  const { notifier, probe, watchdogMs } = options;
  const log = options.logger.child({ component: 'watchdog' });
  let isReady = false;
  let lastStatus = '';
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  let sending: Promise<unknown> = Promise.resolve();

  const tick = (): void => {
    const health = probe.check();
    const status = health.healthy ? 'Chốt: scan path healthy' : `Chốt: scan path NOT healthy: ${health.problems.join('; ')}`;
    const lines: string[] = [];
    if (health.healthy && !isReady) lines.push('READY=1');
    if (health.healthy && isReady && watchdogMs !== undefined) lines.push('WATCHDOG=1');
    if (status !== lastStatus) {
      lines.push(`STATUS=${status}`);
      if (health.healthy) log.info(status);
      else log.warn(`${status}; watchdog pings withheld`);
    }
    lastStatus = status;
    if (health.healthy && !isReady) {
      isReady = true;
      markReady();
    }
    if (lines.length === 0) return;
    // In order: READY must reach systemd before the first WATCHDOG.
    sending = sending
      .then(() => notifier.send(lines))
      .then((sent) => {
        if (!sent) log.warn(`systemd-notify failed for ${lines.map((line) => line.split('=')[0]).join(', ')}`);
      });
  };
  tick();
  const timer = setInterval(tick, watchdogMs === undefined ? STATUS_ONLY_TICK_MS : Math.max(1, Math.floor(watchdogMs / 2)));
  // The kiosk's servers keep the process alive; the watchdog must not keep a closing one up.
  timer.unref();
  return {
    ready,
    close: async () => {
      clearInterval(timer);
      probe.close();
      await sending;
      await notifier.send(['STOPPING=1', 'STATUS=Chốt: stopping']);
    },
  };
}
