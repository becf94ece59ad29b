import type { BackoffWindow } from '../../platform/backoff.js';
import { messageOf } from '../../platform/message-of.js';
import { DeviceFault, type DeviceInfo, type RelayDriver } from '../device.js';
import { KeptRelayHandle } from '../kept-relay-handle.js';
import { DEFAULT_RELAY_MAX_PULSE_MS } from '../relay-pulser.js';
import { SERIAL_REOPEN_BACKOFF, serialKeeper, type SerialKeeper } from '../serial/serial-keeper.js';
import { SERIAL_9600_8N1, type SerialConnection, type SerialSettings, type SerialTransport } from '../serial/serial-transport.js';
import { ch340RelayFrame, CH340_RELAY_MAX_CHANNELS } from './ch340-relay-frames.js';
import { modbusRelayFrame } from './modbus-rtu-frames.js';

/** Which frames the board understands: a CH340 "A0" board, or a Modbus RTU board at `unitId`. */
export type SerialRelayProtocol = { readonly kind: 'ch340' } | { readonly kind: 'modbus'; readonly unitId: number };

export interface SerialRelayDriverOptions {
  readonly transport: SerialTransport;
  readonly protocol: SerialRelayProtocol;
  /** Default 9600 8N1. */
  readonly settings?: SerialSettings;
  /** Channels on the board (all of them are switched off at open). Default 1. */
  readonly channels?: number;
  /** Longest pulse accepted: a relay is never left closed for long, whatever the caller asks. Default 10 s. */
  readonly maxPulseMs?: number;
  /** Default 250 ms → 2 s: the gate works again soon after its cable is back. */
  readonly reopenBackoff?: BackoffWindow;
}

export class SerialRelayDriver implements RelayDriver {
  readonly #options: SerialRelayDriverOptions;

  constructor(options: SerialRelayDriverOptions) {
    const channels = options.channels ?? 1;
    const limit = options.protocol.kind === 'ch340' ? CH340_RELAY_MAX_CHANNELS : 256;
    if (!Number.isInteger(channels) || channels < 1 || channels > limit) throw new RangeError(`relay channels must be 1–${limit}: ${channels}`);
    // Fails here, at configuration, rather than at the first pulse.
    if (options.protocol.kind === 'modbus') modbusRelayFrame(options.protocol.unitId, 1, false);
    this.#options = options;
  }

  /**
   * Nothing: a CH340 relay board is a bare CH340 (1a86:7523) like many scanners, cables and
   * Arduinos, and a Modbus board sits behind any RS-485 adapter; guessing would switch a
   * stranger's device. Serial relays are always named (`--device serial-relay=PATH`).
   */
  async list(): Promise<DeviceInfo[]> {
    return [];
  }

  async open(info: DeviceInfo): Promise<SerialRelayHandle> {
    const expected = this.#options.protocol.kind === 'ch340' ? 'serial-relay' : 'modbus-relay';
    if (info.kind !== expected) throw new DeviceFault('open-failed', info.id, `not a ${expected}: ${info.kind}`);
    const handle = new SerialRelayHandle(info, this.#options);
    await handle.start();
    return handle;
  }
}

export class SerialRelayHandle extends KeptRelayHandle<SerialConnection> {
  protected readonly keeper: SerialKeeper;
  readonly #info: DeviceInfo;
  readonly #protocol: SerialRelayProtocol;

  constructor(info: DeviceInfo, options: SerialRelayDriverOptions) {
    super(info.id, options.channels ?? 1, options.maxPulseMs ?? DEFAULT_RELAY_MAX_PULSE_MS);
    this.#info = info;
    this.#protocol = options.protocol;
    this.keeper = serialKeeper({
      transport: options.transport,
      path: info.id,
      settings: options.settings ?? SERIAL_9600_8N1,
      backoff: options.reopenBackoff ?? SERIAL_REOPEN_BACKOFF,
      // Every open and reopen: a relay left on by a crash or a power cut does not stay on.
      setup: (connection) => this.#writeAllOff(connection),
      // Neither board kind is read: a Modbus echo or a stray byte changes nothing.
      onData: () => undefined,
      ...this.keeperEvents,
    });
  }

  protected command(channel: number, on: boolean): Uint8Array {
    return this.#protocol.kind === 'ch340' ? ch340RelayFrame(channel, on) : modbusRelayFrame(this.#protocol.unitId, channel, on);
  }

  /** Neither protocol has an "all off" that every board understands: one off per channel, in one write. */
  protected allOffCommand(): Uint8Array {
    const frames = Array.from({ length: this.channels }, (_, i) => this.command(i + 1, false));
    const bytes = new Uint8Array(frames.reduce((sum, frame) => sum + frame.length, 0));
    let offset = 0;
    for (const frame of frames) {
      bytes.set(frame, offset);
      offset += frame.length;
    }
    return bytes;
  }

  protected async write(connection: SerialConnection, frame: Uint8Array): Promise<void> {
    try {
      await connection.write(frame);
    } catch (error) {
      const fault = new DeviceFault('io', this.#info.id, `cannot switch relay ${this.#info.id}: ${messageOf(error)}`, { cause: error });
      this.keeper.lost('io', fault.message, error, connection);
      throw fault;
    }
  }

  /** Setup of every (re)open, before the keeper counts the board as ready (nothing else is sent yet). */
  async #writeAllOff(connection: SerialConnection): Promise<void> {
    try {
      await connection.write(this.allOffCommand());
    } catch (error) {
      throw new DeviceFault('io', this.#info.id, `cannot switch relay ${this.#info.id} off: ${messageOf(error)}`, { cause: error });
    }
  }
}
