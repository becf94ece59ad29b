import type { WedgeSettings } from '../../domain/contract/kiosk-api.js';
import { MAX_SCAN_CHARS } from '../../domain/scan/scan-event.js';
import { DeviceSpecError } from './device-spec.js';

/**
 * devices.json `wedge`: the keyboard-wedge framing thresholds, for scanners that type slower
 * or faster than the defaults (keys ≤ 50 ms apart, ≥ 6 keys, Enter). Checked strictly, as the
 * rest of the file: a threshold out of range would make the kiosk miss scans or take typing
 * for scans, so it stops the start with the field named.
 */
const LIMITS = {
  maxInterKeyMs: [5, 500],
  minLength: [1, 100],
  maxLength: [16, MAX_SCAN_CHARS],
} as const;
const SUFFIX_KEYS: readonly WedgeSettings['suffixKey'][] = ['Enter', 'Tab'];

export function parseWedgeSettings(value: unknown, where: string): Partial<WedgeSettings> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new DeviceSpecError(`${where} must be an object, e.g. {"maxInterKeyMs": 50, "minLength": 6, "suffixKey": "Enter"}`);
  }
  const settings: { -readonly [K in keyof WedgeSettings]?: WedgeSettings[K] } = {};
  for (const [key, field] of Object.entries(value)) {
    if (key === 'suffixKey') {
      if (!(SUFFIX_KEYS as readonly unknown[]).includes(field))
        throw new DeviceSpecError(`${where}.suffixKey: ${JSON.stringify(field)} is not ${SUFFIX_KEYS.join(' or ')}`);
      settings.suffixKey = field as WedgeSettings['suffixKey'];
    } else if (key === 'maxInterKeyMs' || key === 'minLength' || key === 'maxLength') {
      const [min, max] = LIMITS[key];
      if (typeof field !== 'number' || !Number.isInteger(field) || field < min || field > max) {
        throw new DeviceSpecError(`${where}.${key}: ${JSON.stringify(field)} must be a whole number from ${min} to ${max}`);
      }
      settings[key] = field;
    } else {
      throw new DeviceSpecError(`${where}: unknown field ${JSON.stringify(key)} (fields: maxInterKeyMs, minLength, suffixKey, maxLength)`);
    }
  }
  if (settings.minLength !== undefined && settings.maxLength !== undefined && settings.minLength > settings.maxLength) {
    throw new DeviceSpecError(`${where}: minLength ${settings.minLength} is above maxLength ${settings.maxLength}`);
  }
  return settings;
}
