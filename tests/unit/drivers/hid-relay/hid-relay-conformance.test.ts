import { describe, expect, it } from 'vitest';
import type { DeviceInfo } from '../../../../drivers/device.js';
import { FakeHidBinding } from '../../../../drivers/hid/fake-hid-binding.js';
import { NodeHidBinding } from '../../../../drivers/hid/node-hid-binding.js';
import { FakeUsbRelayBoard } from '../../../../drivers/hid-relay/fake-usb-relay-board.js';
import { HidRelayDriver, type HidRelayHandle } from '../../../../drivers/hid-relay/hid-relay.js';

/**
 * HID relay conformance: always against the emulated board, and against a real USBRelayN
 * board when CHOT_TEST_HID_RELAY names its hidraw path. The board's own read-back
 * (GET_REPORT) is the witness, so the same assertions hold for both. On a real board the
 * channel (CHOT_TEST_HID_RELAY_CHANNEL, default 1) clicks for 300 ms: disconnect the gate.
 */
interface RelayTarget {
  readonly driver: HidRelayDriver;
  readonly deviceId: string;
  readonly channel: number;
}

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function relayConformance(target: () => RelayTarget): void {
  async function open(current: RelayTarget): Promise<HidRelayHandle> {
    const info = (await current.driver.list()).find((device) => device.id === current.deviceId);
    if (info === undefined) throw new Error(`${current.deviceId} is not listed`);
    return current.driver.open(info as DeviceInfo);
  }

  it('lists the board as a hid-relay with its channel count in the product string', async () => {
    const current = target();
    const info = (await current.driver.list()).find((device) => device.id === current.deviceId);
    expect(info).toMatchObject({ kind: 'hid-relay', vendorId: '16c0', productId: '05df' });
    expect(info?.product).toMatch(/^USBRelay[1-8]$/);
  });

  it('opens with every channel off', async () => {
    const handle = await open(target());
    try {
      expect((await handle.readState()).on.every((on) => !on)).toBe(true);
    } finally {
      await handle.close();
    }
  });

  it('pulses a channel: on while the pulse lasts, off when it resolves', async () => {
    const current = target();
    const handle = await open(current);
    try {
      const pulse = handle.pulse(current.channel, 300);
      await pause(100);
      expect((await handle.readState()).on[current.channel - 1]).toBe(true);
      await pulse;
      expect((await handle.readState()).on.every((on) => !on)).toBe(true);
    } finally {
      await handle.close();
    }
  });

  it('leaves the board all off after close, even mid-pulse', async () => {
    const current = target();
    const handle = await open(current);
    const pulse = handle.pulse(current.channel, 5_000);
    await pause(50);
    await handle.close();
    await pulse;
    const again = await open(current);
    try {
      expect((await again.readState()).on.every((on) => !on)).toBe(true);
    } finally {
      await again.close();
    }
  });
}

describe('HID relay conformance: emulated USBRelay2 board', () => {
  relayConformance(() => {
    const binding = new FakeHidBinding();
    FakeUsbRelayBoard.plug(binding, '/dev/hidraw6', 2);
    return { driver: new HidRelayDriver(binding), deviceId: '/dev/hidraw6', channel: 1 };
  });
});

const REAL_RELAY = process.env['CHOT_TEST_HID_RELAY'];
const REAL_CHANNEL = Number(process.env['CHOT_TEST_HID_RELAY_CHANNEL'] ?? '1');
const realTitle =
  REAL_RELAY === undefined
    ? 'HID relay conformance: real board — skipped: set CHOT_TEST_HID_RELAY=/dev/hidrawN (and CHOT_TEST_HID_RELAY_CHANNEL) to run it'
    : `HID relay conformance: real board ${REAL_RELAY}, channel ${REAL_CHANNEL}`;

describe.skipIf(REAL_RELAY === undefined)(realTitle, () => {
  const driver = new HidRelayDriver(new NodeHidBinding());
  relayConformance(() => ({ driver, deviceId: REAL_RELAY ?? '', channel: REAL_CHANNEL }));
});
