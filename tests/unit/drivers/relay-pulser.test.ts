import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DeviceFault } from '../../../drivers/device.js';
import { RelayPulser, type RelayPort } from '../../../drivers/relay-pulser.js';

/**
 * A port whose commands stay in flight until the test completes them: the order the board
 * sees and what happens meanwhile are what the pulser promises.
 */
class ScriptedPort implements RelayPort {
  /** Commands as the board received them ("on 1", "off 2", "all off"), in order. */
  readonly received: string[] = [];
  readonly #pending: { command: string; done: () => void; fail: (error: Error) => void }[] = [];
  available = true;
  /** When false, commands complete at once. */
  holding = false;

  requireReady(): void {
    if (!this.available) throw new DeviceFault('unplugged', 'board', 'board is gone');
  }

  send(channel: number, on: boolean): Promise<void> {
    return this.#command(`${on ? 'on' : 'off'} ${channel}`);
  }

  allOff(): Promise<void> {
    return this.#command('all off');
  }

  /** How many commands are in flight at once: the pulser must never have more than one. */
  inFlight(): number {
    return this.#pending.length;
  }

  /** Completes the command in flight (waiting the few microtasks the pulser's queue takes to issue it). */
  async complete(error?: Error): Promise<void> {
    for (let turn = 0; turn < 20 && this.#pending.length === 0; turn += 1) await Promise.resolve();
    const next = this.#pending.shift();
    if (next === undefined) throw new Error('no command in flight');
    this.received.push(next.command);
    if (error === undefined) next.done();
    else next.fail(error);
  }

  #command(command: string): Promise<void> {
    if (this.#pending.length > 0) throw new Error(`"${command}" sent while "${this.#pending[0]?.command}" is in flight`);
    if (!this.holding) {
      this.received.push(command);
      return Promise.resolve();
    }
    return new Promise((done, fail) => this.#pending.push({ command, done, fail }));
  }
}

async function settled(promise: Promise<unknown>): Promise<'resolved' | 'rejected' | 'pending'> {
  const marker = Symbol('pending');
  const result = await Promise.race([
    promise.then(
      () => 'resolved' as const,
      () => 'rejected' as const,
    ),
    Promise.resolve().then(() => marker),
  ]);
  return result === marker ? 'pending' : (result as 'resolved' | 'rejected');
}

describe('RelayPulser', () => {
  let port: ScriptedPort;
  let pulser: RelayPulser;

  beforeEach(() => {
    vi.useFakeTimers();
    port = new ScriptedPort();
    pulser = new RelayPulser(port, { channels: 2, maxPulseMs: 5_000 });
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  it('a pulse is on, wait, off; it resolves once the off has reached the board', async () => {
    const pulse = pulser.pulse(1, 1_000);
    await vi.advanceTimersByTimeAsync(999);
    expect(port.received).toEqual(['on 1']);
    expect(await settled(pulse)).toBe('pending');
    await vi.advanceTimersByTimeAsync(1);
    await pulse;
    expect(port.received).toEqual(['on 1', 'off 1']);
  });

  it('an overlapping pulse extends the first to the later end: one on, one off, both resolve then', async () => {
    const first = pulser.pulse(1, 1_000);
    await vi.advanceTimersByTimeAsync(500);
    const second = pulser.pulse(1, 1_000);
    await vi.advanceTimersByTimeAsync(600);
    expect(port.received).toEqual(['on 1']);
    expect(await settled(first)).toBe('pending');
    await vi.advanceTimersByTimeAsync(400);
    await Promise.all([first, second]);
    expect(port.received).toEqual(['on 1', 'off 1']);
  });

  it('a shorter overlapping pulse does not shorten the running one', async () => {
    const first = pulser.pulse(1, 2_000);
    const second = pulser.pulse(1, 100);
    await vi.advanceTimersByTimeAsync(1_999);
    expect(port.received).toEqual(['on 1']);
    await vi.advanceTimersByTimeAsync(1);
    await Promise.all([first, second]);
    expect(port.received).toEqual(['on 1', 'off 1']);
  });

  it('refuses channels and durations outside the limits, and an unavailable board, without sending anything', async () => {
    await expect(pulser.pulse(0, 100)).rejects.toThrow(RangeError);
    await expect(pulser.pulse(3, 100)).rejects.toThrow(/1–2/);
    await expect(pulser.pulse(1.5, 100)).rejects.toThrow(RangeError);
    await expect(pulser.pulse(1, 0)).rejects.toThrow(RangeError);
    await expect(pulser.pulse(1, 5_001)).rejects.toThrow(/1–5000 ms/);
    await expect(pulser.pulse(1, Number.NaN)).rejects.toThrow(RangeError);
    port.available = false;
    await expect(pulser.pulse(1, 100)).rejects.toMatchObject({ kind: 'unplugged' });
    await expect(pulser.allOff()).rejects.toMatchObject({ kind: 'unplugged' });
    expect(port.received).toEqual([]);
  });

  it('commands go to the board one at a time, in order: an off never overtakes its on', async () => {
    port.holding = true;
    const one = pulser.pulse(1, 10);
    const two = pulser.pulse(2, 10);
    await vi.advanceTimersByTimeAsync(50);
    expect(port.inFlight()).toBe(1);
    await port.complete();
    await vi.advanceTimersByTimeAsync(50);
    await port.complete();
    await vi.advanceTimersByTimeAsync(50);
    await port.complete();
    await vi.advanceTimersByTimeAsync(50);
    await port.complete();
    await Promise.all([one, two]);
    expect(port.received).toEqual(['on 1', 'on 2', 'off 1', 'off 2']);
  });

  it('allOff(): pending offs are cancelled first, the running pulses resolve once all off reached the board', async () => {
    const pulse = pulser.pulse(1, 1_000);
    await vi.advanceTimersByTimeAsync(0);
    port.holding = true;
    const allOff = pulser.allOff();
    // The cancelled pulse's off never goes out, even once its time has come.
    await vi.advanceTimersByTimeAsync(2_000);
    expect(await settled(pulse)).toBe('pending');
    await port.complete();
    await allOff;
    await pulse;
    expect(port.received).toEqual(['on 1', 'all off']);
    expect(port.inFlight()).toBe(0);
  });

  it('allOff(): a pulse started while all off is in flight is a new pulse, with its own on after it and its own off', async () => {
    port.holding = true;
    const allOff = pulser.allOff();
    const pulse = pulser.pulse(2, 100);
    await port.complete();
    await allOff;
    await vi.advanceTimersByTimeAsync(0);
    await port.complete();
    await vi.advanceTimersByTimeAsync(100);
    await port.complete();
    await pulse;
    expect(port.received).toEqual(['all off', 'on 2', 'off 2']);
  });

  it('allOff() that fails rejects the pulses it ended, not leaves them hanging', async () => {
    const pulse = pulser.pulse(1, 1_000);
    await vi.advanceTimersByTimeAsync(0);
    port.holding = true;
    const allOff = pulser.allOff();
    await port.complete(new Error('EIO'));
    await expect(allOff).rejects.toThrow('EIO');
    await expect(pulse).rejects.toThrow('EIO');
  });

  it('close(): pending offs cancelled first, then all off reaches the board before close resolves; pulses resolve', async () => {
    const pulse = pulser.pulse(1, 1_000);
    await vi.advanceTimersByTimeAsync(0);
    port.holding = true;
    const close = pulser.close(true);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(await settled(close)).toBe('pending');
    await port.complete();
    await close;
    await pulse;
    expect(port.received).toEqual(['on 1', 'all off']);
  });

  it('close() of an unreachable board sends nothing and still ends the pulses', async () => {
    const pulse = pulser.pulse(1, 1_000);
    await vi.advanceTimersByTimeAsync(0);
    await pulser.close(false);
    await pulse;
    await vi.advanceTimersByTimeAsync(2_000);
    expect(port.received).toEqual(['on 1']);
  });

  it('abandon(): a fault fails the running pulses and no off is sent to the lost board', async () => {
    const pulse = pulser.pulse(1, 1_000);
    await vi.advanceTimersByTimeAsync(0);
    const fault = new DeviceFault('unplugged', 'board', 'gone');
    pulser.abandon(fault);
    await expect(pulse).rejects.toBe(fault);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(port.received).toEqual(['on 1']);
  });

  it('an on that fails rejects the pulse and leaves no off pending', async () => {
    port.holding = true;
    const pulse = pulser.pulse(1, 100);
    await port.complete(new Error('EIO'));
    await expect(pulse).rejects.toThrow('EIO');
    await vi.advanceTimersByTimeAsync(1_000);
    expect(port.inFlight()).toBe(0);
    expect(port.received).toEqual(['on 1']);
  });
});
