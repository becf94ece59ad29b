import type { DeviceInfo, DeviceKind } from '../device.js';

/**
 * The transport the HID drivers (HID-POS scanners, HID relay boards) are handed: just the
 * part of node-hid they use, so that production passes node-hid (`node-hid-binding.ts`)
 * and tests pass a scriptable fake created per test (`fake-hid-binding.ts`), with no
 * module-global mock state (docs/architecture.md, "Drivers").
 */

/** One HID interface as enumeration reports it (node-hid's `Device`, narrowed). */
export interface HidDeviceDescriptor {
  /** The OS path (`/dev/hidraw3` on Linux with the hidraw backend); may change on replug. */
  readonly path: string;
  readonly vendorId: number;
  readonly productId: number;
  /** Top-level collection usage page and usage (0x8C / 0x02 for a HID-POS bar code scanner). */
  readonly usagePage?: number | undefined;
  readonly usage?: number | undefined;
  readonly interface?: number | undefined;
  readonly manufacturer?: string | undefined;
  readonly product?: string | undefined;
  readonly serialNumber?: string | undefined;
}

/** An open HID interface. */
export interface HidConnection {
  /**
   * Input reports as the OS delivers them. With numbered reports (HID-POS uses report id
   * 0x02) hidapi puts the report id in byte 0 on Linux, macOS and Windows alike.
   * Registering a listener starts reading (as node-hid does).
   */
  onData(listener: (report: Uint8Array) => void): void;
  /** A read failed: for node-hid this is how an unplugged device shows up. */
  onError(listener: (error: Error) => void): void;
  /** Byte 0 is the report id (0 for devices without numbered reports). */
  sendFeatureReport(report: Uint8Array): Promise<number>;
  /** The returned buffer starts with the report id, as hidapi returns it. */
  getFeatureReport(reportId: number, length: number): Promise<Uint8Array>;
  close(): Promise<void>;
}

export interface HidBinding {
  devices(): Promise<HidDeviceDescriptor[]>;
  open(path: string): Promise<HidConnection>;
}

/** What a HID device is, as enumeration described it. */
export function hidDeviceInfo(device: HidDeviceDescriptor, kind: DeviceKind): DeviceInfo {
  return {
    id: device.path,
    kind,
    vendorId: hex4(device.vendorId),
    productId: hex4(device.productId),
    manufacturer: present(device.manufacturer),
    product: present(device.product),
    serialNumber: present(device.serialNumber),
  };
}

/** USB ids in DeviceInfo are 4 lowercase hex digits. */
export function hex4(id: number): string {
  return id.toString(16).padStart(4, '0');
}

/** Optional descriptor strings: an empty string from the OS means "not given". */
export function present(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
