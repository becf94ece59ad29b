import { describe, expect, it } from 'vitest';
import { DeviceSpecError, mergeDeviceSpecs, parseDeviceArg } from '../../../../main/devices/device-spec.js';

describe('--device KIND=PATH[:BAUD][,option=value…]', () => {
  it.each([
    ['serial-scanner=/dev/ttyACM0', { kind: 'serial-scanner', path: '/dev/ttyACM0', lane: '1', direction: 'in' }],
    ['serial-scanner=/dev/ttyACM0:115200', { kind: 'serial-scanner', path: '/dev/ttyACM0', lane: '1', direction: 'in', baudRate: 115200 }],
    [
      'serial-scanner=/dev/ttyACM0:9600,lane=2,direction=out,suffix=crlf',
      { kind: 'serial-scanner', path: '/dev/ttyACM0', lane: '2', direction: 'out', baudRate: 9600, suffix: 'crlf' },
    ],
    ['serial-scanner=/dev/ttyS0,suffix=hex:03', { kind: 'serial-scanner', path: '/dev/ttyS0', lane: '1', direction: 'in', suffix: { hex: '03' } }],
    ['serial-scanner=COM3:9600', { kind: 'serial-scanner', path: 'COM3', lane: '1', direction: 'in', baudRate: 9600 }],
    ['serial-relay=/dev/ttyUSB0', { kind: 'serial-relay', path: '/dev/ttyUSB0', lane: '1', channel: 1, pulseMs: 500 }],
    ['serial-relay=/dev/ttyUSB0,channel=2,pulse=800,lane=B', { kind: 'serial-relay', path: '/dev/ttyUSB0', lane: 'B', channel: 2, pulseMs: 800 }],
    ['modbus-relay=/dev/ttyUSB1:19200,unit=3', { kind: 'modbus-relay', path: '/dev/ttyUSB1', lane: '1', channel: 1, pulseMs: 500, baudRate: 19200, unitId: 3 }],
    ['modbus-relay=/dev/ttyUSB1', { kind: 'modbus-relay', path: '/dev/ttyUSB1', lane: '1', channel: 1, pulseMs: 500, unitId: 1 }],
    ['hid-pos-scanner=auto', { kind: 'hid-pos-scanner', path: 'auto', lane: '1', direction: 'in' }],
    ['serial-scanner=auto,lane=2', { kind: 'serial-scanner', path: 'auto', lane: '2', direction: 'in' }],
    ['serial-scanner=auto:115200', { kind: 'serial-scanner', path: 'auto', lane: '1', direction: 'in', baudRate: 115200 }],
    // A libusb HID path holds colons: not read as a baud rate.
    ['hid-pos-scanner=0001:0004:00,lane=3', { kind: 'hid-pos-scanner', path: '0001:0004:00', lane: '3', direction: 'in' }],
    ['hid-relay=auto,channel=2', { kind: 'hid-relay', path: 'auto', lane: '1', channel: 2, pulseMs: 500 }],
    ['chip-reader=auto', { kind: 'chip-reader', path: 'auto', lane: '1', direction: 'in' }],
    // A PC/SC reader name has spaces, brackets and colons of its own: taken whole, no baud rate read from it.
    [
      'chip-reader=ACS ACR1252 Dual Reader [ACR1252 Dual Reader PICC] 00 01:12,lane=2,direction=out,timeout=30000',
      { kind: 'chip-reader', path: 'ACS ACR1252 Dual Reader [ACR1252 Dual Reader PICC] 00 01:12', lane: '2', direction: 'out', readTimeoutMs: 30000 },
    ],
  ])('%s', (text, expected) => {
    expect(parseDeviceArg(text)).toEqual(expected);
  });

  it.each([
    ['/dev/ttyACM0', /expected KIND=PATH/],
    ['scanner=/dev/ttyACM0', /unknown device kind "scanner" \(kinds: serial-scanner, hid-pos-scanner, serial-relay, modbus-relay, hid-relay, chip-reader\)/],
    ['serial-scanner=', /the device path is missing/],
    ['serial-relay=auto', /cannot be found automatically/],
    ['modbus-relay=auto', /cannot be found automatically/],
    ['serial-relay=ttyUSB0', /not a serial port path/],
    ['serial-scanner=/dev/ttyACM0:9601', /baud rate 9601 is not a standard one/],
    ['serial-scanner=/dev/ttyACM0:9600,baud=9600', /baud rate is given twice/],
    ['serial-scanner=/dev/ttyACM0,direction=sideways', /direction "sideways" must be one of in, out, boarding, alighting/],
    ['serial-scanner=/dev/ttyACM0,channel=2', /serial-scanner has no option "channel" \(options: lane, direction, baud, suffix\)/],
    ['serial-scanner=/dev/ttyACM0,lane', /option "lane" is not key=value/],
    ['serial-scanner=/dev/ttyACM0,lane=1,lane=2', /option lane is given twice/],
    ['serial-scanner=/dev/ttyACM0,lane=a b', /lane "a b" must be 1–32 letters/],
    ['serial-scanner=/dev/ttyACM0,suffix=tab', /suffix "tab" must be cr, lf, crlf, none or hex:XX/],
    ['serial-relay=/dev/ttyUSB0,channel=9', /channel 9 must be 1–8/],
    ['serial-relay=/dev/ttyUSB0,channel=0', /channel 0 must be 1–8/],
    ['serial-relay=/dev/ttyUSB0,pulse=60000', /pulse 60000 ms must be 50–10000 ms \(a pulse, never a latch\)/],
    ['serial-relay=/dev/ttyUSB0,pulse=abc', /pulse \(ms\) "abc" must be a whole number/],
    ['serial-relay=/dev/ttyUSB0,unit=3', /serial-relay has no option "unit"/],
    ['modbus-relay=/dev/ttyUSB0,unit=248', /Modbus unit id 248 must be 1–247/],
    ['chip-reader=auto,channel=1', /chip-reader has no option "channel" \(options: lane, direction, timeout\)/],
    ['chip-reader=auto,timeout=500', /timeout 500 ms must be 1000–120000 ms/],
    ['chip-reader=auto,direction=up', /direction "up" must be one of/],
  ])('refuses %s with a clear message', (text, message) => {
    expect(() => parseDeviceArg(text)).toThrow(DeviceSpecError);
    expect(() => parseDeviceArg(text)).toThrow(message);
    // Every message names the flag as given.
    expect(() => parseDeviceArg(text)).toThrow(`--device ${JSON.stringify(text)}`);
  });
});

