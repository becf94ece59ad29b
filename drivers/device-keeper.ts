import { backoffWindow, type BackoffWindow } from '../platform/backoff.js';
import { messageOf } from '../platform/message-of.js';
import { DeviceFault, type DeviceFaultKind, type DeviceState } from './device.js';

/**
 * Keeps one device open across unplugs: the life cycle every handle shares (serial and HID
 * scanners, serial and HID relays). The first open() rejects with a typed fault; once open,
 * losing the device is never final — the keeper reports a typed DeviceFault ONCE per change
 * of kind, then reopens it (with exponential backoff while opening keeps failing, so a
 * permissions problem neither spins the CPU nor floods the log) and onReady says so.
 *
 * What differs between transports is in a KeeperTransport: how to open, how a connection
 * reports its loss, how to find the device again after a replug (HID paths change), how an
 * open error reads. The timings are the handle's own (serial and HID use different numbers).
 */
export interface KeptConnection {
  close(): Promise<void>;
}

export interface KeeperTransport<C extends KeptConnection> {
  open(path: string): Promise<C>;
  /** Calls `lost` when the connection fails or goes away on its own (a read error, EIO on unplug). */
  watch(connection: C, path: string, lost: (message: string, cause?: unknown) => void): void;
  /** An open that failed, in words: its kind (unplugged, open-failed) and message. */
  openFailure(path: string, error: unknown): { readonly kind: DeviceFaultKind; readonly message: string };
  /**
   * Where the device is now, before a reopen (it may have come back under another path), or
   * undefined while it is absent: the keeper looks again after `pollIntervalMs`, without
   * counting a failure. Without it the last path is reopened directly.
   */
  locate?(lastPath: string, claimed: ReadonlySet<string>): Promise<string | undefined>;
  /**
   * Whether the device is still enumerated. Polled every `pollIntervalMs` while ready, for
   * devices that are never read (HID relays) and so have no other unplug signal.
   */
  isPresent?(path: string): Promise<boolean>;
}

export interface KeeperTimings {
  /** Delay before the first reopen after a loss. */
  readonly afterLossMs: number;
  /** Look again for an absent device (locate) and presence polling. */
  readonly pollIntervalMs: number;
  /**
   * After the n-th failed reopen in a row the keeper waits the (n−1)-th backoff window itself,
   * min(maxMs, minMs × 2ⁿ⁻¹), without jitter: only this kiosk retries its own device, so
   * there is no crowd to spread out.
   */
  readonly reopenBackoff: BackoffWindow;
}

export interface DeviceKeeperOptions<C extends KeptConnection> {
  readonly transport: KeeperTransport<C>;
  /** The stable id faults carry (the DeviceInfo id the device was opened with). */
  readonly deviceId: string;
  /** The path to open first. */
  readonly path: string;
  readonly timings: KeeperTimings;
  /** Paths other handles of the same driver hold: never opened twice (duplicate scans, racing relays). */
  readonly claimed?: Set<string>;
  /** Runs on every (re)open before the device counts as ready (a relay switches all off); throwing fails that open. */
  readonly setup: (connection: C) => Promise<void>;
  readonly onFault: (fault: DeviceFault) => void;
  readonly onReady: () => void;
}

