import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { deviceSpecFromJson, DeviceSpecError, type DeviceSpec } from './device-spec.js';
import { GATE_AUTHENTICITIES, GATE_COLOURS, type GateAuthenticity, type GatePolicies, type GatePolicy } from './gate-policy.js';
import type { Colour } from '../../domain/verdict/verdict.js';
import type { WedgeSettings } from '../../domain/contract/kiosk-api.js';
import { parseWedgeSettings } from './wedge-config.js';
import { parseInputLanes, type InputLanes } from './input-lanes-config.js';
import { messageOf } from '../../platform/message-of.js';

/**
 * `<data-dir>/devices.json`: the scanners, relays and chip card readers of this kiosk and each lane's gate
 * policy, so a kiosk restarts with its devices without flags:
 *
 *   {
 *     "devices": [
 *       { "kind": "serial-scanner", "path": "/dev/serial/by-id/usb-Honeywell…", "lane": "1" },
 *       "serial-relay=/dev/ttyUSB0,channel=1,pulse=500",
 *       { "kind": "serial-scanner", "path": "auto", "lane": "2" },
 *       { "kind": "chip-reader", "path": "auto", "lane": "1" }
 *     ],
 *     "gates": { "1": { "open": ["green"] }, "2": { "open": ["green"], "openFor": ["signed-valid", "unsigned"] } },
 *     "wedge": { "maxInterKeyMs": 50, "minLength": 6, "suffixKey": "Enter" },
 *     "inputs": { "wedge": { "lane": "2", "direction": "boarding" }, "camera": { "lane": "2", "direction": "boarding" } }
 *   }
 *
 * Checked strictly: an unknown field or a wrong value is an error naming it
 * (`devices.json: devices[1].channel: …`), never silently ignored — a kiosk whose gate
 * policy is misspelt must not open the gate on the default. A lane's `openFor` names the
 * authenticity classes that open without staff (gate-policy.ts; absent: signed-valid and
 * chip-verified); `invalid` is not among them, as nothing forged may ever open a gate.
 */
export const DEVICES_FILE = 'devices.json';

export interface DevicesConfig {
  readonly devices: readonly DeviceSpec[];
  readonly gates: GatePolicies;
  /** Keyboard-wedge framing thresholds over the defaults (wedge-config.ts). */
  readonly wedge?: Partial<WedgeSettings>;
  /** The lane and direction of the wedge's and the camera's entries (input-lanes-config.ts); absent: the kiosk's own. */
  readonly inputs?: InputLanes;
}

export const EMPTY_DEVICES_CONFIG: DevicesConfig = { devices: [], gates: {} };

/** Parses the file's text; `name` prefixes every error. */
export function parseDevicesConfig(text: string, name = DEVICES_FILE): DevicesConfig {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new DeviceSpecError(`${name}: not valid JSON: ${messageOf(error)}`);
  }
  return devicesConfigFromJson(value, name);
}

/** Checks a parsed devices.json value (the file's, or one handed to the Electron shell); `name` prefixes every error. */
export function devicesConfigFromJson(value: unknown, name: string): DevicesConfig {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new DeviceSpecError(`${name}: must be an object {"devices": […], "gates": {…}}`);
  const fields = value as Record<string, unknown>;
  for (const key of Object.keys(fields)) {
    if (key !== 'devices' && key !== 'gates' && key !== 'wedge' && key !== 'inputs' && key !== '$comment')
      throw new DeviceSpecError(`${name}: unknown field ${JSON.stringify(key)} (fields: devices, gates, wedge, inputs)`);
  }
  const devices = fields.devices ?? [];
  if (!Array.isArray(devices)) throw new DeviceSpecError(`${name}: devices must be an array`);
  return {
    devices: devices.map((device, index) => deviceSpecFromJson(device, `${name}: devices[${index}]`)),
    gates: parseGates(fields.gates ?? {}, `${name}: gates`),
    ...(fields.wedge === undefined ? {} : { wedge: parseWedgeSettings(fields.wedge, `${name}: wedge`) }),
    ...(fields.inputs === undefined ? {} : { inputs: parseInputLanes(fields.inputs, `${name}: inputs`) }),
  };
}

function parseGates(value: unknown, where: string): GatePolicies {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new DeviceSpecError(`${where} must be an object of lanes, e.g. {"1": {"open": ["green"]}}`);
  const gates: Record<string, GatePolicy> = {};
  for (const [lane, policy] of Object.entries(value)) {
    const at = `${where}.${lane}`;
    if (typeof policy !== 'object' || policy === null || Array.isArray(policy))
      throw new DeviceSpecError(`${at} must be an object {"open": [colours], "openFor": [authenticities]}`);
    for (const key of Object.keys(policy))
      if (key !== 'open' && key !== 'openFor') throw new DeviceSpecError(`${at}: unknown field ${JSON.stringify(key)} (fields: open, openFor)`);
    const { open, openFor } = policy as { open?: unknown; openFor?: unknown };
    const colours = listOf<Colour>(open, `${at}.open`, GATE_COLOURS, 'a colour that can open a gate', 'colours');
    gates[lane] = {
      open: colours,
      // Absent is the default (only what proves itself opens); an empty list is a staff-only gate.
      ...(openFor === undefined
        ? {}
        : { openFor: listOf<GateAuthenticity>(openFor, `${at}.openFor`, GATE_AUTHENTICITIES, 'an authenticity a gate can open for', 'authenticities') }),
    };
  }
  return gates;
}

/**
 * The devices.json form of a config, which devicesConfigFromJson reads back to the same
 * config: a serial suffix given in hex is written as its `hex:XX` text, as in the file.
 */
export function devicesConfigToJson(config: DevicesConfig): unknown {
  return {
    devices: config.devices.map((spec) => ('suffix' in spec && typeof spec.suffix === 'object' ? { ...spec, suffix: `hex:${spec.suffix.hex}` } : spec)),
    gates: config.gates,
    ...(config.wedge === undefined ? {} : { wedge: config.wedge }),
    ...(config.inputs === undefined ? {} : { inputs: config.inputs }),
  };
}

/** A JSON array of names from `allowed`, each once; anything else is an error naming its place. */
function listOf<T extends string>(value: unknown, at: string, allowed: readonly T[], what: string, plural: string): T[] {
  if (!Array.isArray(value)) throw new DeviceSpecError(`${at} must be an array of ${plural} (${allowed.join(', ')})`);
  const names = value.map((name, index) => {
    if (!(allowed as readonly unknown[]).includes(name))
      throw new DeviceSpecError(`${at}[${index}]: ${JSON.stringify(name)} is not ${what} (${allowed.join(', ')})`);
    return name as T;
  });
  return [...new Set(names)];
}

/** Reads `<dataDir>/devices.json`; no file is no devices and default gates. */
export function loadDevicesConfig(dataDir: string): DevicesConfig {
  const path = join(dataDir, DEVICES_FILE);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return EMPTY_DEVICES_CONFIG;
    throw new DeviceSpecError(`${path}: cannot be read: ${messageOf(error)}`);
  }
  return parseDevicesConfig(text, path);
}
