import { messageOf } from '../../platform/message-of.js';
import { DeviceFault, type DeviceInfo, type RelayDriver } from '../device.js';
import { hidDeviceInfo, type HidBinding, type HidConnection, type HidDeviceDescriptor } from '../hid/hid-binding.js';
import { enumerateHid, hidKeeper, type HidKeeper, type HidKeeperTimings } from '../hid/hid-keeper.js';
import { KeptRelayHandle } from '../kept-relay-handle.js';
import { DEFAULT_RELAY_MAX_PULSE_MS } from '../relay-pulser.js';
import {
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

/** pollIntervalMs: presence polling while open, and hot-plug polling while away. */
export interface HidRelayOptions extends HidKeeperTimings {
  /** Longest pulse accepted: a relay is never left closed for long, whatever the caller asks. Default 10 s. */
  readonly maxPulseMs?: number;
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
    return devices.filter(isUsbRelayBoard).map((device) => hidDeviceInfo(device, 'hid-relay'));
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

export class HidRelayHandle extends KeptRelayHandle<HidConnection> {
  protected readonly keeper: HidKeeper;
  readonly #binding: HidBinding;
  readonly #info: DeviceInfo;
  /** The board's own id, learnt at the first open: a different board on the same port is refused. */
  #boardId: string | undefined;

  constructor(binding: HidBinding, info: DeviceInfo, channels: number, claimed: Set<string>, options: HidRelayOptions) {
    super(info.id, channels, options.maxPulseMs ?? DEFAULT_RELAY_MAX_PULSE_MS);
    this.#binding = binding;
    this.#info = info;
    this.keeper = hidKeeper({
      binding,
      deviceId: info.id,
      path: info.id,
      matches: (candidate) => isUsbRelayBoard(candidate) && candidate.product === info.product,
      claimed,
      setup: (connection) => this.#switchAllOffAndCheck(connection),
      watchPresence: true,
      timings: options,
      ...this.keeperEvents,
    });
  }

  /** The board's id and which channels are on, read back from the board (diagnostics, tests). */
  async readState(): Promise<RelayBoardState> {
    return this.#readState(this.requireConnection());
  }

  protected command(channel: number, on: boolean): Uint8Array {
    return on ? relayOnReport(channel) : relayOffReport(channel);
  }

  protected allOffCommand(): Uint8Array {
    return relayAllOffReport();
  }

  protected async write(connection: HidConnection, report: Uint8Array): Promise<void> {
    try {
      await connection.sendFeatureReport(report);
    } catch (error) {
      throw await this.#writeFailed(connection, error);
    }
  }

  /** A failed write: 'unplugged' if the board left enumeration, 'io' otherwise; the keeper reopens it. */
  async #writeFailed(connection: HidConnection, error: unknown): Promise<DeviceFault> {
    const path = this.keeper.path;
    const present = await this.#binding.devices().then(
      (devices) => devices.some((device) => device.path === path),
      () => true,
    );
    const fault = new DeviceFault(present ? 'io' : 'unplugged', this.#info.id, `cannot switch relay board ${path}: ${messageOf(error)}`, { cause: error });
    this.keeper.lost(fault.kind, fault.message, error, connection);
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
