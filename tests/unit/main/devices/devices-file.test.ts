import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveDevicesConfig } from '../../../../main/devices/device-setup.js';
import { DeviceSpecError } from '../../../../main/devices/device-spec.js';
import { devicesConfigToJson, loadDevicesConfig, parseDevicesConfig } from '../../../../main/devices/devices-file.js';
import { tempDataDir } from '../../../support/kiosk-process.js';

describe('devices.json', () => {
  it('reads devices as objects or as --device strings, and gate policies by lane', () => {
    const config = parseDevicesConfig(
      JSON.stringify({
        devices: [
          { kind: 'serial-scanner', path: '/dev/ttyACM0', baudRate: 115200, lane: '2', direction: 'out' },
          'serial-relay=/dev/ttyUSB0,lane=2,pulse=800',
          { kind: 'modbus-relay', path: '/dev/ttyUSB1', unitId: 4, channel: 2 },
          { kind: 'serial-scanner', path: 'auto', lane: '3' },
        ],
        gates: { '2': { open: ['green', 'yellow'] } },
      }),
    );
    expect(config.devices).toEqual([
      { kind: 'serial-scanner', path: '/dev/ttyACM0', lane: '2', direction: 'out', baudRate: 115200 },
      { kind: 'serial-relay', path: '/dev/ttyUSB0', lane: '2', channel: 1, pulseMs: 800 },
      { kind: 'modbus-relay', path: '/dev/ttyUSB1', lane: '1', channel: 2, pulseMs: 500, unitId: 4 },
      { kind: 'serial-scanner', path: 'auto', lane: '3', direction: 'in' },
    ]);
    expect(config.gates).toEqual({ '2': { open: ['green', 'yellow'] } });
  });

  it.each([
    ['{', /devices\.json: not valid JSON/],
    ['[]', /devices\.json: must be an object/],
    ['{"device": []}', /devices\.json: unknown field "device" \(fields: devices, gates, wedge, inputs\)/],
    ['{"devices": {}}', /devices\.json: devices must be an array/],
    ['{"devices": [{"kind": "serial-scanner"}]}', /devices\.json: devices\[0\]\.path: missing \(a device path such as \/dev\/ttyACM0, or "auto"\)/],
    ['{"devices": [{"kind": "serial-relay", "path": "auto"}]}', /devices\.json: devices\[0\]: a serial-relay cannot be found automatically/],
    ['{"devices": [{"kind": "serial-scaner", "path": "/dev/x"}]}', /devices\.json: devices\[0\]\.kind: unknown device kind "serial-scaner"/],
    ['{"devices": [{"kind": "serial-relay", "path": "/dev/x", "chanel": 2}]}', /devices\.json: devices\[0\]\.chanel: not a field of a serial-relay/],
    ['{"devices": [{"kind": "serial-relay", "path": "/dev/x", "channel": [2]}]}', /devices\[0\]\.channel: must be a string or a number/],
    ['{"devices": [{"kind": "serial-relay", "path": "/dev/x", "channel": 12}]}', /channel 12 must be 1–8/],
    ['{"devices": [42]}', /devices\[0\]: a device is an object/],
    ['{"gates": {"1": {"open": ["green", "blue"]}}}', /devices\.json: gates\.1\.open\[1\]: "blue" is not a colour that can open a gate/],
    ['{"gates": {"1": {"open": ["none"]}}}', /gates\.1\.open\[0\]: "none" is not a colour/],
    ['{"gates": {"1": {"opens": ["green"]}}}', /gates\.1: unknown field "opens"/],
    ['{"gates": {"1": ["green"]}}', /gates\.1 must be an object/],
    ['{"gates": {"1": {"open": ["green"], "openUnsigned": true}}}', /gates\.1: unknown field "openUnsigned" \(fields: open, openFor\)/],
    [
      '{"gates": {"1": {"open": ["green"], "openFor": "unsigned"}}}',
      /gates\.1\.openFor must be an array of authenticities \(signed-valid, chip-verified, unsigned, manual\)/,
    ],
    ['{"gates": {"1": {"open": ["green"], "openFor": ["unsigned", "signed"]}}}', /gates\.1\.openFor\[1\]: "signed" is not an authenticity a gate can open for/],
    // Nothing forged or unreadable may ever open a gate, whatever a lane wants.
    ['{"gates": {"1": {"open": ["green"], "openFor": ["invalid"]}}}', /gates\.1\.openFor\[0\]: "invalid" is not an authenticity/],
    ['{"gates": {"1": {"open": ["green"], "openFor": ["none"]}}}', /gates\.1\.openFor\[0\]: "none" is not an authenticity/],
  ])('refuses %s, naming the field', (text, message) => {
    expect(() => parseDevicesConfig(text)).toThrow(DeviceSpecError);
    expect(() => parseDevicesConfig(text)).toThrow(message);
  });

  it('reads a lane’s openFor (the authenticity classes that open without staff), an empty one as a staff-only gate', () => {
    const config = parseDevicesConfig(
      JSON.stringify({
        gates: { '1': { open: ['green'], openFor: ['signed-valid', 'unsigned', 'unsigned'] }, '2': { open: ['green'], openFor: [] }, '3': { open: ['green'] } },
      }),
    );
    expect(config.gates).toEqual({
      '1': { open: ['green'], openFor: ['signed-valid', 'unsigned'] },
      '2': { open: ['green'], openFor: [] },
      '3': { open: ['green'] },
    });
  });

  it('reads a chip card reader, by its PC/SC name or auto, with its lane, direction and read timeout; writes it back the same', () => {
    const text = JSON.stringify({
      devices: [{ kind: 'chip-reader', path: 'Virtual PCD 00 00', lane: '2', direction: 'out', readTimeoutMs: 15000 }, 'chip-reader=auto,lane=3'],
    });
    const config = parseDevicesConfig(text);
    expect(config.devices).toEqual([
      { kind: 'chip-reader', path: 'Virtual PCD 00 00', lane: '2', direction: 'out', readTimeoutMs: 15000 },
      { kind: 'chip-reader', path: 'auto', lane: '3', direction: 'in' },
    ]);
    expect(parseDevicesConfig(JSON.stringify(devicesConfigToJson(config)))).toEqual(config);
    expect(() => parseDevicesConfig('{"devices": [{"kind": "chip-reader", "path": "auto", "channel": 1}]}')).toThrow(
      /devices\[0\]\.channel: not a field of a chip-reader \(fields: kind, path, lane, direction, readTimeoutMs\)/,
    );
  });

  it('is optional: no file is no devices and the default gates', () => {
    expect(loadDevicesConfig(tempDataDir())).toEqual({ devices: [], gates: {} });
  });

  it('is merged with --device flags: a flag adds a device or replaces the file’s one of the same kind and path', () => {
    const dir = tempDataDir();
    writeFileSync(
      join(dir, 'devices.json'),
      JSON.stringify({ devices: ['serial-scanner=/dev/ttyACM0,lane=1', 'serial-relay=/dev/ttyUSB0'], gates: { '1': { open: ['green'] } } }),
    );
    const config = resolveDevicesConfig(dir, ['serial-scanner=/dev/ttyACM0,lane=2', 'modbus-relay=/dev/ttyUSB1']);
    expect(config.devices.map((spec) => `${spec.kind}=${spec.path}@${spec.lane}`)).toEqual([
      'serial-relay=/dev/ttyUSB0@1',
      'serial-scanner=/dev/ttyACM0@2',
      'modbus-relay=/dev/ttyUSB1@1',
    ]);
    expect(config.gates).toEqual({ '1': { open: ['green'] } });
  });

  it('names the file in its errors', () => {
    const dir = tempDataDir();
    writeFileSync(join(dir, 'devices.json'), '{"devices": [{"kind": "serial-relay"}]}');
    expect(() => resolveDevicesConfig(dir, [])).toThrow(`${join(dir, 'devices.json')}: devices[0].path: missing`);
  });
});
