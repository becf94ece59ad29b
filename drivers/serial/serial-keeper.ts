import type { BackoffWindow } from '../../platform/backoff.js';
import { messageOf } from '../../platform/message-of.js';
import { DeviceKeeper, type KeeperTransport } from '../device-keeper.js';
import type { DeviceFault } from '../device.js';
import { isMissingPortError, type SerialConnection, type SerialSettings, type SerialTransport } from './serial-transport.js';

/**
 * The serial side of the device keeper (../device-keeper.ts): a serial port reports its own
 * loss (its connection closes with an error: EIO when a USB device is pulled or socat is
 * killed), so unlike HID there is no presence polling, and the same path is simply reopened.
 *
 * Serial devices are reopened by path: name them by their stable udev link
 * (/dev/serial/by-id/…) so that a replug onto another ttyACMn finds them again.
 */
/**
 * The serial reopen pace, scanners and relays alike: the first reopen after a loss waits
 * minMs, each failed reopen doubles the wait up to maxMs. 250 ms → 2 s: a replugged scanner
 * or relay works again within about 2 s, and a missing one costs one open() every 2 s.
 */
export const SERIAL_REOPEN_BACKOFF: BackoffWindow = { minMs: 250, maxMs: 2_000 };

export interface SerialKeeperOptions {
  readonly transport: SerialTransport;
  readonly path: string;
  readonly settings: SerialSettings;
  readonly backoff: BackoffWindow;
  /** Runs on every (re)open before the port counts as ready (a relay switches all off); throwing fails that open. */
  readonly setup: (connection: SerialConnection) => Promise<void>;
  /** Bytes read from the current connection. Always read, even when unused: a port nobody reads reports no EIO. */
  readonly onData: (chunk: Uint8Array) => void;
  readonly onFault: (fault: DeviceFault) => void;
  readonly onReady: () => void;
}

export type SerialKeeper = DeviceKeeper<SerialConnection>;

export function serialKeeper(options: SerialKeeperOptions): SerialKeeper {
  let keeper: SerialKeeper | undefined = undefined;
  const transport: KeeperTransport<SerialConnection> = {
    open: (path) => options.transport.open(path, options.settings),
    watch: (connection, path, lost) => {
      connection.onData((chunk) => {
        // Bytes from a connection the keeper has already given up on are stale.
        if (keeper?.connection === connection) options.onData(chunk);
      });
      // Closed without an error and not by us (close() forgets the connection first): gone all the same.
      connection.onClose((error) => lost(`${path}: ${error?.message ?? 'the port closed'}`, error));
    },
    openFailure,
  };
  const { minMs, maxMs } = options.backoff;
  keeper = new DeviceKeeper({
    transport,
    deviceId: options.path,
    path: options.path,
    // The port is retried soon after a loss (minMs), then after 2×, 4×… minMs up to maxMs.
    timings: { afterLossMs: minMs, pollIntervalMs: minMs, reopenBackoff: { minMs: Math.min(2 * minMs, maxMs), maxMs } },
    setup: options.setup,
    onFault: options.onFault,
    onReady: options.onReady,
  });
  return keeper;
}

/** An open that failed: 'unplugged' when the path is not there, 'open-failed' otherwise (busy, permissions). */
function openFailure(path: string, error: unknown): { kind: 'unplugged' | 'open-failed'; message: string } {
  if (isMissingPortError(error)) return { kind: 'unplugged', message: `${path} is not connected: ${messageOf(error)}` };
  const hint = /EACCES|Permission denied/i.test(messageOf(error)) ? ' (is the kiosk user in the dialout group?)' : '';
  return { kind: 'open-failed', message: `cannot open ${path}: ${messageOf(error)}${hint}` };
}
