import { isEntryDirection, SCREEN_INPUTS, type InputGate, type ScreenInput } from '../../domain/contract/input-lanes.js';
import { ENTRY_LANE } from '../../domain/entries/entry-fields.js';
import { ENTRY_DIRECTIONS } from '../../domain/entries/entry-record.js';
import { DEFAULT_LANE, DeviceSpecError } from './device-spec.js';

/** The page's own inputs with a lane and direction each (devices.json `inputs`). */
export type InputLanes = Partial<Record<ScreenInput, InputGate>>;

/**
 * devices.json `inputs`: the lane and direction of the keyboard wedge and the camera, which
 * the page reads (not the core), e.g. at a bus point's boarding lane:
 *
 *   "inputs": { "wedge": { "lane": "2", "direction": "boarding" }, "camera": { "lane": "2", "direction": "boarding" } }
 *
 * A field left out takes the default (lane '1', 'in'), as a device spec's does; an input left
 * out stands at the kiosk's own lane. Checked strictly, as the rest of the file: a misspelt
 * input or direction would log every entry at the wrong door, so it stops the start, named.
 */
export function parseInputLanes(value: unknown, where: string): InputLanes {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new DeviceSpecError(`${where} must be an object, e.g. {"wedge": {"lane": "2", "direction": "boarding"}}`);
  const inputs: { -readonly [K in ScreenInput]?: InputGate } = {};
  for (const [input, gate] of Object.entries(value)) {
    if (!(SCREEN_INPUTS as readonly string[]).includes(input))
      throw new DeviceSpecError(`${where}: unknown input ${JSON.stringify(input)} (inputs: ${SCREEN_INPUTS.join(', ')})`);
    inputs[input as ScreenInput] = parseInputGate(gate, `${where}.${input}`);
  }
  return inputs;
}

function parseInputGate(value: unknown, at: string): InputGate {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new DeviceSpecError(`${at} must be an object {"lane": "…", "direction": "…"}`);
  for (const key of Object.keys(value))
    if (key !== 'lane' && key !== 'direction') throw new DeviceSpecError(`${at}: unknown field ${JSON.stringify(key)} (fields: lane, direction)`);
  const { lane = DEFAULT_LANE, direction = 'in' } = value as { lane?: unknown; direction?: unknown };
  if (typeof lane !== 'string' || !ENTRY_LANE.test(lane))
    throw new DeviceSpecError(`${at}.lane: ${JSON.stringify(lane)} must be 1–32 letters, digits, '.', '_' or '-'`);
  if (!isEntryDirection(direction)) throw new DeviceSpecError(`${at}.direction: ${JSON.stringify(direction)} must be one of ${ENTRY_DIRECTIONS.join(', ')}`);
  return { lane, direction };
}
