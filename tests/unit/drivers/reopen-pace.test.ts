import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeHidBinding } from '../../../drivers/hid/fake-hid-binding.js';
import type { HidBinding } from '../../../drivers/hid/hid-binding.js';
import { hidKeeper } from '../../../drivers/hid/hid-keeper.js';
import { FakeSerialTransport } from '../../../drivers/serial/fake-serial-transport.js';
import { serialKeeper, SERIAL_REOPEN_BACKOFF } from '../../../drivers/serial/serial-keeper.js';

// The default pace at which a lost local device is reopened while opening keeps failing: the
// keepers take platform/backoff.ts's window without jitter, and the numbers are the drivers'
// own (serial 250 ms → 2 s, HID 1 s → 30 s).
describe('reopen pace of a lost device, by default', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('HID: looked for after 1 s, then failed opens back off 1 s, 2 s, 4 s… up to 30 s', async () => {
    const fake = new FakeHidBinding();
    const device = fake.plug({ path: '/dev/hidraw0', vendorId: 0x0c2e, productId: 0x0b87 });
    const opens: number[] = [];
    let refuse = false;
    const binding: HidBinding = {
      devices: () => fake.devices(),
      open: async (path) => {
        opens.push(Date.now());
        if (refuse) throw new Error('EACCES: permission denied');
        return fake.open(path);
      },
    };
    const keeper = hidKeeper({
      binding,
      deviceId: 'hid-1',
      path: '/dev/hidraw0',
      matches: () => true,
      claimed: new Set(),
      setup: async () => undefined,
      watchPresence: false,
      timings: {},
      onFault: () => undefined,
      onReady: () => undefined,
    });
    await keeper.open();
    refuse = true;
    const lostAt = Date.now();
    device.failRead(new Error('read error'));
    await vi.advanceTimersByTimeAsync(92_000);
    expect(opens.slice(1).map((at) => at - lostAt)).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 62_000, 92_000]);
    await keeper.close();
  });

  it('serial: reopened after 250 ms, then failed opens back off 500 ms, 1 s, 2 s, 2 s', async () => {
    expect(SERIAL_REOPEN_BACKOFF).toEqual({ minMs: 250, maxMs: 2_000 });
    const transport = new FakeSerialTransport();
    transport.plug({ path: '/dev/ttyACM0' });
    const keeper = serialKeeper({
      transport,
      path: '/dev/ttyACM0',
      settings: { baudRate: 9600, dataBits: 8, parity: 'none', stopBits: 1 },
      backoff: SERIAL_REOPEN_BACKOFF,
      setup: async () => undefined,
      onData: () => undefined,
      onFault: () => undefined,
      onReady: () => undefined,
    });
    await keeper.open();
    const before = transport.openAttempts;
    transport.unplug('/dev/ttyACM0');
    await vi.advanceTimersByTimeAsync(250 + 500 + 1_000 + 2_000 + 2_000);
    expect(transport.openAttempts - before).toBe(5);
    await vi.advanceTimersByTimeAsync(1_999);
    expect(transport.openAttempts - before).toBe(5);
    await vi.advanceTimersByTimeAsync(1);
    expect(transport.openAttempts - before).toBe(6);
    await keeper.close();
  });
});
