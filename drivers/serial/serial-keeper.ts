import { DeviceFault, type DeviceFaultKind, type DeviceState } from '../device.js';
import { isMissingPortError, type SerialConnection, type SerialSettings, type SerialTransport } from './serial-transport.js';

/**
 * Keeps one serial port open across unplugs: the shared life cycle of the serial scanner and
 * relay handles (the serial counterpart of hid/hid-keeper.ts). The first open() rejects with a
 * typed fault; once open, losing the port (its connection closes with an error: EIO when a
 * USB device is pulled or socat is killed) is reported ONCE, then the same path is reopened
 * with exponential backoff until it works, and onReady says so. A serial port reports its own
 * loss (a read fails at once), so unlike HID there is no presence polling.
 *
 * Serial devices are reopened by path: name them by their stable udev link
 * (/dev/serial/by-id/…) so that a replug onto another ttyACMn finds them again.
 */
export interface Backoff {
  readonly initialMs: number;
  readonly maxMs: number;
}

export interface SerialKeeperOptions {
  readonly transport: SerialTransport;
  readonly path: string;
  readonly settings: SerialSettings;
  readonly backoff: Backoff;
  /** Runs on every (re)open before the port counts as ready (a relay switches all off); throwing fails that open. */
  readonly setup: (connection: SerialConnection) => Promise<void>;
  readonly onData: (chunk: Uint8Array) => void;
  readonly onFault: (fault: DeviceFault) => void;
  readonly onReady: () => void;
}

export class SerialKeeper {
  readonly #options: SerialKeeperOptions;
  #connection: SerialConnection | undefined;
  #state: DeviceState = 'opening';
  #faultKind: DeviceFaultKind | undefined;
  #failures = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(options: SerialKeeperOptions) {
    this.#options = options;
  }

  get state(): DeviceState {
    return this.#state;
  }

  get faultKind(): DeviceFaultKind | undefined {
    return this.#state === 'fault' ? this.#faultKind : undefined;
  }

  /** The open connection, or undefined while the port is faulted or closed. */
  get connection(): SerialConnection | undefined {
    return this.#state === 'ready' ? this.#connection : undefined;
  }

  /** The first open: failures are thrown (typed) to the caller instead of being retried. */
  async open(): Promise<void> {
    const { path } = this.#options;
    let connection: SerialConnection;
    try {
      connection = await this.#options.transport.open(path, this.#options.settings);
    } catch (error) {
      this.#state = 'closed';
      throw openFault(path, error);
    }
    try {
      await this.#attach(connection);
    } catch (error) {
      this.#state = 'closed';
      this.#connection = undefined;
      await connection.close().catch(() => undefined);
      throw error instanceof DeviceFault ? error : new DeviceFault('io', path, messageOf(error), { cause: error });
    }
  }

  /** The port failed while open (closed with an error, a failed write): report once, reopen. */
  lost(kind: DeviceFaultKind, message: string, cause?: unknown, connection = this.#connection): void {
    if (this.#state === 'closed' || connection === undefined || connection !== this.#connection) return;
    this.#connection = undefined;
    void connection.close().catch(() => undefined);
    this.#fault(kind, message, cause);
    this.#schedule(this.#options.backoff.initialMs);
  }

  async close(): Promise<void> {
    this.#state = 'closed';
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    const connection = this.#connection;
    this.#connection = undefined;
    if (connection !== undefined) await connection.close().catch(() => undefined);
  }

  async #attach(connection: SerialConnection): Promise<void> {
    this.#connection = connection;
    const { path } = this.#options;
    connection.onData((chunk) => {
      // Bytes from a connection the keeper has already given up on are stale.
      if (this.#connection === connection) this.#options.onData(chunk);
    });
    connection.onClose((error) => {
      // Closed without an error and not by us (close() forgets the connection first): gone all the same.
      this.lost('unplugged', `${path}: ${error?.message ?? 'the port closed'}`, error, connection);
    });
    await this.#options.setup(connection);
    if (this.#connection !== connection) throw new DeviceFault('unplugged', path, `${path} closed while it was being set up`);
    this.#state = 'ready';
    this.#faultKind = undefined;
    this.#failures = 0;
  }

  #fault(kind: DeviceFaultKind, message: string, cause?: unknown): void {
    const first = this.#state !== 'fault' || this.#faultKind !== kind;
    this.#state = 'fault';
    this.#faultKind = kind;
    // Once per change of kind: a scanner left unplugged for an hour is one fault, not thousands.
    if (first) this.#options.onFault(new DeviceFault(kind, this.#options.path, message, { cause }));
  }

  #schedule(delayMs: number): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.#reconnect();
    }, delayMs);
    // The keeper must never be what keeps a CLI or a test process alive.
    this.#timer.unref?.();
  }

  async #reconnect(): Promise<void> {
    if (this.#closed()) return;
    const { path } = this.#options;
    let connection: SerialConnection;
    try {
      connection = await this.#options.transport.open(path, this.#options.settings);
    } catch (error) {
      const fault = openFault(path, error);
      this.#retryLater(fault.kind, fault.message, error);
      return;
    }
    if (this.#closed()) {
      await connection.close().catch(() => undefined);
      return;
    }
    try {
      await this.#attach(connection);
    } catch (error) {
      this.#connection = undefined;
      await connection.close().catch(() => undefined);
      this.#retryLater(error instanceof DeviceFault ? error.kind : 'io', messageOf(error), error);
      return;
    }
    if (this.#state === 'ready') this.#options.onReady();
  }

  /** A method rather than an inline test: the state changes across awaits, which narrowing does not see. */
  #closed(): boolean {
    return this.#state === 'closed';
  }

  #retryLater(kind: DeviceFaultKind, message: string, cause: unknown): void {
    if (this.#closed()) return;
    this.#failures += 1;
    this.#fault(kind, message, cause);
    const { initialMs, maxMs } = this.#options.backoff;
    this.#schedule(Math.min(initialMs * 2 ** this.#failures, maxMs));
  }
}

/** An open that failed: 'unplugged' when the path is not there, 'open-failed' otherwise (busy, permissions). */
export function openFault(path: string, error: unknown): DeviceFault {
  if (isMissingPortError(error)) return new DeviceFault('unplugged', path, `${path} is not connected: ${messageOf(error)}`, { cause: error });
  const hint = /EACCES|Permission denied/i.test(messageOf(error)) ? ' (is the kiosk user in the dialout group?)' : '';
  return new DeviceFault('open-failed', path, `cannot open ${path}: ${messageOf(error)}${hint}`, { cause: error });
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
