import { describe, expect, it, vi } from 'vitest';
import type { DeviceFault, DeviceInfo } from '../../../../drivers/device.js';
import { FakeHidBinding } from '../../../../drivers/hid/fake-hid-binding.js';
import type { HidDeviceDescriptor } from '../../../../drivers/hid/hid-binding.js';
import { HidPosScannerDriver, type HidPosScanEvent } from '../../../../drivers/hid-pos/hid-pos-scanner.js';
import { CCCD_QR_TEXT, HONEYWELL_CCCD_REPORTS, NEWLAND_CCCD_REPORTS, NEWLAND_CCCD_TEXT } from './report-fixtures.js';

const HONEYWELL: HidDeviceDescriptor = {
  path: '/dev/hidraw3',
  vendorId: 0x0c2e,
  productId: 0x0b8f,
  usagePage: 0x8c,
  usage: 0x02,
  manufacturer: 'Honeywell Imaging & Mobility',
  product: '1400g',
  serialNumber: '17001B2C3D',
};
const NEWLAND: HidDeviceDescriptor = {
  path: '/dev/hidraw5',
  vendorId: 0x1eab,
  productId: 0x0d10,
  usagePage: 0x8c,
  usage: 0x02,
  product: 'NLS-FM420',
  serialNumber: '',
};

/** Fast timings: the behaviour is the same as the production seconds, the tests are not slower for it. */
const FAST = { pollIntervalMs: 5, backoffInitialMs: 5, backoffMaxMs: 20, reportGapMs: 30 };

async function openScanner(binding: FakeHidBinding, descriptor = HONEYWELL) {
  const driver = new HidPosScannerDriver(binding, FAST);
  const [info] = (await driver.list()).filter((device) => device.id === descriptor.path);
  if (info === undefined) throw new Error('scanner not listed');
  const handle = await driver.open(info);
  const scans: HidPosScanEvent[] = [];
  const faults: DeviceFault[] = [];
  let ready = 0;
  handle.onScan((scan) => scans.push(scan));
  handle.onFault((fault) => faults.push(fault));
  handle.onReady(() => (ready += 1));
  return { driver, info, handle, scans, faults, ready: () => ready };
}

function scanWith(binding: FakeHidBinding, path: string, reports: readonly (readonly number[])[]): void {
  const device = binding.device(path);
  if (device === undefined) throw new Error(`${path} is not plugged`);
  for (const report of reports) device.sendInputReport(report);
}

describe('HidPosScannerDriver.list', () => {
  it('lists the HID-POS interfaces (usage page 0x8C) and nothing else', async () => {
    const binding = new FakeHidBinding();
    binding.plug(HONEYWELL);
    // The same scanner's keyboard interface, a relay board, and a device enumerated without usages.
    binding.plug({ ...HONEYWELL, path: '/dev/hidraw2', usagePage: 0x01, usage: 0x06 });
    binding.plug({ path: '/dev/hidraw7', vendorId: 0x16c0, productId: 0x05df, product: 'USBRelay2' });
    binding.plug({ ...NEWLAND, usagePage: undefined, usage: undefined, path: '/dev/hidraw9' });
    const listed = await new HidPosScannerDriver(binding).list();
    expect(listed).toEqual<DeviceInfo[]>([
      {
        id: '/dev/hidraw3',
        kind: 'hid-pos-scanner',
        vendorId: '0c2e',
        productId: '0b8f',
        manufacturer: 'Honeywell Imaging & Mobility',
        product: '1400g',
        serialNumber: '17001B2C3D',
      },
    ]);
  });

  it('turns an enumeration failure into a typed fault', async () => {
    const binding = new FakeHidBinding();
    binding.devicesError = new Error('udev unavailable');
    await expect(new HidPosScannerDriver(binding).list()).rejects.toMatchObject({ name: 'DeviceFault', kind: 'io' });
  });
});

describe('HidPosScannerDriver scans', () => {
  it('emits one ScanEvent per bar code: UTF-8 text, raw bytes, AIM kept out of the text', async () => {
    const binding = new FakeHidBinding();
    binding.plug(HONEYWELL);
    const { scans, faults } = await openScanner(binding);
    scanWith(binding, HONEYWELL.path, HONEYWELL_CCCD_REPORTS);
    expect(faults).toEqual([]);
    expect(scans).toHaveLength(1);
    const [scan] = scans;
    expect(scan).toMatchObject({ source: { kind: 'hid-pos', deviceId: '/dev/hidraw3' }, text: CCCD_QR_TEXT, symbology: { aim: ']Q1', codeId: 's' } });
    expect(scan?.bytes).toEqual(new TextEncoder().encode(CCCD_QR_TEXT));
    expect(scan?.overflow).toBeUndefined();
    expect(Number.isNaN(Date.parse(scan?.at ?? ''))).toBe(false);
  });

  it('uses the Newland layout for a Newland scanner', async () => {
    const binding = new FakeHidBinding();
    binding.plug(NEWLAND);
    const { scans, handle } = await openScanner(binding, NEWLAND);
    expect(handle.layout.name).toBe('newland');
    scanWith(binding, NEWLAND.path, NEWLAND_CCCD_REPORTS);
    expect(scans.map((scan) => scan.text)).toEqual([NEWLAND_CCCD_TEXT]);
    expect(scans[0]?.symbology).toEqual({ aim: ']Q1', codeId: 'Q' });
  });

  it('reports a bar code whose last report never comes, and emits nothing for it', async () => {
    const binding = new FakeHidBinding();
    binding.plug(HONEYWELL);
    const { scans, faults, handle } = await openScanner(binding);
    scanWith(binding, HONEYWELL.path, HONEYWELL_CCCD_REPORTS.slice(0, 2));
    await vi.waitFor(() => expect(faults.map((fault) => fault.kind)).toEqual(['protocol']));
    expect(scans).toEqual([]);
    // A protocol fault spoils a scan, not the device.
    expect(handle.state).toBe('ready');
  });

  it('reports a malformed report as a protocol fault', async () => {
    const binding = new FakeHidBinding();
    binding.plug(HONEYWELL);
    const { scans, faults } = await openScanner(binding);
    scanWith(binding, HONEYWELL.path, [[0x02, 0x05, 0x5d]]);
    expect(faults).toMatchObject([{ kind: 'protocol', deviceId: '/dev/hidraw3' }]);
    expect(scans).toEqual([]);
  });
});

