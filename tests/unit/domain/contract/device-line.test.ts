import { describe, expect, it } from 'vitest';
import { describeDevices, DEVICE_FAULT_GLYPH } from '../../../../domain/contract/device-line.js';
import type { DeviceReport } from '../../../../domain/contract/kiosk-events.js';

const AT = '2026-11-23T06:00:00.000Z';
const scanner = (state: DeviceReport['state'], fault?: DeviceReport['fault']): DeviceReport => ({
  id: '/dev/ttyACM0',
  kind: 'serial-scanner',
  state,
  lane: '1',
  direction: 'in',
  ...(fault === undefined ? {} : { fault }),
});

describe('describeDevices (the device-fault line)', () => {
  it('is absent while every device works, is opening, or was closed', () => {
    expect(describeDevices([])).toBeUndefined();
    expect(describeDevices([scanner('ready'), scanner('opening'), scanner('closed')])).toBeUndefined();
    // A protocol fault kept while the scanner is ready (a dropped half frame) is not a line.
    expect(describeDevices([scanner('ready', { kind: 'protocol', message: 'dropped', at: AT })])).toBeUndefined();
  });

  it.each<[DeviceReport, string, string]>([
    [scanner('fault', { kind: 'unplugged', message: 'EIO', at: AT }), 'Máy quét /dev/ttyACM0 bị rút ra', 'Scanner /dev/ttyACM0 unplugged'],
    [scanner('fault', { kind: 'open-failed', message: 'EACCES', at: AT }), 'Máy quét /dev/ttyACM0 không mở được', 'Scanner /dev/ttyACM0 cannot be opened'],
    [
      { id: '/dev/ttyUSB0', kind: 'serial-relay', state: 'fault', lane: '1', fault: { kind: 'io', message: 'x', at: AT } },
      'Rơ-le cổng /dev/ttyUSB0 lỗi đọc/ghi',
      'Gate relay /dev/ttyUSB0 read/write error',
    ],
    [
      { id: 'auto', kind: 'hid-pos-scanner', state: 'fault', lane: '1', fault: { kind: 'unplugged', message: 'none', at: AT } },
      'Máy quét (tự dò) bị rút ra',
      'Scanner (auto) unplugged',
    ],
    // pcscd not running: the chip card reader cannot be opened (its message, for the diagnostics, names pcscd).
    [
      {
        id: 'auto',
        kind: 'chip-reader',
        state: 'fault',
        lane: '1',
        fault: { kind: 'open-failed', message: 'pcscd không chạy · pcscd is not running', at: AT },
      },
      'Đầu đọc thẻ chip (tự dò) không mở được',
      'Chip card reader (auto) cannot be opened',
    ],
  ])('words a fault in Vietnamese and English, with a glyph (%#)', (device, vi, en) => {
    expect(describeDevices([device])).toEqual({ level: 'stale', glyph: DEVICE_FAULT_GLYPH, vi, en });
  });

  it('names the first faulted device and counts the others', () => {
    const relay: DeviceReport = { id: '/dev/ttyUSB0', kind: 'modbus-relay', state: 'fault', lane: '1', fault: { kind: 'unplugged', message: 'x', at: AT } };
    const line = describeDevices([scanner('ready'), relay, scanner('fault', { kind: 'unplugged', message: 'x', at: AT })]);
    expect(line?.vi).toBe('Rơ-le cổng /dev/ttyUSB0 bị rút ra (+1 thiết bị khác)');
    expect(line?.en).toBe('Gate relay /dev/ttyUSB0 unplugged (+1 more)');
  });
});
