import { mergeDeviceSpecs, parseDeviceArg, type DeviceSpec } from './device-spec.js';
import { loadDevicesConfig, type DevicesConfig } from './devices-file.js';

/**
 * The devices a kiosk starts with: `<dataDir>/devices.json`, then the `--device` flags,
 * which add devices or replace the file's entry for the same kind and path. Throws a
 * DeviceSpecError naming the flag or the file's field; `chot start` makes it a usage error,
 * so a kiosk never starts with half its configuration.
 */
export function resolveDevicesConfig(dataDir: string, deviceArgs: readonly string[]): DevicesConfig {
  const file = loadDevicesConfig(dataDir);
  const fromCli: DeviceSpec[] = deviceArgs.map(parseDeviceArg);
  return { ...file, devices: mergeDeviceSpecs(file.devices, fromCli) };
}