describe('HidPosScannerDriver faults and hot-plug', () => {
  it('rejects the first open with a typed fault', async () => {
    const binding = new FakeHidBinding();
    binding.plug(HONEYWELL).openError = new Error('Permission denied');
    const driver = new HidPosScannerDriver(binding, FAST);
    const [info] = await driver.list();
    await expect(driver.open(info as DeviceInfo)).rejects.toMatchObject({ kind: 'open-failed', deviceId: '/dev/hidraw3' });
    expect(binding.device(HONEYWELL.path)?.openConnections).toBe(0);
  });

  it('reports an unplug once, then reopens the scanner under its new path when it is back', async () => {
    const binding = new FakeHidBinding();
    binding.plug(HONEYWELL);
    const { scans, faults, handle, ready } = await openScanner(binding);
    scanWith(binding, HONEYWELL.path, HONEYWELL_CCCD_REPORTS.slice(0, 1));
    binding.unplug(HONEYWELL.path);
    expect(faults).toMatchObject([{ name: 'DeviceFault', kind: 'unplugged', deviceId: '/dev/hidraw3' }]);
    expect(handle.state).toBe('fault');
    // Several polls while it is away: still one fault.
    const polls = binding.devicesCalls;
    await vi.waitFor(() => expect(binding.devicesCalls).toBeGreaterThan(polls + 2));
    expect(faults).toHaveLength(1);

    binding.plug({ ...HONEYWELL, path: '/dev/hidraw4' });
    await vi.waitFor(() => expect(ready()).toBe(1));
    expect(handle.state).toBe('ready');
    // The half bar code from before the unplug is gone; the next scan is whole, under the same device id.
    scanWith(binding, '/dev/hidraw4', HONEYWELL_CCCD_REPORTS);
    expect(scans).toMatchObject([{ text: CCCD_QR_TEXT, source: { deviceId: '/dev/hidraw3' } }]);
  });

  it('backs off while reopening fails, reports it once as open-failed, and recovers', async () => {
    const binding = new FakeHidBinding();
    binding.plug(HONEYWELL);
    const { faults, ready } = await openScanner(binding);
    binding.unplug(HONEYWELL.path);
    const back = binding.plug(HONEYWELL);
    back.openError = new Error('Permission denied');
    await vi.waitFor(() => expect(faults.map((fault) => fault.kind)).toEqual(['unplugged', 'open-failed']));
    // Five reopens refused in a row: still the two faults, and the waits between them grow
    // (5, 10, 20 ms here) to the 20 ms cap — not one try per 5 ms poll. A loaded machine only
    // makes a wait longer, so each is checked from below (timers may fire 1 ms early).
    await vi.waitFor(() => expect(back.refusedOpensAt.length).toBeGreaterThanOrEqual(5));
    expect(faults).toHaveLength(2);
    const waits = back.refusedOpensAt.slice(1, 5).map((at, i) => at - (back.refusedOpensAt[i] ?? at));
    expect(waits.map((wait, i) => wait >= Math.min(FAST.backoffInitialMs * 2 ** i, FAST.backoffMaxMs) - 1)).toEqual([true, true, true, true]);
    back.openError = undefined;
    await vi.waitFor(() => expect(ready()).toBe(1));
  });

  it('does not take over an identical scanner another handle holds', async () => {
    const binding = new FakeHidBinding();
    const twin = { ...HONEYWELL, serialNumber: '' };
    binding.plug(twin);
    binding.plug({ ...twin, path: '/dev/hidraw8' });
    const driver = new HidPosScannerDriver(binding, FAST);
    const [first, second] = await driver.list();
    const firstHandle = await driver.open(first as DeviceInfo);
    const secondHandle = await driver.open(second as DeviceInfo);
    binding.unplug('/dev/hidraw3');
    const polls = binding.devicesCalls;
    await vi.waitFor(() => expect(binding.devicesCalls).toBeGreaterThan(polls + 2));
    expect(binding.device('/dev/hidraw8')?.openCount).toBe(1);
    expect(firstHandle.state).toBe('fault');
    await firstHandle.close();
    await secondHandle.close();
  });

  it('close() releases the device and stops polling', async () => {
    // Fake timers: whether anything is still scheduled is a state to read, not a wait.
    vi.useFakeTimers();
    try {
      const binding = new FakeHidBinding();
      binding.plug(HONEYWELL);
      const { handle } = await openScanner(binding);
      binding.unplug(HONEYWELL.path);
      expect(vi.getTimerCount()).toBeGreaterThan(0);
      await handle.close();
      expect(handle.state).toBe('closed');
      expect(vi.getTimerCount()).toBe(0);
      const polls = binding.devicesCalls;
      binding.plug(HONEYWELL);
      await vi.runAllTimersAsync();
      expect(binding.devicesCalls).toBe(polls);
      expect(binding.device(HONEYWELL.path)?.openConnections).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });
});
