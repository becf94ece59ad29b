import type { KioskReport } from '../../domain/sync/kiosk-report.js';
import type { DeviceSighting, DeviceStatusStore } from '../devices/device-status-store.js';
import { messageOf } from '../../platform/message-of.js';
import type { Logger } from '../../platform/logging/logger.js';

/** How often the sightings gathered in memory are written: also how stale "last seen" may be. */
export const SIGHTING_FLUSH_MS = 10_000;

/**
 * "Last seen" and the kiosks' status reports, without a database write per request: each
 * authenticated request only replaces its kiosk's entry in memory (the latest sighting; a
 * report, once sent, is kept until a newer one), and every SIGHTING_FLUSH_MS the lot is
 * written in one transaction. So a kiosk is written at most once per flush, and the hub at
 * most one transaction per flush whatever the number of kiosks (5 000 kiosks polling every
 * minute would otherwise be ~80 writes a second). A flush that fails is logged and its
 * sightings kept for the next one, unless newer ones replaced them meanwhile. Readers that
 * want the freshest state (GET /metrics) flush first.
 */
export class DeviceSightings {
  private pending = new Map<string, DeviceSighting>();
  private flushing: Promise<void> = Promise.resolve();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly store: DeviceStatusStore,
    private readonly log: Logger,
    private readonly now: () => number,
    flushMs: number = SIGHTING_FLUSH_MS,
  ) {
    this.timer = setInterval(() => void this.flush(), flushMs);
    this.timer.unref();
  }

  /** A kiosk's request passed authentication, with its report if it sent one. */
  seen(deviceId: string, report: KioskReport | undefined): void {
    const earlier = this.pending.get(deviceId)?.report;
    const kept = report ?? earlier;
    this.pending.set(deviceId, { deviceId, seenAt: this.now(), ...(kept === undefined ? {} : { report: kept }) });
  }

  /** Writes what has gathered; resolves once it (and any flush under way) is stored or logged as failed. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(async () => {
      if (this.pending.size === 0) return;
      const batch = this.pending;
      this.pending = new Map();
      try {
        await this.store.recordSightings([...batch.values()]);
      } catch (error) {
        this.log.warn(`kiosk sightings not stored (kept for the next try): ${messageOf(error)}`);
        for (const [deviceId, failed] of batch) {
          const newer = this.pending.get(deviceId);
          if (newer === undefined) this.pending.set(deviceId, failed);
          // A newer sighting without a report keeps the report that failed to be written.
          else if (newer.report === undefined && failed.report !== undefined) this.pending.set(deviceId, { ...newer, report: failed.report });
        }
      }
    });
    return this.flushing;
  }

  /** Stops the timer and writes the last sightings (before the storage closes). */
  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }
}
