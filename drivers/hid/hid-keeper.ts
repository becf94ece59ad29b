import { DeviceFault, type DeviceFaultKind, type DeviceState } from '../device.js';
import type { HidBinding, HidConnection, HidDeviceDescriptor } from './hid-binding.js';

/**
 * Keeps one HID interface open across unplugs: the shared life cycle of the HID-POS scanner
 * and the HID relay handles. Once a device has been opened, losing it is never final — the
 * keeper reports a typed DeviceFault once, then polls enumeration (hot-plug, every
 * `pollIntervalMs`) and reopens it when it is back, backing off exponentially while opening
 * keeps failing (a permissions problem does not spin the CPU or flood the log).
 */
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
  readonly pollIntervalMs: number;
  readonly backoffInitialMs: number;
  readonly backoffMaxMs: number;
  readonly onFault: (fault: DeviceFault) => void;
  readonly onReady: () => void;
}

export class HidKeeper {
  readonly #options: HidKeeperOptions;
  #path: string;
  #connection: HidConnection | undefined;
  #state: DeviceState = 'opening';
  #faultKind: DeviceFaultKind | undefined;
  #failures = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(options: HidKeeperOptions) {
    this.#options = options;
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
  get connection(): HidConnection | undefined {
    return this.#state === 'ready' ? this.#connection : undefined;
  }

  /** The first open: failures are thrown (typed) to the caller instead of being retried. */
  async open(): Promise<void> {
    let connection: HidConnection;
    try {
      connection = await this.#options.binding.open(this.#path);
    } catch (error) {
      this.#state = 'closed';
      throw new DeviceFault('open-failed', this.#options.deviceId, `cannot open ${this.#path}: ${messageOf(error)}`, { cause: error });
    }
    try {
      await this.#attach(connection);
    } catch (error) {
      this.#state = 'closed';
      this.#release();
      await connection.close().catch(() => undefined);
      throw error instanceof DeviceFault ? error : new DeviceFault('io', this.#options.deviceId, messageOf(error), { cause: error });
    }
  }

  /**
   * The device failed while open (a read error, a failed write, gone from enumeration):
   * report it once and start reopening. Calls for a connection already replaced are ignored.
   */
  lost(kind: DeviceFaultKind, message: string, cause?: unknown, connection = this.#connection): void {
    if (this.#state === 'closed' || connection === undefined || connection !== this.#connection) return;
    this.#connection = undefined;
    this.#release();
    void connection.close().catch(() => undefined);
    this.#fault(kind, message, cause);
    this.#schedule(this.#options.pollIntervalMs);
  }

  async close(): Promise<void> {
    this.#state = 'closed';
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    const connection = this.#connection;
    this.#connection = undefined;
    this.#release();
    if (connection !== undefined) await connection.close().catch(() => undefined);
  }

  async #attach(connection: HidConnection): Promise<void> {
    this.#connection = connection;
    this.#options.claimed.add(this.#path);
    connection.onError((error) => this.lost('unplugged', `${this.#path}: ${error.message}`, error, connection));
    await this.#options.setup(connection);
    this.#state = 'ready';
    this.#faultKind = undefined;
    this.#failures = 0;
    if (this.#options.watchPresence) this.#schedule(this.#options.pollIntervalMs);
  }

  #release(): void {
    this.#options.claimed.delete(this.#path);
  }

  #fault(kind: DeviceFaultKind, message: string, cause?: unknown): void {
    const first = this.#state !== 'fault' || this.#faultKind !== kind;
    this.#state = 'fault';
    this.#faultKind = kind;
    // Once per change of kind: a scanner left unplugged for an hour is one fault, not 3 600.
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
    const connection = this.#connection;
    let present = true;
    try {
      present = (await this.#options.binding.devices()).some((device) => device.path === this.#path);
    } catch {
      // Enumeration failing says nothing about this device: keep it and look again.
    }
    if (this.#state !== 'ready' || connection !== this.#connection) return;
    if (present) this.#schedule(this.#options.pollIntervalMs);
    else this.lost('unplugged', `${this.#path} is no longer connected`);
  }

  async #reconnect(): Promise<void> {
    if (this.#closed()) return;
    let candidates: HidDeviceDescriptor[];
    try {
      candidates = (await this.#options.binding.devices()).filter((device) => this.#options.matches(device));
    } catch {
      this.#schedule(this.#options.pollIntervalMs);
      return;
    }
    if (this.#closed()) return;
    // The old path first; otherwise the same device under a new path, never one another handle holds.
    const found = candidates.find((device) => device.path === this.#path) ?? candidates.find((device) => !this.#options.claimed.has(device.path));
    if (found === undefined) {
      this.#schedule(this.#options.pollIntervalMs);
      return;
    }
    let connection: HidConnection;
    try {
      connection = await this.#options.binding.open(found.path);
    } catch (error) {
      this.#retryLater('open-failed', `cannot open ${found.path}: ${messageOf(error)}`, error);
      return;
    }
    if (this.#closed()) {
      await connection.close().catch(() => undefined);
      return;
    }
    this.#path = found.path;
    try {
      await this.#attach(connection);
    } catch (error) {
      this.#connection = undefined;
      this.#release();
      await connection.close().catch(() => undefined);
      const fault = error instanceof DeviceFault ? error : undefined;
      this.#retryLater(fault?.kind ?? 'io', messageOf(error), error);
      return;
    }
    if (this.#state === 'ready') this.#options.onReady();
  }

  /** A method rather than an inline test: the state changes across awaits, which narrowing does not see. */
  #closed(): boolean {
    return this.#state === 'closed';
  }

  #retryLater(kind: DeviceFaultKind, message: string, cause: unknown): void {
    if (this.#state === 'closed') return;
    this.#failures += 1;
    this.#fault(kind, message, cause);
    const delay = Math.min(this.#options.backoffInitialMs * 2 ** (this.#failures - 1), this.#options.backoffMaxMs);
    this.#schedule(delay);
  }
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The binding's device list, its failure a typed fault of the enumerating driver (`who`). */
export async function enumerateHid(binding: HidBinding, who: string): Promise<HidDeviceDescriptor[]> {
  try {
    return await binding.devices();
  } catch (error) {
    throw new DeviceFault('io', who, `cannot enumerate HID devices: ${messageOf(error)}`, { cause: error });
  }
}
