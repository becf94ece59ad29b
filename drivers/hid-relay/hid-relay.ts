import { DeviceFault, type DeviceInfo, type RelayDriver, type RelayHandle } from '../device.js';
import { hex4, present, type HidBinding, type HidConnection, type HidDeviceDescriptor } from '../hid/hid-binding.js';
import { enumerateHid, HidKeeper, messageOf } from '../hid/hid-keeper.js';
import { Listeners } from '../listeners.js';
import {
  checkChannel,
  parseRelayState,
  relayAllOffReport,
  relayChannelCount,
  relayOffReport,
  relayOnReport,
  RELAY_FEATURE_REPORT_LENGTH,
  USB_RELAY_PRODUCT_ID,
  USB_RELAY_VENDOR_ID,
  type RelayBoardState,
} from './usb-relay-protocol.js';

export interface HidRelayOptions {
  /** Longest pulse accepted: a relay is never left closed for long, whatever the caller asks. Default 10 s. */
  readonly maxPulseMs?: number;
  /** Presence polling while open, and hot-plug polling while away. Default 1 000 ms. */
  readonly pollIntervalMs?: number;
  readonly backoffInitialMs?: number;
  readonly backoffMaxMs?: number;
}

export function isUsbRelayBoard(device: HidDeviceDescriptor): boolean {
  return device.vendorId === USB_RELAY_VENDOR_ID && device.productId === USB_RELAY_PRODUCT_ID && relayChannelCount(device.product) !== undefined;
}

export class HidRelayDriver implements RelayDriver {
  readonly #binding: HidBinding;
  readonly #options: HidRelayOptions;
  readonly #claimed = new Set<string>();

  constructor(binding: HidBinding, options: HidRelayOptions = {}) {
    this.#binding = binding;
    this.#options = options;
  }

  async list(): Promise<DeviceInfo[]> {
    const devices = await enumerateHid(this.#binding, 'hid-relay');
    return devices.filter(isUsbRelayBoard).map((device) => ({
      id: device.path,
      kind: 'hid-relay' as const,
      vendorId: hex4(device.vendorId),
      productId: hex4(device.productId),
      manufacturer: present(device.manufacturer),
      product: present(device.product),
      serialNumber: present(device.serialNumber),
    }));
  }

  async open(info: DeviceInfo): Promise<HidRelayHandle> {
    const channels = relayChannelCount(info.product);
    if (info.kind !== 'hid-relay' || channels === undefined) {
      throw new DeviceFault('open-failed', info.id, `not a USBRelayN board: ${info.kind} ${info.product ?? '(no product string)'}`);
    }
    const handle = new HidRelayHandle(this.#binding, info, channels, this.#claimed, this.#options);
    await handle.start();
    return handle;
  }
}

interface ActivePulse {
  deadline: number;
  timer: ReturnType<typeof setTimeout> | undefined;
  readonly waiters: { resolve: () => void; reject: (error: unknown) => void }[];
}

export class HidRelayHandle implements RelayHandle {
  readonly channels: number;
  readonly #binding: HidBinding;
  readonly #info: DeviceInfo;
  readonly #keeper: HidKeeper;
  readonly #maxPulseMs: number;
  readonly #active = new Map<number, ActivePulse>();
  readonly #faults = new Listeners<[DeviceFault]>();
  readonly #ready = new Listeners<[]>();
  /** The board's own id, learnt at the first open: a different board on the same port is refused. */
  #boardId: string | undefined;
  /** Feature reports are sent one at a time, in order (an off never overtakes its on). */
  #queue: Promise<unknown> = Promise.resolve();

  constructor(binding: HidBinding, info: DeviceInfo, channels: number, claimed: Set<string>, options: HidRelayOptions) {
    this.channels = channels;
    this.#binding = binding;
    this.#info = info;
    this.#maxPulseMs = options.maxPulseMs ?? 10_000;
    this.#keeper = new HidKeeper({
      binding,
      deviceId: info.id,
      path: info.id,
      matches: (candidate) => isUsbRelayBoard(candidate) && candidate.product === info.product,
      claimed,
      setup: (connection) => this.#switchAllOffAndCheck(connection),
      watchPresence: true,
      pollIntervalMs: options.pollIntervalMs ?? 1_000,
      backoffInitialMs: options.backoffInitialMs ?? 1_000,
      backoffMaxMs: options.backoffMaxMs ?? 30_000,
      onFault: (fault) => {
        this.#abandonPulses(fault);
        this.#faults.emit(fault);
      },
      onReady: () => this.#ready.emit(),
    });
  }

