import { describe, expect, it } from 'vitest';
import { DeviceSpecError } from '../../../../main/devices/device-spec.js';
import { devicesConfigFromJson, devicesConfigToJson, parseDevicesConfig } from '../../../../main/devices/devices-file.js';

const parse = (inputs: unknown) => parseDevicesConfig(JSON.stringify({ inputs }));

describe('devices.json inputs: the wedge’s and the camera’s lane and direction', () => {
  it('reads each input’s lane and direction; a field left out is lane 1 / in; an input left out is absent', () => {
    expect(parse({ wedge: { lane: '2', direction: 'boarding' }, camera: { lane: 'B-3' } }).inputs).toEqual({
      wedge: { lane: '2', direction: 'boarding' },
      camera: { lane: 'B-3', direction: 'in' },
    });
    expect(parse({ camera: { direction: 'alighting' } }).inputs).toEqual({ camera: { lane: '1', direction: 'alighting' } });
    expect(parseDevicesConfig('{"devices": []}').inputs).toBeUndefined();
  });

  it('survives the trip to the Electron shell (written back, read again the same)', () => {
    const config = parse({ wedge: { lane: '2', direction: 'boarding' } });
    expect(devicesConfigFromJson(JSON.parse(JSON.stringify(devicesConfigToJson(config))), 'devices')).toEqual(config);
  });

  it.each([
    [[], 'devices.json: inputs must be an object'],
    [{ keyboard: {} }, 'devices.json: inputs: unknown input "keyboard" (inputs: wedge, camera)'],
    [{ wedge: 'lane=2' }, 'devices.json: inputs.wedge must be an object'],
    [{ wedge: { lane: '2', way: 'in' } }, 'devices.json: inputs.wedge: unknown field "way" (fields: lane, direction)'],
    [{ wedge: { lane: 2 } }, 'devices.json: inputs.wedge.lane: 2 must be 1–32 letters'],
    [{ camera: { lane: 'lane two' } }, 'devices.json: inputs.camera.lane: "lane two" must be'],
    [{ camera: { direction: 'up' } }, 'devices.json: inputs.camera.direction: "up" must be one of in, out, boarding, alighting'],
  ])('refuses %j, naming the field', (inputs, message) => {
    expect(() => parse(inputs)).toThrow(DeviceSpecError);
    expect(() => parse(inputs)).toThrow(message);
  });
});
