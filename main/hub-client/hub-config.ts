import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { messageOf } from '../../platform/message-of.js';

/** `<data-dir>/hub.json`, written by `chot enroll`: its presence means "enrolled: sync". */
export const HUB_CONFIG_FILE = 'hub.json';

export interface HubConfig {
  /** The hub's base URL. */
  readonly url: string;
  readonly deviceId: string;
  /** The location the enrolment code was made for, as the hub named it. */
  readonly location: string;
  /** ISO 8601. */
  readonly enrolledAt: string;
}

/** The kiosk's hub, or undefined when it has not been enrolled. Throws on a damaged file, naming it. */
export function loadHubConfig(dataDir: string): HubConfig | undefined {
  const file = join(dataDir, HUB_CONFIG_FILE);
  if (!existsSync(file)) return undefined;
  let value: Partial<Record<keyof HubConfig, unknown>>;
  try {
    value = JSON.parse(readFileSync(file, 'utf8')) as typeof value;
  } catch (error) {
    throw new Error(`${file} is not readable JSON (${messageOf(error)}): enrol again`, { cause: error });
  }
  const { url, deviceId, location, enrolledAt } = value ?? {};
  if (typeof url !== 'string' || typeof deviceId !== 'string' || typeof location !== 'string' || typeof enrolledAt !== 'string') {
    throw new Error(`${file} lacks url, deviceId, location or enrolledAt: enrol again`);
  }
  return { url, deviceId, location, enrolledAt };
}

export function saveHubConfig(dataDir: string, config: HubConfig): void {
  const file = join(dataDir, HUB_CONFIG_FILE);
  // Write then rename: a half-written hub.json would read as "enrolled" and then fail.
  writeFileSync(`${file}.tmp`, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  renameSync(`${file}.tmp`, file);
}
