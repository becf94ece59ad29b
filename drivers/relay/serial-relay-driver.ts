import { DeviceFault, type DeviceInfo, type RelayDriver, type RelayHandle } from '../device.js';
import { Listeners } from '../listeners.js';
import { messageOf, SerialKeeper, type Backoff } from '../serial/serial-keeper.js';
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
  readonly reopenBackoff?: Backoff;
}

export const DEFAULT_RELAY_MAX_PULSE_MS = 10_000;
const DEFAULT_RELAY_BACKOFF: Backoff = { initialMs: 250, maxMs: 2_000 };

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

interface ActivePulse {
  deadline: number;
  timer: ReturnType<typeof setTimeout> | undefined;
  readonly waiters: { resolve: () => void; reject: (error: unknown) => void }[];
}

export class SerialRelayHandle implements RelayHandle {
  readonly channels: number;
  readonly #info: DeviceInfo;
  readonly #protocol: SerialRelayProtocol;
  readonly #keeper: SerialKeeper;
  readonly #maxPulseMs: number;
  readonly #active = new Map<number, ActivePulse>();
  readonly #faults = new Listeners<[DeviceFault]>();
  readonly #ready = new Listeners<[]>();
  /** Frames go out one at a time, in order (an off never overtakes its on). */
  #queue: Promise<unknown> = Promise.resolve();

