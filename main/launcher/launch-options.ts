import { isAbsolute } from 'node:path';
import { DeviceSpecError } from '../devices/device-spec.js';
import { devicesConfigFromJson, devicesConfigToJson, type DevicesConfig } from '../devices/devices-file.js';
import type { KioskRuntimeOptions } from '../core/kiosk-runtime.js';
import { messageOf } from '../../platform/message-of.js';
import { isLogLevel, type LogLevel } from '../../platform/logging/logger.js';
import { isSoundVolume, SOUND_VOLUME_MAX, SOUND_VOLUME_MIN, type SoundSettings } from '../../domain/contract/sound-settings.js';
import { isMinuteOfDay, isThemeMode, type ThemeSettings } from '../../domain/contract/theme-settings.js';

/**
 * Everything one `chot start` decided, checked once: what either shell — browser mode in
 * the same process, or the Electron window in its own — starts the kiosk with. The devices
 * are already resolved (devices.json merged with `--device`), so no shell reads the file
 * again, and a shell never looks at the user's command line itself.
 */
export interface LaunchOptions {
  /** Absolute: the Electron process may start in another working directory. */
  readonly dataDir: string;
  /** Browser mode: its port on 127.0.0.1 (0: any free port). */
  readonly port: number;
  /** Browser mode: open the kiosk URL in Chromium. */
  readonly open: boolean;
  /** Browser mode even when Electron is installed. */
  readonly browser: boolean;
  /** The camera scans too (the renderer's option, and the media policy's). */
  readonly camera: boolean;
  readonly syncIntervalMs?: number;
  readonly uploadIntervalMs?: number;
  readonly retentionMs?: number;
  /** A staff session ends after this long without a staff action. */
  readonly staffIdleMs?: number;
  /** The same code on the same input within this window is one entry (default 3 s; 0: every read is an entry). */
  readonly repeatWindowMs?: number;
  readonly devicesConfig: DevicesConfig;
  /** The log threshold (`--log-level`, else `$CHOT_LOG_LEVEL`); absent: info. */
  readonly logLevel?: LogLevel;
  /** The verdicts' sound (`--volume`, `--mute`); absent: the default volume, not muted. */
  readonly sound?: SoundSettings;
  /** The page's colour theme (`--theme`, `--day-hours`); absent: dark. */
  readonly theme?: ThemeSettings;
  /** The key file that encrypts the databases where there is no systemd credential (`--db-key-file`, absolute). */
  readonly dbKeyFile?: string;
}

/** Which option of `chot start` sets a duration, in what unit and range: the one place these limits live. */
export const LAUNCH_DURATIONS = {
  syncIntervalMs: { flag: '--sync-interval', unitMs: 1000, min: 1, max: 86_400, wholeUnits: false, range: 'a number of seconds from 1 to 86400' },
  uploadIntervalMs: { flag: '--upload-interval', unitMs: 1000, min: 1, max: 86_400, wholeUnits: false, range: 'a number of seconds from 1 to 86400' },
  retentionMs: { flag: '--retention-days', unitMs: 86_400_000, min: 0, max: 3650, wholeUnits: true, range: 'a whole number of days from 0 to 3650' },
  staffIdleMs: { flag: '--staff-idle-seconds', unitMs: 1000, min: 10, max: 3600, wholeUnits: false, range: 'a number of seconds from 10 to 3600' },
  // A minute at most: longer, a person who really passes again (out and back in) would not be logged.
  repeatWindowMs: { flag: '--repeat-window', unitMs: 1000, min: 0, max: 60, wholeUnits: false, range: 'a number of seconds from 0 to 60' },
} as const;
export type LaunchDuration = keyof typeof LAUNCH_DURATIONS;

/** A launch option out of its range or of the wrong type; the message names the `chot start` option. */
export class LaunchOptionsError extends Error {
  override readonly name = 'LaunchOptionsError';
}