describe('mergeDeviceSpecs', () => {
  const file = [parseDeviceArg('serial-scanner=/dev/ttyACM0,lane=1'), parseDeviceArg('serial-relay=/dev/ttyUSB0')];

  it('adds the CLI devices after the file devices', () => {
    const merged = mergeDeviceSpecs(file, [parseDeviceArg('hid-relay=auto')]);
    expect(merged.map((spec) => `${spec.kind}=${spec.path}`)).toEqual(['serial-scanner=/dev/ttyACM0', 'serial-relay=/dev/ttyUSB0', 'hid-relay=auto']);
  });

  it('lets a CLI device replace the file entry of the same kind and path', () => {
    const merged = mergeDeviceSpecs(file, [parseDeviceArg('serial-scanner=/dev/ttyACM0,lane=2')]);
    expect(merged).toHaveLength(2);
    expect(merged.find((spec) => spec.kind === 'serial-scanner')?.lane).toBe('2');
  });

  it('refuses a device named twice on the command line', () => {
    expect(() => mergeDeviceSpecs([], [parseDeviceArg('serial-relay=/dev/ttyUSB0'), parseDeviceArg('serial-relay=/dev/ttyUSB0,channel=2')])).toThrow(
      'device serial-relay=/dev/ttyUSB0 is named twice',
    );
  });
});
