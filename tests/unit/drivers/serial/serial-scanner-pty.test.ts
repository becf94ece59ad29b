import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ScanEvent } from '../../../../domain/scan/scan-event.js';
import type { DeviceFault } from '../../../../drivers/device.js';
import { NodeSerialTransport } from '../../../../drivers/serial/node-serial-transport.js';
import { SerialScannerDriver, type SerialScannerHandle } from '../../../../drivers/serial/serial-scanner-driver.js';
import type { SerialConnection, SerialPortListing, SerialSettings, SerialTransport } from '../../../../drivers/serial/serial-transport.js';
import { SocatPty } from '../../../support/socat-pty.js';

/**
 * The serial scanner driver on real pseudo-terminals (socat), through serialport: what a
 * USB CDC scanner does to the kiosk, minus the USB. Skipped when socat is missing.
 */
const CCCD = '079203012345|025123456|Nguyễn Thị Bích Ngọc|05062003|Nữ|12 Nguyễn Trãi, Quận 1, TP Hồ Chí Minh|10082021';

/** Collects events, and waits for the next one that matches. */
class Events {
  readonly scans: ScanEvent[] = [];
  readonly faults: DeviceFault[] = [];
  ready = 0;
  readonly #waiters: { check: () => boolean; resolve: () => void }[] = [];

  constructor(handle: SerialScannerHandle) {
    handle.onScan((scan) => this.#push(() => this.scans.push(scan)));
    handle.onFault((fault) => this.#push(() => this.faults.push(fault)));
    handle.onReady(() => this.#push(() => (this.ready += 1)));
  }

  until(what: string, check: () => boolean, timeoutMs: number): Promise<number> {
    const start = performance.now();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`not within ${timeoutMs} ms: ${what}`)), timeoutMs);
      const done = (): void => {
        clearTimeout(timer);
        resolve(performance.now() - start);
      };
      if (check()) done();
      else this.#waiters.push({ check, resolve: done });
    });
  }

  #push(update: () => void): void {
    update();
    for (const waiter of [...this.#waiters]) {
      if (!waiter.check()) continue;
      this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
      waiter.resolve();
    }
  }
}

/** serialport, counting the opens that failed: the driver's reopen attempts while the port is away. */
class CountingTransport implements SerialTransport {
  failedOpens = 0;
  readonly #inner = new NodeSerialTransport();

  list(): Promise<SerialPortListing[]> {
    return this.#inner.list();
  }

  async open(path: string, settings: SerialSettings): Promise<SerialConnection> {
    try {
      return await this.#inner.open(path, settings);
    } catch (error) {
      this.failedOpens += 1;
      throw error;
    }
  }
}

describe('SerialScannerDriver over a real pty (socat, serialport)', { timeout: 20_000 }, () => {
  let pty: SocatPty;
  let handle: SerialScannerHandle;
  let events: Events;
  let transport: CountingTransport;

  beforeEach(async () => {
    pty = await SocatPty.start();
    transport = new CountingTransport();
    const driver = new SerialScannerDriver({ transport });
    handle = await driver.open({ id: pty.path, kind: 'serial-scanner' });
    events = new Events(handle);
  });

  afterEach(async () => {
    await handle.close();
    await pty.stop();
  });

  it('a scan with Vietnamese diacritics arrives as the exact UTF-8 text', async () => {
    await pty.write(`${CCCD}\r\n`);
    await events.until('one scan', () => events.scans.length === 1, 2_000);
    expect(events.scans[0]).toMatchObject({ text: CCCD, source: { kind: 'serial', deviceId: pty.path } });
    expect(events.scans[0]?.bytes).toEqual(new TextEncoder().encode(CCCD));
  });

  it('a burst of scans: every one, in order', async () => {
    const names = Array.from({ length: 50 }, (_, i) => `${String(i).padStart(12, '0')}|Đỗ Hoàng Yến ${i}`);
    await pty.write(names.map((name) => `${name}\r`).join(''));
    await events.until('50 scans', () => events.scans.length === 50, 3_000);
    expect(events.scans.map((scan) => scan.text)).toEqual(names);
  });

  it('a half frame then silence: a protocol fault, no scan; the next scan is whole', async () => {
    await pty.write('079203012345|Nguyễn');
    await events.until('the half frame dropped', () => events.faults.length === 1, 2_000);
    expect(events.faults[0]).toMatchObject({ kind: 'protocol' });
    expect(events.scans).toEqual([]);
    await pty.write(`${CCCD}\r`);
    await events.until('the next scan', () => events.scans.length === 1, 2_000);
    expect(events.scans[0]?.text).toBe(CCCD);
  });

  it('1 MB of random bytes: the driver stays alive, events stay bounded, and the next scan is delivered', async () => {
    let seed = 7;
    const garbage = new Uint8Array(1 << 20).map(() => {
      seed = (seed * 1_103_515_245 + 12_345) >>> 0;
      return seed >>> 24;
    });
    const terminators = garbage.filter((byte) => byte === 0x0d || byte === 0x0a).length;
    await pty.write(garbage);
    // Then silence (a half frame at the end is dropped), then a real scan.
    await new Promise((resolve) => setTimeout(resolve, 200));
    await pty.write(`\r${CCCD}\r`);
    await events.until('the scan after the garbage', () => events.scans.at(-1)?.text === CCCD, 10_000);
    expect(handle.state).toBe('ready');
    expect(events.scans.length).toBeLessThanOrEqual(terminators + 2);
    for (const scan of events.scans) expect(scan.bytes?.length ?? 0).toBeLessThanOrEqual(8192);
    expect(events.faults.every((fault) => fault.kind === 'protocol')).toBe(true);
  });

  it.each(['SIGKILL', 'SIGTERM'] as const)(
    'socat killed (%s): one unplugged fault within 2 s; restarted on the same link: ready and scanning within 5 s',
    async (signal) => {
      await pty.write('before\r');
      await events.until('a scan before', () => events.scans.length === 1, 2_000);
      // SIGKILL leaves the link dangling, SIGTERM removes it: both are a pulled cable.
      await pty.kill(signal);
      const faultMs = await events.until('the unplugged fault', () => events.faults.length > 0, 2_000);
      expect(events.faults.map((fault) => fault.kind)).toEqual(['unplugged']);
      expect(handle.state).toBe('fault');
      expect(faultMs).toBeLessThan(2_000);
      // Away while the driver tries to reopen it, twice in vain: still one fault.
      const failed = transport.failedOpens;
      await vi.waitFor(() => expect(transport.failedOpens).toBeGreaterThanOrEqual(failed + 2), { timeout: 3_000 });
      expect(events.faults).toHaveLength(1);
      await pty.restart();
      const readyMs = await events.until('ready again', () => events.ready === 1, 5_000);
      await pty.write(`${CCCD}\r`);
      const scanMs = await events.until('a scan after', () => events.scans.length === 2, 5_000 - readyMs);
      expect(events.scans[1]?.text).toBe(CCCD);
      expect(readyMs + scanMs).toBeLessThan(5_000);
    },
  );

  it('socat restarted at once (another pty behind the same link): one fault, then ready on the new one', async () => {
    await pty.kill();
    await pty.restart();
    await events.until('the fault', () => events.faults.length === 1, 2_000);
    expect(events.faults[0]?.kind).toBe('unplugged');
    await events.until('ready again', () => events.ready === 1, 5_000);
    await pty.write(`${CCCD}\r`);
    await events.until('a scan', () => events.scans.length === 1, 2_000);
    expect(events.scans[0]?.text).toBe(CCCD);
  });
});
