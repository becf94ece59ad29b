import type { RelayHandle } from './device.js';

/**
 * How a relay board is switched, whatever carries the command (a serial frame, a HID feature
 * report). Each call is one command to the board; the pulser never issues two at once.
 */
export interface RelayPort {
  /**
   * Throws (a typed fault) when the board cannot be switched now. Checked before a pulse is
   * registered: a pulse is never queued for later, since one that fires once the board is back
   * would open the gate for nobody.
   */
  requireReady(): void;
  /** Switches one channel (1-based). Rejects when the board is not available or the write fails. */
  send(channel: number, on: boolean): Promise<void>;
  /** Switches every channel off. */
  allOff(): Promise<void>;
}

export interface RelayPulserOptions {
  readonly channels: number;
  /** Longest pulse accepted: a relay is never left closed for long, whatever the caller asks. */
  readonly maxPulseMs: number;
}

export const DEFAULT_RELAY_MAX_PULSE_MS = 10_000;

interface ActivePulse {
  deadline: number;
  timer: ReturnType<typeof setTimeout> | undefined;
  readonly waiters: { resolve: () => void; reject: (error: unknown) => void }[];
}

/**
 * Pulses the channels of one relay board: the part of every relay driver that is about time,
 * not bytes. A pulse is "on, wait, off"; a second pulse on a channel that is still on extends
 * it to the later of both ends with ONE off (a door held open by two quick scans does not
 * flicker); commands go to the board one at a time, in order, so an off never overtakes its on.
 */
export class RelayPulser {
  readonly channels: number;
  readonly #port: RelayPort;
  readonly #maxPulseMs: number;
  readonly #active = new Map<number, ActivePulse>();
  #queue: Promise<unknown> = Promise.resolve();

  constructor(port: RelayPort, options: RelayPulserOptions) {
    this.#port = port;
    this.channels = options.channels;
    this.#maxPulseMs = options.maxPulseMs;
  }

  /** Resolves when the channel is off again; rejects if the on or the off could not be sent. */
  async pulse(channel: number, ms: number): Promise<void> {
    if (!Number.isInteger(channel) || channel < 1 || channel > this.channels) {
      throw new RangeError(`relay channel must be 1–${this.channels}: ${channel}`);
    }
    if (!Number.isFinite(ms) || ms <= 0 || ms > this.#maxPulseMs) throw new RangeError(`pulse of ${ms} ms is not within 1–${this.#maxPulseMs} ms`);
    this.#port.requireReady();
    const deadline = Date.now() + ms;
    const active = this.#active.get(channel);
    if (active !== undefined) {
      if (deadline > active.deadline) this.#scheduleOff(channel, active, deadline);
      return new Promise((resolve, reject) => active.waiters.push({ resolve, reject }));
    }
    // Registered before the "on" goes out, so a second pulse meanwhile joins this one.
    const pulse: ActivePulse = { deadline, timer: undefined, waiters: [] };
    const done = new Promise<void>((resolve, reject) => pulse.waiters.push({ resolve, reject }));
    this.#active.set(channel, pulse);
    try {
      await this.#enqueue(() => this.#port.send(channel, true));
    } catch (error) {
      if (this.#active.get(channel) === pulse) this.#active.delete(channel);
      clearTimeout(pulse.timer);
      for (const waiter of pulse.waiters) waiter.reject(error);
      return done;
    }
    // allOff(), a fault or close() may have ended the pulse while the "on" was in flight.
    if (this.#active.get(channel) === pulse) this.#scheduleOff(channel, pulse, pulse.deadline);
    return done;
  }

  /**
   * Every channel off. The pending pulses are cancelled FIRST, then the command is queued:
   * a pulse that starts while it is in flight is a new pulse (its "on" goes out after the
   * all-off and its own "off" follows), never one silently ended with its relay left on.
   * The cancelled pulses resolve once the board has taken the command.
   */
  async allOff(): Promise<void> {
    this.#port.requireReady();
    const ended = this.#detachAll();
    try {
      await this.#enqueue(() => this.#port.allOff());
    } catch (error) {
      for (const pulse of ended) for (const waiter of pulse.waiters) waiter.reject(error);
      throw error;
    }
    for (const pulse of ended) for (const waiter of pulse.waiters) waiter.resolve();
  }

  /** The board is gone (a fault): pending pulses fail with `fault`; the board's reopen switches it all off. */
  abandon(fault: unknown): void {
    for (const pulse of this.#detachAll()) for (const waiter of pulse.waiters) waiter.reject(fault);
  }

  /**
   * For the handle's close(): pending pulses are cancelled, then — when the board is
   * reachable — all off is sent and awaited, so it has reached the board before the handle
   * releases its port and reports closed. Pending pulses resolve: closing ended them.
   */
  async close(reachable: boolean): Promise<void> {
    const ended = this.#detachAll();
    try {
      if (reachable) await this.#enqueue(() => this.#port.allOff());
    } finally {
      for (const pulse of ended) for (const waiter of pulse.waiters) waiter.resolve();
    }
  }

  #detachAll(): ActivePulse[] {
    const pulses = [...this.#active.values()];
    for (const pulse of pulses) clearTimeout(pulse.timer);
    this.#active.clear();
    return pulses;
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
    try {
      await this.#enqueue(() => this.#port.send(channel, false));
      for (const waiter of pulse.waiters) waiter.resolve();
    } catch (error) {
      for (const waiter of pulse.waiters) waiter.reject(error);
    }
  }

  #enqueue(command: () => Promise<void>): Promise<void> {
    const sent = this.#queue.then(command);
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
