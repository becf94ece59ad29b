import type { DeviceStatus } from './device-status-store.js';

/** A kiosk not heard from for this long is silent, unless told otherwise (`--silent-after`). */
export const DEFAULT_SILENT_AFTER_MS = 7 * 24 * 3600_000;

/** The `silent` mark beside a kiosk's own flags: it is not the kiosk's word but the hub's. */
export const SILENT_FLAG = 'silent';

/** One kiosk as `chot hub devices` and the report see it at `nowMs`. */
export interface DeviceOverview {
  readonly device: DeviceStatus;
  /** Active and not heard from within the threshold (or never). Revoked kiosks are never silent: they are refused. */
  readonly silent: boolean;
  /** Now minus the last sighting; absent: never seen. */
  readonly lastSeenAgeMs?: number;
  /** Now minus when the hub last confirmed the kiosk's data current, as the kiosk last reported it. */
  readonly dataAgeMs?: number;
}

export function overviewOf(device: DeviceStatus, nowMs: number, silentAfterMs: number): DeviceOverview {
  const lastSeenAgeMs = device.lastSeenAt === undefined ? undefined : Math.max(0, nowMs - device.lastSeenAt);
  const syncedAt = device.report?.syncedAt;
  return {
    device,
    silent: !device.revoked && (lastSeenAgeMs === undefined || lastSeenAgeMs > silentAfterMs),
    ...(lastSeenAgeMs === undefined ? {} : { lastSeenAgeMs }),
    ...(syncedAt === undefined ? {} : { dataAgeMs: Math.max(0, nowMs - syncedAt) }),
  };
}

/** "45s", "12m", "3h", "9d": the age a table column shows (the JSON has the instants). */
export function compactAge(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 120) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours}h`;
  return `${Math.floor(hours / 24)}d`;
}

/**
 * A duration as operators write it: a whole number with s, m, h or d (`7d`, `36h`); at
 * least a minute, at most a year. Undefined when it is not one.
 */
export function parseDuration(text: string): number | undefined {
  const match = /^(\d{1,6})([smhd])$/.exec(text.trim());
  if (match === null) return undefined;
  const unit = { s: 1000, m: 60_000, h: 3600_000, d: 24 * 3600_000 }[match[2] as 's' | 'm' | 'h' | 'd'];
  const ms = Number(match[1]) * unit;
  return ms >= 60_000 && ms <= 366 * 24 * 3600_000 ? ms : undefined;
}
