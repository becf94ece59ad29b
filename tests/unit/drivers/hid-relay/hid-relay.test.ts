import { describe, expect, it, vi } from 'vitest';
import type { DeviceFault, DeviceInfo } from '../../../../drivers/device.js';
import { FakeHidBinding } from '../../../../drivers/hid/fake-hid-binding.js';
import { FakeUsbRelayBoard } from '../../../../drivers/hid-relay/fake-usb-relay-board.js';
import { HidRelayDriver } from '../../../../drivers/hid-relay/hid-relay.js';
import { parseRelayState, relayChannelCount } from '../../../../drivers/hid-relay/usb-relay-protocol.js';

const PATH = '/dev/hidraw6';
const FAST = { pollIntervalMs: 5, backoffInitialMs: 5, backoffMaxMs: 20 };

// Byte-exact feature reports (report id 0 + 8 bytes), as the references send them.
const ALL_OFF = [0x00, 0xfc, 0, 0, 0, 0, 0, 0, 0];
const ON_1 = [0x00, 0xff, 1, 0, 0, 0, 0, 0, 0];
const OFF_1 = [0x00, 0xfd, 1, 0, 0, 0, 0, 0, 0];
const ON_2 = [0x00, 0xff, 2, 0, 0, 0, 0, 0, 0];
const OFF_2 = [0x00, 0xfd, 2, 0, 0, 0, 0, 0, 0];

function sent(board: FakeUsbRelayBoard): number[][] {
  return board.device.featureReportsSent.map((report) => [...report]);
}

async function openBoard(options: { channels?: number; initialMask?: number; maxPulseMs?: number } = {}) {
  const binding = new FakeHidBinding();
  const board = FakeUsbRelayBoard.plug(binding, PATH, options.channels ?? 2, { initialMask: options.initialMask ?? 0 });
  const driver = new HidRelayDriver(binding, { ...FAST, maxPulseMs: options.maxPulseMs ?? 10_000 });
  const [info] = await driver.list();
  const handle = await driver.open(info as DeviceInfo);
  const faults: DeviceFault[] = [];
  let ready = 0;
  handle.onFault((fault) => faults.push(fault));
  handle.onReady(() => (ready += 1));
  return { binding, board, driver, info: info as DeviceInfo, handle, faults, ready: () => ready };
}

describe('USBRelayN protocol', () => {
  it('takes the channel count from the product string only', () => {
    expect(relayChannelCount('USBRelay1')).toBe(1);
    expect(relayChannelCount('USBRelay8')).toBe(8);
    expect(relayChannelCount('USBRelay9')).toBeUndefined();
    expect(relayChannelCount('USBasp')).toBeUndefined();
    expect(relayChannelCount(undefined)).toBeUndefined();
  });

  it('parses GET_REPORT with or without the report id byte', () => {
    const data = [0x48, 0x55, 0x52, 0x54, 0x4d, 0, 0, 0b10];
    expect(parseRelayState(Uint8Array.from([0, ...data]), 2)).toEqual({ boardId: 'HURTM', on: [false, true] });
    expect(parseRelayState(Uint8Array.from(data), 2)).toEqual({ boardId: 'HURTM', on: [false, true] });
    expect(parseRelayState(Uint8Array.from([0, 1, 2]), 2)).toBeUndefined();
  });
});

