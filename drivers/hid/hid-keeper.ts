import { messageOf } from '../../platform/message-of.js';
import { DeviceKeeper } from '../device-keeper.js';
import { DeviceFault } from '../device.js';
import type { HidBinding, HidConnection, HidDeviceDescriptor } from './hid-binding.js';

/**
 * The HID side of the device keeper (../device-keeper.ts): after a loss the device is looked
 * for in enumeration (hot-plug, every `pollIntervalMs`), possibly under a new path, and
 * reopened when it is back; node-hid reports a pulled device as a read error.
 */
/** Each defaults to the HID pace: poll every 1 000 ms, reopen backoff 1 000 ms → 30 000 ms. */
export interface HidKeeperTimings {
  /** Hot-plug polling while the device is away, and presence polling while open (relays). */
  readonly pollIntervalMs?: number;
  /** Backoff while reopening fails (busy, permissions): doubles from initial up to max. */
  readonly backoffInitialMs?: number;
  readonly backoffMaxMs?: number;
}

export interface HidKeeperOptions {
  readonly binding: HidBinding;
  /** The stable id faults carry (the DeviceInfo id the device was opened with). */
  readonly deviceId: string;
  /** The path to open first. */
  readonly path: string;
  /** Recognises the same device after a replug, when its path may have changed. */
  readonly matches: (candidate: HidDeviceDescriptor) => boolean;
  /** Paths other handles of the same driver hold: never opened twice (duplicate scans, racing relays). */
  readonly claimed: Set<string>;
  /** Runs on every (re)open before the device counts as ready; throwing fails that open. */
  readonly setup: (connection: HidConnection) => Promise<void>;
  /** Also poll enumeration while ready: for devices that are never read (relays), the only unplug signal. */
  readonly watchPresence: boolean;
  readonly timings: HidKeeperTimings;
  readonly onFault: (fault: DeviceFault) => void;
  readonly onReady: () => void;
}

export type HidKeeper = DeviceKeeper<HidConnection>;

export function hidKeeper(options: HidKeeperOptions): HidKeeper {
  const { binding } = options;
  const { pollIntervalMs = 1_000, backoffInitialMs = 1_000, backoffMaxMs = 30_000 } = options.timings;
  const isPresent = async (path: string): Promise<boolean> => (await binding.devices()).some((device) => device.path === path);
  return new DeviceKeeper<HidConnection>({
    transport: {
      open: (path) => binding.open(path),
      watch: (connection, path, lost) => connection.onError((error) => lost(`${path}: ${error.message}`, error)),
      openFailure: (path, error) => ({ kind: 'open-failed', message: `cannot open ${path}: ${messageOf(error)}` }),
      locate: async (lastPath, claimed) => {
        const candidates = (await binding.devices()).filter((device) => options.matches(device));
        // The old path first; otherwise the same device under a new path, never one another handle holds.
        return (candidates.find((device) => device.path === lastPath) ?? candidates.find((device) => !claimed.has(device.path)))?.path;
      },
      ...(options.watchPresence ? { isPresent } : {}),
    },
    deviceId: options.deviceId,
    path: options.path,
    // After a loss the device is looked for at the polling pace; failed opens back off from backoffInitialMs.
    timings: { afterLossMs: pollIntervalMs, pollIntervalMs, reopenBackoff: { minMs: backoffInitialMs, maxMs: backoffMaxMs } },
    claimed: options.claimed,
    setup: options.setup,
    onFault: options.onFault,
    onReady: options.onReady,
  });
}

/** The binding's device list, its failure a typed fault of the enumerating driver (`who`). */
export async function enumerateHid(binding: HidBinding, who: string): Promise<HidDeviceDescriptor[]> {
  try {
    return await binding.devices();
  } catch (error) {
    throw new DeviceFault('io', who, `cannot enumerate HID devices: ${messageOf(error)}`, { cause: error });
  }
}
