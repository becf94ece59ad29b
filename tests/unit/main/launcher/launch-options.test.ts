import { describe, expect, it } from 'vitest';
import { parseDevicesConfig, devicesConfigToJson } from '../../../../main/devices/devices-file.js';
import {
  LAUNCH_OPTIONS_ARG,
  launchOptionsArg,
  launchOptionsFromArgs,
  LaunchOptionsError,
  validateLaunchOptions,
  type LaunchOptions,
} from '../../../../main/launcher/launch-options.js';

const DEVICES = parseDevicesConfig(
  JSON.stringify({
    devices: [
      { kind: 'serial-scanner', path: '/dev/ttyACM0', lane: '2', direction: 'out', baudRate: 9600, suffix: 'hex:1d03' },
      { kind: 'modbus-relay', path: '/dev/ttyUSB1', lane: '2', channel: 3, pulseMs: 800, unitId: 4 },
    ],
    gates: { '2': { open: ['green', 'yellow'], openFor: ['signed-valid', 'unsigned'] } },
    wedge: { maxInterKeyMs: 80, minLength: 8 },
  }),
);

const LAUNCH: LaunchOptions = {
  dataDir: '/var/lib/chot',
  port: 8080,
  open: true,
  browser: false,
  camera: true,
  syncIntervalMs: 7000,
  uploadIntervalMs: 2500,
  retentionMs: 3 * 86_400_000,
  devicesConfig: DEVICES,
  sound: { volume: 35, muted: true },
};

/** The wire form of LAUNCH with one field replaced. */
function wireWith(field: string, value: unknown): Record<string, unknown> {
  return { ...LAUNCH, devicesConfig: devicesConfigToJson(DEVICES), [field]: value };
}

describe('launch options', () => {
  it('cross to the Electron process as one argument and arrive the same, devices and hex suffix included', () => {
    const arg = launchOptionsArg(LAUNCH);
    expect(arg.startsWith(LAUNCH_OPTIONS_ARG)).toBe(true);
    // One argv element no shell, Windows or Chromium quoting rule can split or alter.
    expect(arg.slice(LAUNCH_OPTIONS_ARG.length)).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(launchOptionsFromArgs(['--ignored-by-us', arg])).toEqual(LAUNCH);
  });

  it('carry none when no argument holds them', () => {
    expect(launchOptionsFromArgs(['--data-dir', '/x'])).toBeUndefined();
  });

  it('are refused when the argument is not JSON', () => {
    expect(() => launchOptionsFromArgs([`${LAUNCH_OPTIONS_ARG}bm90IGpzb24`])).toThrow(/not valid JSON/);
  });

  it.each([
    ['syncIntervalMs', 0, '--sync-interval must be a number of seconds from 1 to 86400'],
    ['syncIntervalMs', 86_401_000, '--sync-interval must be'],
    ['uploadIntervalMs', '15000', '--upload-interval must be'],
    ['retentionMs', 1.5 * 86_400_000, '--retention-days must be a whole number of days from 0 to 3650'],
    ['retentionMs', -86_400_000, '--retention-days must be'],
    ['port', 70000, '--port must be 0–65535'],
    ['dataDir', 'relative/dir', 'dataDir must be an absolute path'],
    ['camera', 'yes', 'camera must be true or false'],
    ['retentionDays', 3, 'unknown field "retentionDays"'],
    ['sound', { volume: 101, muted: false }, '--volume must be a whole number from 0 to 100, got 101'],
    ['sound', { volume: 12.5, muted: false }, '--volume must be a whole number from 0 to 100'],
    ['sound', { volume: 50 }, 'sound.muted must be true or false'],
    ['sound', { volume: 50, muted: false, loud: true }, 'sound: unknown field "loud"'],
    ['sound', 'quiet', 'sound must be an object'],
    ['devicesConfig', { devices: [{ kind: 'serial-relay', path: '/dev/ttyUSB0', colour: 'red' }] }, 'devices: devices[0].colour'],
  ])('refuse %s = %j, naming it', (field, value, message) => {
    expect(() => validateLaunchOptions(wireWith(field, value))).toThrow(LaunchOptionsError);
    expect(() => validateLaunchOptions(wireWith(field, value))).toThrow(message);
  });

  it('refuse a missing field rather than take a default in silence', () => {
    const { camera: _camera, ...rest } = wireWith('camera', true);
    expect(() => validateLaunchOptions(rest)).toThrow('camera must be true or false');
  });

  it('accept retention 0 (purge once the hub holds an entry) and leave unset durations unset', () => {
    const { syncIntervalMs: _s, uploadIntervalMs: _u, ...rest } = wireWith('retentionMs', 0);
    const launch = validateLaunchOptions(rest);
    expect(launch.retentionMs).toBe(0);
    expect('syncIntervalMs' in launch || 'uploadIntervalMs' in launch).toBe(false);
  });
});
