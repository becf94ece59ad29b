import { afterEach, describe, expect, it } from 'vitest';
import type { ScanPathHealth, ScanPathProbe } from '../../../../main/appliance/scan-path-health.js';
import type { SdNotifier } from '../../../../main/appliance/sd-notify.js';
import { startServiceWatchdog, type ServiceWatchdog } from '../../../../main/appliance/service-watchdog.js';
import { memoryLogger } from '../../../support/memory-logger.js';

/** A notifier that records each datagram and wakes whoever waits for the next one. */
function recordingNotifier(): SdNotifier & { readonly sent: (readonly string[])[]; nextSend(): Promise<readonly string[]> } {
  const sent: (readonly string[])[] = [];
  let wake: ((lines: readonly string[]) => void) | undefined;
  return {
    sent,
    send: (lines) => {
      sent.push(lines);
      wake?.(lines);
      wake = undefined;
      return Promise.resolve(true);
    },
    nextSend: () => new Promise((resolve) => (wake = resolve)),
  };
}

function switchableProbe(): ScanPathProbe & { health: ScanPathHealth; closed: boolean } {
  const probe = {
    health: { healthy: true, problems: [] } as ScanPathHealth,
    closed: false,
    check: () => probe.health,
    close: () => void (probe.closed = true),
  };
  return probe;
}

describe('the service watchdog', () => {
  let watchdog: ServiceWatchdog | undefined;
  afterEach(async () => {
    await watchdog?.close();
    watchdog = undefined;
  });

  it('says READY with a STATUS once healthy, then pings at each tick', async () => {
    const notifier = recordingNotifier();
    const probe = switchableProbe();
    watchdog = startServiceWatchdog({ notifier, probe, watchdogMs: 40, logger: memoryLogger() });
    await watchdog.ready;
    expect(notifier.sent[0]).toEqual(['READY=1', 'STATUS=Chốt: scan path healthy']);
    expect(await notifier.nextSend()).toEqual(['WATCHDOG=1']);
    expect(await notifier.nextSend()).toEqual(['WATCHDOG=1']);
  });

  it('withholds READY while the scan path is unhealthy, with the reason in STATUS and the log', async () => {
    const notifier = recordingNotifier();
    const probe = switchableProbe();
    probe.health = { healthy: false, problems: ['entry log not writable: EROFS'] };
    const logger = memoryLogger();
    const first = notifier.nextSend();
    watchdog = startServiceWatchdog({ notifier, probe, watchdogMs: 40, logger });
    expect(await first).toEqual(['STATUS=Chốt: scan path NOT healthy: entry log not writable: EROFS']);
    expect(logger.lines.join('\n')).toContain('entry log not writable: EROFS; watchdog pings withheld');
    probe.health = { healthy: true, problems: [] };
    expect(await notifier.nextSend()).toEqual(['READY=1', 'STATUS=Chốt: scan path healthy']);
  });

  it('stops pinging while unhealthy and pings again once healthy', async () => {
    const notifier = recordingNotifier();
    const probe = switchableProbe();
    watchdog = startServiceWatchdog({ notifier, probe, watchdogMs: 40, logger: memoryLogger() });
    await notifier.nextSend();
    probe.health = { healthy: false, problems: ['event loop stalled 5000 ms'] };
    expect(await notifier.nextSend()).toEqual(['STATUS=Chốt: scan path NOT healthy: event loop stalled 5000 ms']);
    const sentWhileUnhealthy = notifier.sent.length;
    // Several ticks while unhealthy: nothing at all goes out (the STATUS went once).
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(notifier.sent.length).toBe(sentWhileUnhealthy);
    probe.health = { healthy: true, problems: [] };
    expect(await notifier.nextSend()).toEqual(['WATCHDOG=1', 'STATUS=Chốt: scan path healthy']);
  });

  it('says STOPPING and closes the probe when closed', async () => {
    const notifier = recordingNotifier();
    const probe = switchableProbe();
    const closing = startServiceWatchdog({ notifier, probe, watchdogMs: 60_000, logger: memoryLogger() });
    await closing.close();
    expect(notifier.sent.at(-1)).toEqual(['STOPPING=1', 'STATUS=Chốt: stopping']);
    expect(probe.closed).toBe(true);
  });
});
