import type { DataAgeLine } from './kiosk-status.js';
import type { DeviceReport, DeviceReportFaultKind, DeviceReportKind } from './device-report.js';

/**
 * The idle and verdict screens' device line: which device is not working and why, in
 * Vietnamese with English beside it and a glyph, so it never relies on colour alone.
 * Pure and here, like describeDataAge, so the renderer only places text.
 */

const NOUNS: Readonly<Record<DeviceReportKind, { vi: string; en: string }>> = {
  'serial-scanner': { vi: 'Máy quét', en: 'Scanner' },
  'hid-pos-scanner': { vi: 'Máy quét', en: 'Scanner' },
  'serial-relay': { vi: 'Rơ-le cổng', en: 'Gate relay' },
  'modbus-relay': { vi: 'Rơ-le cổng', en: 'Gate relay' },
  'hid-relay': { vi: 'Rơ-le cổng', en: 'Gate relay' },
  'chip-reader': { vi: 'Đầu đọc thẻ chip', en: 'Chip card reader' },
};

const WHAT: Readonly<Record<DeviceReportFaultKind, { vi: string; en: string }>> = {
  unplugged: { vi: 'bị rút ra', en: 'unplugged' },
  'open-failed': { vi: 'không mở được', en: 'cannot be opened' },
  io: { vi: 'lỗi đọc/ghi', en: 'read/write error' },
  protocol: { vi: 'gửi dữ liệu lỗi', en: 'sends bad data' },
};

/** The glyph of a device fault: a shape of its own, not the data line's. */
export const DEVICE_FAULT_GLYPH = '⚠';

/** A device counts as faulted only in state `fault`: opening, ready and closed devices need nobody. */
export function faultedDevices(devices: readonly DeviceReport[]): DeviceReport[] {
  return devices.filter((device) => device.state === 'fault');
}

/**
 * "Máy quét /dev/ttyACM0 bị rút ra · Scanner /dev/ttyACM0 unplugged"; with several faulted
 * devices, the first and how many more. Undefined while every device works.
 */
export function describeDevices(devices: readonly DeviceReport[]): DataAgeLine | undefined {
  const faulted = faultedDevices(devices);
  const first = faulted[0];
  if (first === undefined) return undefined;
  const noun = NOUNS[first.kind];
  const what = WHAT[first.fault?.kind ?? 'io'];
  const more = faulted.length - 1;
  const name = first.id === 'auto' ? { vi: '(tự dò)', en: '(auto)' } : { vi: first.id, en: first.id };
  return {
    level: 'stale',
    glyph: DEVICE_FAULT_GLYPH,
    vi: `${noun.vi} ${name.vi} ${what.vi}${more > 0 ? ` (+${more} thiết bị khác)` : ''}`,
    en: `${noun.en} ${name.en} ${what.en}${more > 0 ? ` (+${more} more)` : ''}`,
  };
}