export class DeviceKeeper<C extends KeptConnection> {
  readonly #options: DeviceKeeperOptions<C>;
  readonly #claimed: Set<string>;
  #path: string;
  #connection: C | undefined;
  #state: DeviceState = 'opening';
  #faultKind: DeviceFaultKind | undefined;
  #failures = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(options: DeviceKeeperOptions<C>) {
    this.#options = options;
    this.#claimed = options.claimed ?? new Set();
    this.#path = options.path;
  }

  /** The path of the device now (it may change when the device is replugged). */
  get path(): string {
    return this.#path;
  }

  get state(): DeviceState {
    return this.#state;
  }

  /** Why the device is not ready, while it is faulted. */
  get faultKind(): DeviceFaultKind | undefined {
    return this.#state === 'fault' ? this.#faultKind : undefined;
  }

  /** The open connection, or undefined while the device is faulted or closed. */
  get connection(): C | undefined {
    return this.#state === 'ready' ? this.#connection : undefined;
  }

  /** The first open: failures are thrown (typed) to the caller instead of being retried. */
  async open(): Promise<void> {
    let connection: C;
    try {
      connection = await this.#options.transport.open(this.#path);
    } catch (error) {
      this.#state = 'closed';
      const failure = this.#options.transport.openFailure(this.#path, error);
      throw new DeviceFault(failure.kind, this.#options.deviceId, failure.message, { cause: error });
    }
    try {
      await this.#attach(connection);
    } catch (error) {
      this.#state = 'closed';
      this.#detach();
      await connection.close().catch(() => undefined);
      throw error instanceof DeviceFault ? error : new DeviceFault('io', this.#options.deviceId, messageOf(error), { cause: error });
    }
  }

  /**
   * The device failed while open (a read error, a failed write, gone from enumeration):
   * report it once and start reopening. Calls for a connection already replaced are ignored.
   */
  lost(kind: DeviceFaultKind, message: string, cause?: unknown, connection: C | undefined = this.#connection): void {
    if (this.#state === 'closed' || connection === undefined || connection !== this.#connection) return;
    this.#detach();
    void connection.close().catch(() => undefined);
    this.#fault(kind, message, cause);
    this.#schedule(this.#options.timings.afterLossMs);
  }

  async close(): Promise<void> {
    this.#state = 'closed';
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    const connection = this.#connection;
    this.#detach();
    if (connection !== undefined) await connection.close().catch(() => undefined);
  }

  async #attach(connection: C): Promise<void> {
    this.#connection = connection;
    this.#claimed.add(this.#path);
    const path = this.#path;
    this.#options.transport.watch(connection, path, (message, cause) => this.lost('unplugged', message, cause, connection));
    await this.#options.setup(connection);
    if (this.#connection !== connection) throw new DeviceFault('unplugged', this.#options.deviceId, `${path} closed while it was being set up`);
    this.#state = 'ready';
    this.#faultKind = undefined;
    this.#failures = 0;
    if (this.#options.transport.isPresent !== undefined) this.#schedule(this.#options.timings.pollIntervalMs);
  }

  #detach(): void {
    this.#connection = undefined;
    this.#claimed.delete(this.#path);
  }

  #fault(kind: DeviceFaultKind, message: string, cause?: unknown): void {
    const first = this.#state !== 'fault' || this.#faultKind !== kind;
    this.#state = 'fault';
    this.#faultKind = kind;
    // Once per change of kind: a scanner left unplugged for an hour is one fault, not thousands.
    if (first) this.#options.onFault(new DeviceFault(kind, this.#options.deviceId, message, { cause }));
  }

  #schedule(delayMs: number): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void (this.#state === 'ready' ? this.#checkPresence() : this.#reconnect());
    }, delayMs);
    // The keeper must never be what keeps a CLI or a test process alive.
    this.#timer.unref?.();
  }

  async #checkPresence(): Promise<void> {
    const isPresent = this.#options.transport.isPresent;
    if (isPresent === undefined) return;
    const connection = this.#connection;
    // Enumeration failing says nothing about this device: keep it and look again.
    const present = await isPresent(this.#path).catch(() => true);
    if (this.#state !== 'ready' || connection !== this.#connection) return;
    if (present) this.#schedule(this.#options.timings.pollIntervalMs);
    else this.lost('unplugged', `${this.#path} is no longer connected`);
  }

  async #reconnect(): Promise<void> {
    if (this.#closed()) return;
    const { transport } = this.#options;
    const path = transport.locate === undefined ? this.#path : await transport.locate(this.#path, this.#claimed).catch(() => undefined);
    if (this.#closed()) return;
    if (path === undefined) {
      this.#schedule(this.#options.timings.pollIntervalMs);
      return;
    }
    let connection: C;
    try {
      connection = await transport.open(path);
    } catch (error) {
      const failure = transport.openFailure(path, error);
      this.#retryLater(failure.kind, failure.message, error);
      return;
    }
    if (this.#closed()) {
      await connection.close().catch(() => undefined);
      return;
    }
    this.#path = path;
    try {
      await this.#attach(connection);
    } catch (error) {
      this.#detach();
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
    this.#schedule(backoffWindow(this.#failures - 1, this.#options.timings.reopenBackoff));
  }
}
