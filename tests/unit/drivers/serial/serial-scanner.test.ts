import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ScanEvent } from '../../../../domain/scan/scan-event.js';
import { DeviceFault, type DeviceInfo } from '../../../../drivers/device.js';
import { FakeSerialTransport } from '../../../../drivers/serial/fake-serial-transport.js';
import {
  DEFAULT_SERIAL_SCANNER_CONFIG,
  SerialScannerDriver,
  type SerialScannerConfig,
  type SerialScannerHandle,
} from '../../../../drivers/serial/serial-scanner-driver.js';
import type { SerialPortListing } from '../../../../drivers/serial/serial-transport.js';

const PATH = '/dev/ttyACM0';
const INFO: DeviceInfo = { id: PATH, kind: 'serial-scanner', vendorId: '0c2e', productId: '0b61' };
const CCCD = '079203012345|025123456|Nguyễn Thị Bích Ngọc|05062003|Nữ|12 Nguyễn Trãi, Quận 1, TP Hồ Chí Minh|10082021';

/** A profile lookup as the device profiles provide it: Honeywell 0c2e in CDC mode. */
const honeywellOnly = (port: SerialPortListing): SerialScannerConfig | undefined => (port.vendorId === '0c2e' ? DEFAULT_SERIAL_SCANNER_CONFIG : undefined);

interface Recorded {
  readonly scans: ScanEvent[];
  readonly faults: DeviceFault[];
  ready: number;
}

function record(handle: SerialScannerHandle): Recorded {
  const recorded: Recorded = { scans: [], faults: [], ready: 0 };
  handle.onScan((scan) => recorded.scans.push(scan));
  handle.onFault((fault) => recorded.faults.push(fault));
  handle.onReady(() => (recorded.ready += 1));
  return recorded;
}

describe('SerialScannerDriver: list and open', () => {
  it('lists only the ports a profile recognises, as serial scanners with their USB ids', async () => {
    const transport = new FakeSerialTransport();
    transport.plug({ path: PATH, vendorId: '0c2e', productId: '0b61', manufacturer: 'Honeywell', serialNumber: '21075B0123' });
    transport.plug({ path: '/dev/ttyUSB0', vendorId: '1a86', productId: '7523' });
    const listed = await new SerialScannerDriver({ transport, configFor: honeywellOnly }).list();
    expect(listed).toEqual([{ id: PATH, kind: 'serial-scanner', vendorId: '0c2e', productId: '0b61', manufacturer: 'Honeywell', serialNumber: '21075B0123' }]);
    // Without profiles a serial port says nothing about what is behind it: nothing is listed.
    expect(await new SerialScannerDriver({ transport }).list()).toEqual([]);
  });

  it('a failing port list is a typed io fault', async () => {
    const transport = new FakeSerialTransport();
    transport.listError = new Error('udevadm not found');
    await expect(new SerialScannerDriver({ transport, configFor: honeywellOnly }).list()).rejects.toMatchObject({ name: 'DeviceFault', kind: 'io' });
  });

  it('the first open rejects with a typed fault: unplugged when the path is not there, open-failed when refused', async () => {
    const transport = new FakeSerialTransport();
    const driver = new SerialScannerDriver({ transport });
    await expect(driver.open(INFO)).rejects.toMatchObject({ name: 'DeviceFault', kind: 'unplugged', deviceId: PATH });
    transport.plug({ path: PATH });
    transport.failOpen(PATH);
    const refused = await driver.open(INFO).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(DeviceFault);
    expect(refused).toMatchObject({ kind: 'open-failed', message: expect.stringMatching(/dialout/) });
    await expect(driver.open({ ...INFO, kind: 'hid-pos-scanner' })).rejects.toMatchObject({ kind: 'open-failed' });
  });

  it('opens with the profile settings, overridden by the caller (e.g. a baud rate from --device)', async () => {
    const transport = new FakeSerialTransport();
    transport.plug({ path: PATH, vendorId: '0c2e' });
    const profile: SerialScannerConfig = { settings: { baudRate: 38_400 }, framing: { suffix: 'lf', interByteTimeoutMs: 80, maxFrameBytes: 4096 } };
    const driver = new SerialScannerDriver({ transport, configFor: () => profile });
    const handle = await driver.open(INFO, { settings: { baudRate: 115_200 } });
    expect(transport.opened).toEqual([{ path: PATH, settings: { baudRate: 115_200 } }]);
    expect(handle.config.framing).toEqual(profile.framing);
    await handle.close();
    await expect(driver.open(INFO, { framing: { suffix: { hex: 'x' }, interByteTimeoutMs: 50, maxFrameBytes: 10 } })).rejects.toMatchObject({
      kind: 'open-failed',
      message: /hex/,
    });
  });
});