describe('HidRelayDriver', () => {
  it('lists USBRelayN boards only, not other V-USB devices on the shared 16c0:05df', async () => {
    const binding = new FakeHidBinding();
    FakeUsbRelayBoard.plug(binding, PATH, 4);
    binding.plug({ path: '/dev/hidraw9', vendorId: 0x16c0, productId: 0x05df, product: 'DigiUSB' });
    expect(await new HidRelayDriver(binding).list()).toEqual<DeviceInfo[]>([
      { id: PATH, kind: 'hid-relay', vendorId: '16c0', productId: '05df', manufacturer: 'www.dcttech.com', product: 'USBRelay4', serialNumber: undefined },
    ]);
  });

  it('switches every channel off on open, and checks it', async () => {
    const { board, handle } = await openBoard({ initialMask: 0b11 });
    expect(sent(board)).toEqual([ALL_OFF]);
    expect(board.mask).toBe(0);
    expect(await handle.readState()).toEqual({ boardId: 'CHOT1', on: [false, false] });
  });

  it('refuses a board that still reports channels on after "all off"', async () => {
    const binding = new FakeHidBinding();
    const board = FakeUsbRelayBoard.plug(binding, PATH, 2);
    board.device.onFeatureReport = undefined; // a board that ignores commands
    board.device.featureReportResponder = () => Uint8Array.from([0, 0x43, 0x48, 0x4f, 0x54, 0x31, 0, 0, 0b01]);
    const driver = new HidRelayDriver(binding, FAST);
    const [info] = await driver.list();
    await expect(driver.open(info as DeviceInfo)).rejects.toMatchObject({ kind: 'protocol' });
    expect(board.device.openConnections).toBe(0);
  });

  it('pulses: on, then off after the given time — never latched', async () => {
    const { board, handle } = await openBoard();
    const started = Date.now();
    await handle.pulse(1, 40);
    expect(Date.now() - started).toBeGreaterThanOrEqual(35);
    // Power-on, all off at open, channel 1 on, off again.
    expect(board.history).toEqual([0, 0, 0b01, 0]);
    expect(sent(board)).toEqual([ALL_OFF, ON_1, OFF_1]);
  });

  it('keeps a channel closed until the later of two overlapping pulses, with one on and one off', async () => {
    const { board, handle } = await openBoard();
    const first = handle.pulse(2, 20);
    const second = handle.pulse(2, 60);
    await first;
    await second;
    expect(sent(board)).toEqual([ALL_OFF, ON_2, OFF_2]);
    const third = handle.pulse(1, 10);
    await third;
    expect(sent(board).slice(3)).toEqual([ON_1, OFF_1]);
  });

  it('refuses bad channels and durations without sending anything', async () => {
    const { board, handle } = await openBoard({ maxPulseMs: 5_000 });
    await expect(handle.pulse(0, 100)).rejects.toThrow(RangeError);
    await expect(handle.pulse(3, 100)).rejects.toThrow(RangeError);
    await expect(handle.pulse(1.5, 100)).rejects.toThrow(RangeError);
    await expect(handle.pulse(1, 0)).rejects.toThrow(RangeError);
    await expect(handle.pulse(1, 5_001)).rejects.toThrow(RangeError);
    await expect(handle.pulse(1, Number.POSITIVE_INFINITY)).rejects.toThrow(RangeError);
    expect(sent(board)).toEqual([ALL_OFF]);
  });

  it('allOff() ends running pulses at once', async () => {
    const { board, handle } = await openBoard();
    const pulse = handle.pulse(1, 5_000);
    await vi.waitFor(() => expect(board.isOn(1)).toBe(true));
    await handle.allOff();
    await pulse;
    expect(sent(board)).toEqual([ALL_OFF, ON_1, ALL_OFF]);
  });

  it('a pulse started while allOff() is in flight is its own pulse: on after the all off, then its own off', async () => {
    const { board, handle } = await openBoard();
    const allOff = handle.allOff();
    const pulse = handle.pulse(2, 5);
    await allOff;
    await pulse;
    // All off did not swallow the later pulse: the relay it closed is open again.
    expect(sent(board)).toEqual([ALL_OFF, ALL_OFF, ON_2, OFF_2]);
    expect(board.mask).toBe(0);
    await handle.close();
  });

  it('close() switches everything off and releases the board', async () => {
    const { board, handle } = await openBoard();
    const pulse = handle.pulse(1, 5_000);
    await vi.waitFor(() => expect(board.isOn(1)).toBe(true));
    await handle.close();
    await pulse;
    expect(board.mask).toBe(0);
    expect(sent(board)).toEqual([ALL_OFF, ON_1, ALL_OFF]);
    expect(board.device.openConnections).toBe(0);
    expect(handle.state).toBe('closed');
  });
});

describe('HidRelayDriver faults', () => {
  it('notices an unplug by polling, refuses pulses meanwhile, and comes back all off', async () => {
    const { binding, board, handle, faults, ready } = await openBoard();
    binding.unplug(PATH);
    await vi.waitFor(() => expect(faults.map((fault) => fault.kind)).toEqual(['unplugged']));
    // Never queued: a pulse that fired later would open the gate for nobody.
    await expect(handle.pulse(1, 100)).rejects.toMatchObject({ name: 'DeviceFault', kind: 'unplugged' });
    const back = FakeUsbRelayBoard.plug(binding, '/dev/hidraw7', 2, { initialMask: 0b01 });
    await vi.waitFor(() => expect(ready()).toBe(1));
    expect(sent(back)).toEqual([ALL_OFF]);
    expect(back.mask).toBe(0);
    expect(sent(board)).toEqual([ALL_OFF]);
    await handle.pulse(1, 5);
    expect(sent(back)).toEqual([ALL_OFF, ON_1, OFF_1]);
  });

  it('turns a failed write into a typed fault and rejects the pulse', async () => {
    const { board, handle, faults } = await openBoard();
    board.device.sendFeatureReportError = new Error('could not send feature report to device');
    await expect(handle.pulse(1, 100)).rejects.toMatchObject({ kind: 'io' });
    expect(faults.map((fault) => fault.kind)).toEqual(['io']);
    expect(handle.state).toBe('fault');
  });

  it('refuses a different board plugged in where the first one was', async () => {
    const { binding, handle, faults, ready } = await openBoard();
    binding.unplug(PATH);
    FakeUsbRelayBoard.plug(binding, PATH, 2, { boardId: 'OTHER' });
    await vi.waitFor(() => expect(faults.map((fault) => fault.kind)).toEqual(['unplugged', 'protocol']));
    expect(ready()).toBe(0);
    expect(handle.state).toBe('fault');
    await handle.close();
  });
});
