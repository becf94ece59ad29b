import type { ScanEvent } from '../domain/scan/scan-event.js';

/**
 * The contract every device kind implements (serial and HID-POS scanners, relays, card
 * readers): one small async interface, handed its transport, so that tests pass a
 * scriptable fake and production passes serialport / node-hid. See docs/architecture.md, "Drivers".
 */

/** What a device is, as discovery or configuration found it. */
export interface DeviceInfo {
  /** Stable id: the path for serial devices (`/dev/ttyACM0`), the HID path for HID devices. */
  readonly id: string;
  readonly kind: DeviceKind;
  /** USB ids as 4 lowercase hex digits, when known. */
  readonly vendorId?: string | undefined;
  readonly productId?: string | undefined;
  readonly manufacturer?: string | undefined;
  readonly product?: string | undefined;
  readonly serialNumber?: string | undefined;
}

export type DeviceKind = 'serial-scanner' | 'hid-pos-scanner' | 'serial-relay' | 'modbus-relay' | 'hid-relay' | 'chip-reader';

/**
 * Why a device stopped working, typed so the screen can say it in words:
 * - `unplugged`: the device or port disappeared (cable pulled, socat killed);
 * - `open-failed`: it is there but cannot be opened (busy, permissions — the udev rule);
 * - `io`: a read or write failed while open;
 * - `protocol`: it answered with bytes its protocol does not allow.
 */
export type DeviceFaultKind = 'unplugged' | 'open-failed' | 'io' | 'protocol';

export class DeviceFault extends Error {
  override readonly name = 'DeviceFault';

  constructor(
    readonly kind: DeviceFaultKind,
    readonly deviceId: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A device's state, as the diagnostics screen and `chot devices` show it. */
export type DeviceState = 'opening' | 'ready' | 'fault' | 'closed';

export interface DeviceStatus {
  readonly info: DeviceInfo;
  readonly state: DeviceState;
  /** The last fault, until the device is ready again. */
  readonly fault?: { readonly kind: DeviceFaultKind; readonly message: string; readonly at: string };
  /** ISO 8601 of the last scan (scanners). */
  readonly lastScanAt?: string;
}

/** An open scanner: framed scans and faults as events; close() releases the transport. */
export interface ScannerHandle {
  onScan(listener: (scan: ScanEvent) => void): void;
  onFault(listener: (fault: DeviceFault) => void): void;
  /**
   * The device works again after a fault (reopened after an unplug): the fault indicator
   * clears. Optional, for drivers that recover on their own.
   */
  onReady?(listener: () => void): void;
  close(): Promise<void>;
}

/** One kind of scanner, given its transport. */
export interface ScannerDriver {
  list(): Promise<DeviceInfo[]>;
  open(info: DeviceInfo): Promise<ScannerHandle>;
}

/** An open relay board: pulses only, never latched. */
export interface RelayHandle {
  /** Closes channel `channel` (1-based) for `ms` milliseconds, then opens it again. */
  pulse(channel: number, ms: number): Promise<void>;
  /** Opens every channel (at start, on exit, after a fault). */
  allOff(): Promise<void>;
  onFault(listener: (fault: DeviceFault) => void): void;
  /** As ScannerHandle.onReady: the board works again after a fault (and is all off). */
  onReady?(listener: () => void): void;
  close(): Promise<void>;
}

export interface RelayDriver {
  list(): Promise<DeviceInfo[]>;
  open(info: DeviceInfo): Promise<RelayHandle>;
}