describe('SerialScannerDriver: scans', () => {
  let transport: FakeSerialTransport;
  let handle: SerialScannerHandle;
  let recorded: Recorded;

  beforeEach(async () => {
    transport = new FakeSerialTransport();
    transport.plug({ path: PATH, vendorId: '0c2e', productId: '0b61' });
    handle = await new SerialScannerDriver({ transport, configFor: honeywellOnly }).open(INFO);
    recorded = record(handle);
  });

  afterEach(async () => {
    await handle.close();
  });

  it('one scan: UTF-8 decoded by us, the bytes without the suffix, source and time', () => {
    const before = Date.now();
    transport.send(PATH, `${CCCD}\r\n`);
    expect(recorded.scans).toHaveLength(1);
    const [scan] = recorded.scans;
    expect(scan?.text).toBe(CCCD);
    expect(scan?.bytes).toEqual(new TextEncoder().encode(CCCD));
    expect(scan?.source).toEqual({ kind: 'serial', deviceId: PATH });
    expect(scan?.overflow).toBeUndefined();
    expect(Date.parse(scan?.at ?? '')).toBeGreaterThanOrEqual(before);
  });

  it('a letter split between two chunks, and a burst of scans in one chunk', () => {
    const bytes = new TextEncoder().encode('Ngọc\r');
    transport.send(PATH, bytes.subarray(0, 3));
    transport.send(PATH, bytes.subarray(3));
    transport.send(PATH, 'một\rhai\rba\r');
    expect(recorded.scans.map((scan) => scan.text)).toEqual(['Ngọc', 'một', 'hai', 'ba']);
  });

  it('noise is still a scan (the core answers "cannot read this code"): U+FFFD in the text, the bytes kept', () => {
    transport.send(PATH, [0x41, 0xff, 0xc3, 0x28, 0x0d]);
    expect(recorded.scans).toHaveLength(1);
    expect(recorded.scans[0]?.text).toBe('A\ufffd\ufffd(');
    expect(recorded.scans[0]?.bytes).toEqual(Uint8Array.of(0x41, 0xff, 0xc3, 0x28));
  });

  it('a frame over 8192 bytes is cut and flagged overflow, once', () => {
    transport.send(PATH, `${'9'.repeat(20_000)}\r`);
    expect(recorded.scans).toHaveLength(1);
    expect(recorded.scans[0]).toMatchObject({ overflow: true });
    expect(recorded.scans[0]?.bytes?.length).toBe(8192);
  });

  it('a listener that throws does not stop the driver', async () => {
    const errors: unknown[] = [];
    const onError = (error: unknown): void => void errors.push(error);
    process.on('uncaughtException', onError);
    try {
      handle.onScan(() => {
        throw new Error('listener bug');
      });
      transport.send(PATH, 'a\rb\r');
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('uncaughtException', onError);
    }
    expect(recorded.scans.map((scan) => scan.text)).toEqual(['a', 'b']);
    expect(errors).toHaveLength(2);
    expect(handle.state).toBe('ready');
  });
});

