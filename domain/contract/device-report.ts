import type { EntryDirection } from '../entries/entry-record.js';

/** Same words as drivers/device.ts, restated: the contract is pure domain and never imports drivers. */
export type DeviceReportKind = 'serial-scanner' | 'hid-pos-scanner' | 'serial-relay' | 'modbus-relay' | 'hid-relay' | 'chip-reader';
export type DeviceReportState = 'opening' | 'ready' | 'fault' | 'closed';
export type DeviceReportFaultKind = 'unplugged' | 'open-failed' | 'io' | 'protocol';

/** One configured or discovered device, as the screen and the diagnostics see it. */
export interface DeviceReport {
  /** The path (`/dev/ttyACM0`) or HID path; for an `auto` device not found yet, `auto`. */
  readonly id: string;
  readonly kind: DeviceReportKind;
  readonly state: DeviceReportState;
  readonly lane: string;
  /** Scanners: which way people pass the lane they scan at. */
  readonly direction?: EntryDirection;
  readonly fault?: { readonly kind: DeviceReportFaultKind; readonly message: string; readonly at: string };
  readonly lastScanAt?: string;
  /**
   * Relays: gate pulses asked of it since the kiosk started. Asked in the turn a verdict's entry
   * commits, so a status read after a verdict says whether that verdict opened the gate.
   */
  readonly pulses?: number;
}
