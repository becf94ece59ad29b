import { expect, it } from 'vitest';
import type { ScanEvent, ScanSourceKind } from '../../../domain/scan/scan-event.js';
import type { DeviceInfo, DeviceKind, ScannerDriver, ScannerHandle } from '../../../drivers/device.js';

/**
 * The scanner conformance suite (docs/architecture.md, "Drivers"): the same tests run against a
 * driver on its fake transport in CI and against a real scanner when an env var names one.
 * Only `scan()` differs: the fake injects recorded reports, a person scans the test code.
 * Any scanner driver (HID-POS, serial) can use it.
 */
export interface ScannerTarget {
  readonly driver: ScannerDriver;
  /** The id the device is listed under (its path). */
  readonly deviceId: string;
  readonly kind: DeviceKind;
  readonly sourceKind: ScanSourceKind;
  /** The text the code that `scan()` presents decodes to. */
  readonly expectedText: string;
  /** Makes the device read the code: the fake sends reports; for a real device, a person scans. */
  readonly scan: () => Promise<void> | void;
  /** Up to how long a scan may take (a person needs seconds). */
  readonly scanTimeoutMs: number;
  /** Checks on the event beyond the common ones (e.g. the symbology). */
  readonly checkEvent?: (scan: ScanEvent) => void;
}

function nextScan(handle: ScannerHandle, timeoutMs: number): Promise<ScanEvent> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no scan within ${timeoutMs} ms`)), timeoutMs);
    handle.onScan((scan) => {
      clearTimeout(timer);
      resolve(scan);
    });
    handle.onFault((fault) => {
      clearTimeout(timer);
      reject(fault);
    });
  });
}

async function find(target: ScannerTarget): Promise<DeviceInfo> {
  const info = (await target.driver.list()).find((device) => device.id === target.deviceId);
  if (info === undefined) throw new Error(`${target.deviceId} is not listed`);
  return info;
}

/** Registers the suite's tests in the enclosing describe(). */
export function scannerConformance(target: () => ScannerTarget): void {
  it('lists the device with its kind and USB ids', async () => {
    const info = await find(target());
    expect(info.kind).toBe(target().kind);
    expect(info.vendorId).toMatch(/^[0-9a-f]{4}$/);
    expect(info.productId).toMatch(/^[0-9a-f]{4}$/);
  });

  it('delivers one scan: exact UTF-8 text, its bytes, where it came from and when', async () => {
    const current = target();
    const handle = await current.driver.open(await find(current));
    try {
      const scanned = nextScan(handle, current.scanTimeoutMs);
      await current.scan();
      const scan = await scanned;
      expect(scan.text).toBe(current.expectedText);
      expect(scan.source).toEqual({ kind: current.sourceKind, deviceId: current.deviceId });
      if (scan.bytes !== undefined) expect(new TextDecoder('utf-8', { fatal: true }).decode(scan.bytes)).toBe(scan.text);
      expect(scan.overflow ?? false).toBe(false);
      expect(new Date(scan.at).toISOString()).toBe(scan.at);
      current.checkEvent?.(scan);
    } finally {
      await handle.close();
    }
  });

  it('releases the device on close, so that it opens again', async () => {
    const current = target();
    const info = await find(current);
    const first = await current.driver.open(info);
    await first.close();
    const second = await current.driver.open(info);
    await second.close();
  });
}