describe('SerialScannerDriver: silence, unplug and reopen (fake timers)', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('a half frame then silence is dropped with a protocol fault, not a scan; the next scan is whole', async () => {
    const transport = new FakeSerialTransport();
    transport.plug({ path: PATH });
    const handle = await new SerialScannerDriver({ transport }).open(INFO);
    const recorded = record(handle);
    transport.send(PATH, '079203012345|0251');
    await vi.advanceTimersByTimeAsync(49);
    expect(recorded.faults).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(recorded.scans).toEqual([]);
    expect(recorded.faults).toHaveLength(1);
    expect(recorded.faults[0]).toMatchObject({ kind: 'protocol', deviceId: PATH, message: expect.stringMatching(/17 bytes.*suffix/) });
    expect(handle.state).toBe('ready');
    transport.send(PATH, `${CCCD}\r`);
    expect(recorded.scans.map((scan) => scan.text)).toEqual([CCCD]);
    await handle.close();
  });

  it("suffix 'none': a scan ends after the inter-byte timeout, stamped with its last byte's time", async () => {
    const transport = new FakeSerialTransport();
    transport.plug({ path: PATH });
    const config = { framing: { suffix: 'none' as const, interByteTimeoutMs: 30, maxFrameBytes: 8192 } };
    const handle = await new SerialScannerDriver({ transport }).open(INFO, config);
    const recorded = record(handle);
    transport.send(PATH, 'Nguy');
    await vi.advanceTimersByTimeAsync(20);
    const lastByteAt = new Date(Date.now()).toISOString();
    transport.send(PATH, 'ễn');
    await vi.advanceTimersByTimeAsync(29);
    expect(recorded.scans).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(recorded.scans.map((scan) => [scan.text, scan.at])).toEqual([['Nguyễn', lastByteAt]]);
    await handle.close();
  });

  it('unplug: one unplugged fault at once, reopen with backoff, onReady when back, then scans again', async () => {
    const transport = new FakeSerialTransport();
    transport.plug({ path: PATH });
    const handle = await new SerialScannerDriver({ transport, reopenBackoff: { minMs: 250, maxMs: 2_000 } }).open(INFO);
    const recorded = record(handle);
    transport.send(PATH, 'half');
    transport.unplug(PATH);
    expect(recorded.faults.map((fault) => fault.kind)).toEqual(['unplugged']);
    expect(handle.state).toBe('fault');
    // Away for a while: open is retried (250, 500, 1000, 2000, 2000… ms) but no second fault.
    await vi.advanceTimersByTimeAsync(10_000);
    // 250 + 500 + 1000 + 2000 + 2000 + 2000 + 2000 = 9750 ms: 7 attempts after the first open.
    expect(transport.openAttempts).toBe(1 + 7);
    expect(recorded.faults).toHaveLength(1);
    expect(recorded.ready).toBe(0);
    transport.plug({ path: PATH });
    // Back within the longest backoff.
    await vi.advanceTimersByTimeAsync(2_000);
    expect(recorded.ready).toBe(1);
    expect(handle.state).toBe('ready');
    transport.send(PATH, 'whole\r');
    // The half frame from before the unplug is gone, not glued to the next scan.
    expect(recorded.scans.map((scan) => scan.text)).toEqual(['whole']);
    await handle.close();
  });

  it('a port refused while reopening is reported once as open-failed, then ready when it opens', async () => {
    const transport = new FakeSerialTransport();
    transport.plug({ path: PATH });
    const handle = await new SerialScannerDriver({ transport }).open(INFO);
    const recorded = record(handle);
    transport.unplug(PATH);
    transport.plug({ path: PATH });
    transport.failOpen(PATH);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(recorded.faults.map((fault) => fault.kind)).toEqual(['unplugged', 'open-failed']);
    transport.failOpen(PATH, null);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(recorded.ready).toBe(1);
    await handle.close();
  });

  it('close() stops everything: no timers left, no reopen, the port released', async () => {
    const transport = new FakeSerialTransport();
    transport.plug({ path: PATH });
    const driver = new SerialScannerDriver({ transport });
    const handle = await driver.open(INFO);
    transport.send(PATH, 'half');
    expect(vi.getTimerCount()).toBe(1);
    await handle.close();
    expect(vi.getTimerCount()).toBe(0);
    expect(transport.openConnections(PATH)).toBe(0);

    const faulted = await driver.open(INFO);
    transport.unplug(PATH);
    expect(vi.getTimerCount()).toBe(1);
    await faulted.close();
    expect(vi.getTimerCount()).toBe(0);
    const attempts = transport.openAttempts;
    transport.plug({ path: PATH });
    await vi.advanceTimersByTimeAsync(10_000);
    expect(transport.openAttempts).toBe(attempts);
  });
});
