import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DeviceFault, type DeviceInfo, type RelayHandle } from '../../../../drivers/device.js';
import { SerialRelayDriver, type SerialRelayHandle } from '../../../../drivers/relay/serial-relay-driver.js';
import { switchOffRelaysOnExit } from '../../../../drivers/relay-pulser.js';
import { FakeSerialTransport } from '../../../../drivers/serial/fake-serial-transport.js';

const PATH = '/dev/ttyUSB0';
const CH340: DeviceInfo = { id: PATH, kind: 'serial-relay' };
const MODBUS: DeviceInfo = { id: PATH, kind: 'modbus-relay' };

const ON1 = 'a00101a2';
const OFF1 = 'a00100a1';
const ON2 = 'a00201a3';
const OFF2 = 'a00200a2';

/** Every write to the port, as hex, one entry per write. */
const writes = (transport: FakeSerialTransport): string[] => transport.written(PATH).map((bytes) => Buffer.from(bytes).toString('hex'));

describe('SerialRelayDriver on the fake transport', () => {
  let transport: FakeSerialTransport;

  beforeEach(() => {
    vi.useFakeTimers();
    transport = new FakeSerialTransport();
    transport.plug({ path: PATH, vendorId: '1a86', productId: '7523' });
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  async function open(channels = 1, info = CH340): Promise<SerialRelayHandle> {
    const protocol = info.kind === 'serial-relay' ? ({ kind: 'ch340' } as const) : ({ kind: 'modbus', unitId: 1 } as const);
    return new SerialRelayDriver({ transport, protocol, channels, reopenBackoff: { minMs: 250, maxMs: 2_000 } }).open(info);
  }

  it('lists nothing: a CH340 relay cannot be told from any other CH340 port', async () => {
    expect(await new SerialRelayDriver({ transport, protocol: { kind: 'ch340' } }).list()).toEqual([]);
  });

  it('opens at 9600 8N1 and switches every channel off before it is ready', async () => {
    const relay = await open(2);
    expect(transport.opened).toEqual([{ path: PATH, settings: { baudRate: 9600, dataBits: 8, parity: 'none', stopBits: 1 } }]);
    expect(writes(transport)).toEqual([OFF1 + OFF2]);
    expect(relay.state).toBe('ready');
    await relay.close();
  });

  it('the first open rejects with a typed fault; a wrong kind is refused', async () => {
    const driver = new SerialRelayDriver({ transport, protocol: { kind: 'ch340' } });
    await expect(driver.open({ id: '/dev/ttyUSB9', kind: 'serial-relay' })).rejects.toMatchObject({ name: 'DeviceFault', kind: 'unplugged' });
    transport.failOpen(PATH);
    await expect(driver.open(CH340)).rejects.toMatchObject({ kind: 'open-failed' });
    await expect(driver.open(MODBUS)).rejects.toMatchObject({ kind: 'open-failed', message: /serial-relay/ });
    expect(() => new SerialRelayDriver({ transport, protocol: { kind: 'modbus', unitId: 0 } })).toThrow(/1–247/);
    expect(() => new SerialRelayDriver({ transport, protocol: { kind: 'ch340' }, channels: 9 })).toThrow(RangeError);
  });

  it('pulse: on, wait, off — and the promise resolves when the relay is open again', async () => {
    const relay = await open();
    let done = false;
    const pulse = relay.pulse(1, 500).then(() => (done = true));
    await vi.advanceTimersByTimeAsync(499);
    expect(writes(transport)).toEqual([OFF1, ON1]);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await pulse;
    expect(writes(transport)).toEqual([OFF1, ON1, OFF1]);
    await relay.close();
  });

  it('Modbus: the same pulse as function 05 frames', async () => {
    const relay = await open(1, MODBUS);
    const pulse = relay.pulse(1, 300);
    await vi.advanceTimersByTimeAsync(300);
    await pulse;
    expect(writes(transport)).toEqual(['010500000000cdca', '01050000ff008c3a', '010500000000cdca']);
    await relay.close();
  });

  it('overlapping pulses on one channel: closed until the later end, one on and one off', async () => {
    const relay = await open(2);
    const first = relay.pulse(1, 500);
    await vi.advanceTimersByTimeAsync(300);
    const second = relay.pulse(1, 500);
    // A shorter pulse inside a longer one changes nothing.
    const third = relay.pulse(1, 100);
    const other = relay.pulse(2, 100);
    await vi.advanceTimersByTimeAsync(499);
    expect(writes(transport)).toEqual([OFF1 + OFF2, ON1, ON2, OFF2]);
    await vi.advanceTimersByTimeAsync(1);
    await Promise.all([first, second, third, other]);
    expect(writes(transport)).toEqual([OFF1 + OFF2, ON1, ON2, OFF2, OFF1]);
    await relay.close();
  });

  it('refuses a pulse above maxPulseMs, of no length, or on a channel out of range — nothing written', async () => {
    const relay = await open(2);
    await expect(relay.pulse(1, 10_001)).rejects.toThrow(/1–10000 ms/);
    await expect(relay.pulse(1, 0)).rejects.toThrow(RangeError);
    await expect(relay.pulse(1, Number.POSITIVE_INFINITY)).rejects.toThrow(RangeError);
    await expect(relay.pulse(3, 500)).rejects.toThrow(/1–2/);
    await expect(relay.pulse(0, 500)).rejects.toThrow(RangeError);
    expect(writes(transport)).toEqual([OFF1 + OFF2]);
    await relay.close();
  });

  it('a pulse while the port is away is refused with unplugged, never queued; reopen switches all off, then onReady', async () => {
    const relay = await open();
    const faults: DeviceFault[] = [];
    let ready = 0;
    relay.onFault((fault) => faults.push(fault));
    relay.onReady(() => (ready += 1));
    const inFlight = relay.pulse(1, 1_000);
    await vi.advanceTimersByTimeAsync(10);
    transport.unplug(PATH);
    expect(faults.map((fault) => fault.kind)).toEqual(['unplugged']);
    // The pulse that was on when the port went away fails: nobody can say the gate opened and closed.
    await expect(inFlight).rejects.toMatchObject({ kind: 'unplugged' });
    const refused = await relay.pulse(1, 500).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(DeviceFault);
    expect(refused).toMatchObject({ kind: 'unplugged' });
    await expect(relay.allOff()).rejects.toMatchObject({ kind: 'unplugged' });
    const before = writes(transport).length;
    await vi.advanceTimersByTimeAsync(5_000);
    expect(writes(transport)).toHaveLength(before);
    transport.plug({ path: PATH });
    await vi.advanceTimersByTimeAsync(2_000);
    expect(ready).toBe(1);
    expect(faults).toHaveLength(1);
    // Reopened: all off first, and nothing of the refused pulse.
    expect(writes(transport).slice(before)).toEqual([OFF1]);
    await relay.close();
  });

  it('allOff() ends running pulses: one all-off, no later off, the pulses resolve', async () => {
    const relay = await open(2);
    const pulses = [relay.pulse(1, 1_000), relay.pulse(2, 1_000)];
    await vi.advanceTimersByTimeAsync(10);
    await relay.allOff();
    await Promise.all(pulses);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(writes(transport)).toEqual([OFF1 + OFF2, ON1, ON2, OFF1 + OFF2]);
    await relay.close();
  });

  it('close() switches all off, ends pulses, releases the port and leaves no timers', async () => {
    const relay = await open();
    const pulse = relay.pulse(1, 1_000);
    await vi.advanceTimersByTimeAsync(10);
    await relay.close();
    await pulse;
    expect(writes(transport)).toEqual([OFF1, ON1, OFF1]);
    expect(transport.openConnections(PATH)).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
    expect(relay.state).toBe('closed');
  });

  it('close() whose all off fails still releases the port, stops every timer and drops the listeners, then throws', async () => {
    const relay = await open();
    const faults: DeviceFault[] = [];
    relay.onFault((fault) => faults.push(fault));
    transport.failWrites(PATH);
    await expect(relay.close()).rejects.toMatchObject({ name: 'DeviceFault', kind: 'io' });
    expect(relay.state).toBe('closed');
    expect(transport.openConnections(PATH)).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
    const seen = faults.length;
    transport.failWrites(PATH, null);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(transport.openAttempts).toBe(1);
    expect(faults).toHaveLength(seen);
  });

  it('a failed write is an io fault: the pulse rejects, the port is reopened and switched all off', async () => {
    const relay = await open();
    const faults: DeviceFault[] = [];
    let ready = 0;
    relay.onFault((fault) => faults.push(fault));
    relay.onReady(() => (ready += 1));
    transport.failWrites(PATH);
    await expect(relay.pulse(1, 500)).rejects.toMatchObject({ name: 'DeviceFault', kind: 'io' });
    expect(faults.map((fault) => fault.kind)).toEqual(['io']);
    await expect(relay.pulse(1, 500)).rejects.toMatchObject({ kind: 'io' });
    // Reopening fails while writes fail (all off cannot be sent): no ready, no second fault.
    await vi.advanceTimersByTimeAsync(3_000);
    expect(ready).toBe(0);
    expect(faults).toHaveLength(1);
    transport.failWrites(PATH, null);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(ready).toBe(1);
    expect(writes(transport)).toEqual([OFF1, OFF1]);
    await relay.close();
  });

  it('switchOffRelaysOnExit: all off then closed, bounded even when a handle hangs', async () => {
    const relay = await open(2);
    const hung: RelayHandle = {
      pulse: async () => undefined,
      allOff: () => new Promise(() => undefined),
      onFault: () => undefined,
      close: () => new Promise(() => undefined),
    };
    const exit = switchOffRelaysOnExit([relay, hung], 1_000);
    await vi.advanceTimersByTimeAsync(1_000);
    await exit;
    expect(writes(transport)).toEqual([OFF1 + OFF2, OFF1 + OFF2, OFF1 + OFF2]);
    expect(relay.state).toBe('closed');
  });
});