  get state(): HidKeeper['state'] {
    return this.#keeper.state;
  }

  /** Opens the board and switches every channel off: a relay left on by a crash does not stay on. */
  async start(): Promise<void> {
    await this.#keeper.open();
  }

  async pulse(channel: number, ms: number): Promise<void> {
    checkChannel(channel, this.channels);
    if (!Number.isFinite(ms) || ms <= 0 || ms > this.#maxPulseMs) {
      throw new RangeError(`pulse of ${ms} ms is not within 1–${this.#maxPulseMs} ms`);
    }
    const connection = this.#requireConnection();
    const deadline = Date.now() + ms;
    const active = this.#active.get(channel);
    if (active !== undefined) {
      // Already closed by an earlier pulse: keep it closed until the later of both ends, one off.
      if (deadline > active.deadline) this.#scheduleOff(channel, active, deadline);
      return new Promise((resolve, reject) => active.waiters.push({ resolve, reject }));
    }
    // Registered before the "on" goes out, so a second pulse meanwhile joins this one.
    const pulse: ActivePulse = { deadline, timer: undefined, waiters: [] };
    const done = new Promise<void>((resolve, reject) => pulse.waiters.push({ resolve, reject }));
    this.#active.set(channel, pulse);
    try {
      await this.#send(connection, relayOnReport(channel));
    } catch (error) {
      clearTimeout(pulse.timer);
      if (this.#active.get(channel) === pulse) this.#active.delete(channel);
      for (const waiter of pulse.waiters) waiter.reject(error);
      return done;
    }
    // allOff() or a fault may have ended the pulse while the "on" was in flight.
    if (this.#active.get(channel) === pulse) this.#scheduleOff(channel, pulse, pulse.deadline);
    return done;
  }

  async allOff(): Promise<void> {
    const connection = this.#requireConnection();
    await this.#send(connection, relayAllOffReport());
    for (const pulse of this.#active.values()) {
      clearTimeout(pulse.timer);
      for (const waiter of pulse.waiters) waiter.resolve();
    }
    this.#active.clear();
  }

  /** The board's id and which channels are on, read back from the board (diagnostics, tests). */
  async readState(): Promise<RelayBoardState> {
    return this.#readState(this.#requireConnection());
  }

  onFault(listener: (fault: DeviceFault) => void): void {
    this.#faults.add(listener);
  }

  onReady(listener: () => void): void {
    this.#ready.add(listener);
  }

  /** All off, then release the board: the gate never stays open after the kiosk exits. */
  async close(): Promise<void> {
    const connection = this.#keeper.connection;
    let failure: unknown;
    if (connection !== undefined) {
      await this.#send(connection, relayAllOffReport()).catch((error: unknown) => (failure = error));
    }
    this.#abandonPulses(new DeviceFault('io', this.#info.id, 'relay closed'), true);
    await this.#keeper.close();
    this.#faults.clear();
    this.#ready.clear();
    if (failure !== undefined) throw failure;
  }

  #requireConnection(): HidConnection {
    const connection = this.#keeper.connection;
    // Never queued for later: a pulse that fires once the board is back would open the gate for nobody.
    if (connection === undefined) {
      throw new DeviceFault(this.#keeper.faultKind ?? 'unplugged', this.#info.id, `relay board ${this.#keeper.path} is not available (${this.#keeper.state})`);
    }
    return connection;
  }

  #scheduleOff(channel: number, pulse: ActivePulse, deadline: number): void {
    clearTimeout(pulse.timer);
    pulse.deadline = deadline;
    // Not unref()ed, unlike the polling timers: a pending "off" must run even if nothing else is left.
    pulse.timer = setTimeout(() => void this.#endPulse(channel, pulse), Math.max(0, deadline - Date.now()));
  }

  async #endPulse(channel: number, pulse: ActivePulse): Promise<void> {
    if (this.#active.get(channel) !== pulse) return;
    this.#active.delete(channel);
    const connection = this.#keeper.connection;
    try {
      if (connection === undefined) throw new DeviceFault('unplugged', this.#info.id, 'relay board gone before the pulse ended');
      await this.#send(connection, relayOffReport(channel));
      for (const waiter of pulse.waiters) waiter.resolve();
    } catch (error) {
      for (const waiter of pulse.waiters) waiter.reject(error);
    }
  }

  #abandonPulses(fault: DeviceFault, resolve = false): void {
    // The board is gone or closing: on reopen it is switched all off before anything else.
    for (const pulse of this.#active.values()) {
      clearTimeout(pulse.timer);
      for (const waiter of pulse.waiters) {
        if (resolve) waiter.resolve();
        else waiter.reject(fault);
      }
    }
    this.#active.clear();
  }

  #send(connection: HidConnection, report: Uint8Array): Promise<void> {
    const sent = this.#queue.then(async () => {
      try {
        await connection.sendFeatureReport(report);
      } catch (error) {
        throw await this.#writeFailed(connection, error);
      }
    });
    this.#queue = sent.catch(() => undefined);
    return sent;
  }

  /** A failed write: 'unplugged' if the board left enumeration, 'io' otherwise; the keeper reopens it. */
  async #writeFailed(connection: HidConnection, error: unknown): Promise<DeviceFault> {
    const path = this.#keeper.path;
    const present = await this.#binding.devices().then(
      (devices) => devices.some((device) => device.path === path),
      () => true,
    );
    const fault = new DeviceFault(present ? 'io' : 'unplugged', this.#info.id, `cannot switch relay board ${path}: ${messageOf(error)}`, { cause: error });
    this.#keeper.lost(fault.kind, fault.message, error, connection);
    return fault;
  }

  async #readState(connection: HidConnection): Promise<RelayBoardState> {
    let report: Uint8Array;
    try {
      report = await connection.getFeatureReport(0, RELAY_FEATURE_REPORT_LENGTH);
    } catch (error) {
      throw new DeviceFault('io', this.#info.id, `cannot read relay board state: ${messageOf(error)}`, { cause: error });
    }
    const state = parseRelayState(report, this.channels);
    if (state === undefined) throw new DeviceFault('protocol', this.#info.id, `relay board answered ${report.length} bytes to GET_REPORT`);
    return state;
  }

  /** Setup of every (re)open: all off, read back, and the same board as before. */
  async #switchAllOffAndCheck(connection: HidConnection): Promise<void> {
    try {
      await connection.sendFeatureReport(relayAllOffReport());
    } catch (error) {
      throw new DeviceFault('io', this.#info.id, `cannot switch relay board off: ${messageOf(error)}`, { cause: error });
    }
    const state = await this.#readState(connection);
    if (state.on.some((on) => on)) {
      throw new DeviceFault('protocol', this.#info.id, `relay board still reports channels on after "all off": ${state.on.map(Number).join('')}`);
    }
    if (this.#boardId !== undefined && state.boardId !== this.#boardId) {
      throw new DeviceFault('protocol', this.#info.id, `a different relay board (${state.boardId}, expected ${this.#boardId}) is on this port`);
    }
    this.#boardId = state.boardId;
  }
}