const FIELDS: readonly string[] = [
  'dataDir',
  'port',
  'open',
  'browser',
  'camera',
  'devicesConfig',
  'logLevel',
  'sound',
  'theme',
  'dbKeyFile',
  ...Object.keys(LAUNCH_DURATIONS),
];

/**
 * The one check of a launch-options object: `chot start` runs it on what it built from the
 * command line, and the Electron shell runs it again on what it was handed (a process
 * boundary: whoever started Electron may not have been `chot start`). Strict: an unknown or
 * missing field is an error, never a default taken in silence.
 */
export function validateLaunchOptions(value: unknown): LaunchOptions {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new LaunchOptionsError('launch options must be an object');
  const fields = value as Record<string, unknown>;
  for (const key of Object.keys(fields)) {
    if (!FIELDS.includes(key)) throw new LaunchOptionsError(`launch options: unknown field ${JSON.stringify(key)}`);
  }
  const { dataDir, port, open, browser, camera } = fields;
  if (typeof dataDir !== 'string' || !isAbsolute(dataDir)) throw new LaunchOptionsError('launch options: dataDir must be an absolute path');
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 0 || port > 65535)
    throw new LaunchOptionsError(`--port must be 0–65535, got ${JSON.stringify(port)}`);
  for (const [name, flag] of [
    ['open', open],
    ['browser', browser],
    ['camera', camera],
  ] as const) {
    if (typeof flag !== 'boolean') throw new LaunchOptionsError(`launch options: ${name} must be true or false`);
  }
  const { logLevel } = fields;
  if (logLevel !== undefined && !isLogLevel(logLevel))
    throw new LaunchOptionsError(`--log-level must be debug, info, warn or error, got ${JSON.stringify(logLevel)}`);
  const { dbKeyFile } = fields;
  if (dbKeyFile !== undefined && (typeof dbKeyFile !== 'string' || !isAbsolute(dbKeyFile)))
    throw new LaunchOptionsError('launch options: dbKeyFile must be an absolute path');
  const sound = soundSettingsOf(fields.sound);
  const theme = themeSettingsOf(fields.theme);
  let devicesConfig: DevicesConfig;
  try {
    devicesConfig = devicesConfigFromJson(fields.devicesConfig, 'devices');
  } catch (error) {
    throw error instanceof DeviceSpecError ? new LaunchOptionsError(error.message) : error;
  }
  const durations: { -readonly [K in LaunchDuration]?: number } = {};
  for (const [field, limit] of Object.entries(LAUNCH_DURATIONS) as [LaunchDuration, (typeof LAUNCH_DURATIONS)[LaunchDuration]][]) {
    const ms = fields[field];
    if (ms === undefined) continue;
    const units = typeof ms === 'number' ? ms / limit.unitMs : Number.NaN;
    if (!(units >= limit.min && units <= limit.max) || (limit.wholeUnits && !Number.isInteger(units)))
      throw new LaunchOptionsError(`${limit.flag} must be ${limit.range}`);
    durations[field] = ms as number;
  }
  return {
    dataDir,
    port,
    open: open as boolean,
    browser: browser as boolean,
    camera: camera as boolean,
    devicesConfig,
    ...durations,
    ...(logLevel === undefined ? {} : { logLevel }),
    ...(sound === undefined ? {} : { sound }),
    ...(theme === undefined ? {} : { theme }),
    ...(dbKeyFile === undefined ? {} : { dbKeyFile }),
  };
}

/** The sound settings of a launch-options object, checked as strictly as the rest. */
function soundSettingsOf(value: unknown): SoundSettings | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new LaunchOptionsError('launch options: sound must be an object');
  const { volume, muted, ...rest } = value as Record<string, unknown>;
  const unknownField = Object.keys(rest)[0];
  if (unknownField !== undefined) throw new LaunchOptionsError(`launch options: sound: unknown field ${JSON.stringify(unknownField)}`);
  if (!isSoundVolume(volume))
    throw new LaunchOptionsError(`--volume must be a whole number from ${SOUND_VOLUME_MIN} to ${SOUND_VOLUME_MAX}, got ${JSON.stringify(volume)}`);
  if (typeof muted !== 'boolean') throw new LaunchOptionsError('launch options: sound.muted must be true or false');
  return { volume, muted };
}