  constructor(info: DeviceInfo, options: SerialRelayDriverOptions) {
    this.#info = info;
    this.#protocol = options.protocol;
    this.channels = options.channels ?? 1;
    this.#maxPulseMs = options.maxPulseMs ?? DEFAULT_RELAY_MAX_PULSE_MS;
    this.#keeper = new SerialKeeper({
      transport: options.transport,
      path: info.id,
      settings: options.settings ?? SERIAL_9600_8N1,
      backoff: options.reopenBackoff ?? DEFAULT_RELAY_BACKOFF,
      // Every open and reopen: a relay left on by a crash or a power cut does not stay on.
      setup: (connection) => this.#writeAllOff(connection),
      // Neither board kind is read: a Modbus echo or a stray byte changes nothing.
      onData: () => undefined,
      onFault: (fault) => {
        this.#abandonPulses(fault);
        this.#faults.emit(fault);
      },
      onReady: () => this.#ready.emit(),
    });
  }

  get state(): SerialKeeper['state'] {
    return this.#keeper.state;
  }

  /** Opens the port and switches every channel off before the board counts as ready. */
  async start(): Promise<void> {
    await this.#keeper.open();
  }

  async pulse(channel: number, ms: number): Promise<void> {
    if (!Number.isInteger(channel) || channel < 1 || channel > this.channels) {
      throw new RangeError(`relay channel must be 1–${this.channels}: ${channel}`);
    }
    if (!Number.isFinite(ms) || ms <= 0 || ms > this.#maxPulseMs) throw new RangeError(`pulse of ${ms} ms is not within 1–${this.#maxPulseMs} ms`);
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
      await this.#send(connection, this.#frame(channel, true));
    } catch (error) {
      if (this.#active.get(channel) === pulse) this.#active.delete(channel);
      clearTimeout(pulse.timer);
      for (const waiter of pulse.waiters) waiter.reject(error);
      return done;
    }
    // allOff() or a fault may have ended the pulse while the "on" was in flight.
    if (this.#active.get(channel) === pulse) this.#scheduleOff(channel, pulse, pulse.deadline);
    return done;
  }

  async allOff(): Promise<void> {
    const connection = this.#requireConnection();
    for (const pulse of this.#active.values()) clearTimeout(pulse.timer);
    const ended = [...this.#active.values()];
    this.#active.clear();
    await this.#sendAllOff(connection);
    for (const pulse of ended) for (const waiter of pulse.waiters) waiter.resolve();
  }

  onFault(listener: (fault: DeviceFault) => void): void {
    this.#faults.add(listener);
  }

  onReady(listener: () => void): void {
    this.#ready.add(listener);
  }

  /** All off, then release the port: the gate never stays open after the kiosk exits. */
  async close(): Promise<void> {
    const connection = this.#keeper.connection;
    let failure: unknown;
    this.#abandonPulses(new DeviceFault('io', this.#info.id, 'relay closed'), true);
    if (connection !== undefined) await this.#sendAllOff(connection).catch((error: unknown) => (failure = error));
    await this.#keeper.close();
    this.#faults.clear();
    this.#ready.clear();
    if (failure !== undefined) throw failure;
  }

  #frame(channel: number, on: boolean): Uint8Array {
    return this.#protocol.kind === 'ch340' ? ch340RelayFrame(channel, on) : modbusRelayFrame(this.#protocol.unitId, channel, on);
  }

  #requireConnection(): SerialConnection {
    const connection = this.#keeper.connection;
    // Never queued for later: a pulse that fires once the board is back would open the gate for nobody.
    if (connection === undefined) {
      throw new DeviceFault(this.#keeper.faultKind ?? 'unplugged', this.#info.id, `relay ${this.#info.id} is not available (${this.#keeper.state})`);
    }
    return connection;
  }

  #scheduleOff(channel: number, pulse: ActivePulse, deadline: number): void {
    clearTimeout(pulse.timer);
    pulse.deadline = deadline;
    // Not unref()ed: a pending "off" must run even if nothing else is left.
    pulse.timer = setTimeout(() => void this.#endPulse(channel, pulse), Math.max(0, deadline - Date.now()));
  }

  async #endPulse(channel: number, pulse: ActivePulse): Promise<void> {
    if (this.#active.get(channel) !== pulse) return;
    this.#active.delete(channel);
    const connection = this.#keeper.connection;
    try {
      if (connection === undefined) throw new DeviceFault('unplugged', this.#info.id, 'relay gone before the pulse ended');
      await this.#send(connection, this.#frame(channel, false));
      for (const waiter of pulse.waiters) waiter.resolve();
    } catch (error) {
      for (const waiter of pulse.waiters) waiter.reject(error);
    }
  }

  #abandonPulses(fault: DeviceFault, resolve = false): void {
    // The port is gone or closing: on reopen every channel is switched off before anything else.
    for (const pulse of this.#active.values()) {
      clearTimeout(pulse.timer);
      for (const waiter of pulse.waiters) {
        if (resolve) waiter.resolve();
        else waiter.reject(fault);
      }
    }
    this.#active.clear();
  }

  #sendAllOff(connection: SerialConnection): Promise<void> {
    // Neither protocol has an "all off" that every board understands: one off per channel.
    return this.#send(connection, this.#allOffBytes());
  }

  #allOffBytes(): Uint8Array {
    const frames = Array.from({ length: this.channels }, (_, i) => this.#frame(i + 1, false));
    const bytes = new Uint8Array(frames.reduce((sum, frame) => sum + frame.length, 0));
    let offset = 0;
    for (const frame of frames) {
      bytes.set(frame, offset);
      offset += frame.length;
    }
    return bytes;
  }

  /** Setup of every (re)open, before the keeper counts the board as ready (not queued: nothing else runs yet). */
  async #writeAllOff(connection: SerialConnection): Promise<void> {
    try {
      await connection.write(this.#allOffBytes());
    } catch (error) {
      throw new DeviceFault('io', this.#info.id, `cannot switch relay ${this.#info.id} off: ${messageOf(error)}`, { cause: error });
    }
  }

  #send(connection: SerialConnection, frame: Uint8Array): Promise<void> {
    const sent = this.#queue.then(async () => {
      try {
        await connection.write(frame);
      } catch (error) {
        const fault = new DeviceFault('io', this.#info.id, `cannot switch relay ${this.#info.id}: ${messageOf(error)}`, { cause: error });
        this.#keeper.lost('io', fault.message, error, connection);
        throw fault;
      }
    });
    this.#queue = sent.catch(() => undefined);
    return sent;
  }
}

/**
 * For the kiosk's exit path (SIGTERM, window closed, `process.on('exit')` is too late for
 * async writes): every relay all off, then closed, each bounded by `timeoutMs` so a hung
 * port cannot hold the exit. A crash that skips this is covered by open(): every open and
 * reopen switches all channels off before the relay counts as ready.
 */
export async function switchOffRelaysOnExit(handles: Iterable<RelayHandle>, timeoutMs = 1_000): Promise<void> {
  await Promise.all(
    [...handles].map(async (handle) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, timeoutMs);
      });
      const release = (async () => {
        await handle.allOff().catch(() => undefined);
        await handle.close().catch(() => undefined);
      })();
      await Promise.race([release, timeout]);
      clearTimeout(timer);
    }),
  );
}