/** The theme settings of a launch-options object, checked as strictly as the rest. */
function themeSettingsOf(value: unknown): ThemeSettings | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new LaunchOptionsError('launch options: theme must be an object');
  const { mode, dayStartMinute, dayEndMinute, ...rest } = value as Record<string, unknown>;
  const unknownField = Object.keys(rest)[0];
  if (unknownField !== undefined) throw new LaunchOptionsError(`launch options: theme: unknown field ${JSON.stringify(unknownField)}`);
  if (!isThemeMode(mode)) throw new LaunchOptionsError(`--theme must be dark, bright or auto, got ${JSON.stringify(mode)}`);
  // Equal start and end would be a day of no length (or of all day): surely a slip, not a wish.
  if (!isMinuteOfDay(dayStartMinute) || !isMinuteOfDay(dayEndMinute) || dayStartMinute === dayEndMinute)
    throw new LaunchOptionsError('--day-hours must be two different times of day, HH:MM-HH:MM (e.g. 06:00-18:00)');
  return { mode, dayStartMinute, dayEndMinute };
}

/**
 * The launch options as one command-line argument for the Electron process: base64url of
 * their JSON, so no quoting rule (a shell's, Windows', Chromium's switch parser) can split or
 * alter it. Why the command line and not a file in the data dir: the options hold no secret
 * and no personal data (a directory, device paths, intervals), so being readable in `ps` costs
 * nothing; and an argument lives exactly as long as its process — no file to remove, none left
 * stale for a later start to read, no race between two starts on one data dir. Its size is
 * a few hundred bytes per device: far inside any command-line limit (Windows' 32 767 characters).
 */
export const LAUNCH_OPTIONS_ARG = '--chot-launch-options=';

export function launchOptionsArg(options: LaunchOptions): string {
  const wire = { ...options, devicesConfig: devicesConfigToJson(options.devicesConfig) };
  return `${LAUNCH_OPTIONS_ARG}${Buffer.from(JSON.stringify(wire), 'utf8').toString('base64url')}`;
}

/** The launch options an argument list carries, checked; undefined when it carries none. */
export function launchOptionsFromArgs(args: readonly string[]): LaunchOptions | undefined {
  const arg = args.find((candidate) => candidate.startsWith(LAUNCH_OPTIONS_ARG));
  if (arg === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(arg.slice(LAUNCH_OPTIONS_ARG.length), 'base64url').toString('utf8'));
  } catch (error) {
    throw new LaunchOptionsError(`launch options: not valid JSON: ${messageOf(error)}`);
  }
  return validateLaunchOptions(value);
}

/** What the kiosk runtime gets from the launch options: the same in both shells. */
export function kioskRuntimeOptions(options: LaunchOptions): KioskRuntimeOptions {
  return {
    dataDir: options.dataDir,
    devicesConfig: options.devicesConfig,
    ...(options.syncIntervalMs === undefined ? {} : { syncIntervalMs: options.syncIntervalMs }),
    ...(options.uploadIntervalMs === undefined ? {} : { uploadIntervalMs: options.uploadIntervalMs }),
    ...(options.retentionMs === undefined ? {} : { retentionMs: options.retentionMs }),
    ...(options.staffIdleMs === undefined ? {} : { staffIdleMs: options.staffIdleMs }),
    ...(options.repeatWindowMs === undefined ? {} : { repeatWindowMs: options.repeatWindowMs }),
    ...(options.logLevel === undefined ? {} : { logLevel: options.logLevel }),
    ...(options.sound === undefined ? {} : { sound: options.sound }),
    ...(options.theme === undefined ? {} : { theme: options.theme }),
    ...(options.dbKeyFile === undefined ? {} : { dbKeyFile: options.dbKeyFile }),
  };
}
