import { resolve } from 'node:path';
import { defaultDataDir } from '../../main/config/paths.js';
import { resolveDevicesConfig } from '../../main/devices/device-setup.js';
import { DeviceSpecError } from '../../main/devices/device-spec.js';
import { devicesConfigToJson } from '../../main/devices/devices-file.js';
import {
  LAUNCH_DURATIONS,
  launchOptionsFromArgs,
  LaunchOptionsError,
  validateLaunchOptions,
  type LaunchDuration,
  type LaunchOptions,
} from '../../main/launcher/launch-options.js';
import { DEFAULT_SOUND_SETTINGS, type SoundSettings } from '../../domain/contract/sound-settings.js';
import { DEFAULT_THEME_SETTINGS, minuteOfDayFrom, type ThemeSettings } from '../../domain/contract/theme-settings.js';
import { parseCommandArgs, parsePort, UsageError } from '../args.js';
import { LOG_LEVEL_ENV, LogLevelError, logLevelFrom } from '../../platform/logging/open-logger.js';

/**
 * Every option a person can give `chot start` (and the packaged Electron app, which takes
 * the same ones): the one definition the parser, the help test and the launch test read.
 */
export const START_OPTIONS = {
  'data-dir': { type: 'string' },
  port: { type: 'string' },
  open: { type: 'boolean' },
  browser: { type: 'boolean' },
  camera: { type: 'boolean' },
  'sync-interval': { type: 'string' },
  'upload-interval': { type: 'string' },
  'retention-days': { type: 'string' },
  'staff-idle-seconds': { type: 'string' },
  'repeat-window': { type: 'string' },
  device: { type: 'string', multiple: true },
  'log-level': { type: 'string' },
  volume: { type: 'string' },
  mute: { type: 'boolean' },
  theme: { type: 'string' },
  'day-hours': { type: 'string' },
  'db-key-file': { type: 'string' },
} as const;
export type StartOption = keyof typeof START_OPTIONS;

/**
 * The launch options from a command line: parsed, devices.json read and merged with
 * `--device` (here, once), and checked by the same validator the Electron shell runs on
 * what it is handed. Every problem is a UsageError naming the option or the file's field.
 */
export function buildLaunchOptions(args: readonly string[], env: NodeJS.ProcessEnv = process.env): LaunchOptions {
  const { values } = parseCommandArgs(args, START_OPTIONS);
  const dataDir = resolve(values['data-dir'] ?? defaultDataDir(env));
  const durations: { -readonly [K in LaunchDuration]?: number } = {};
  for (const [field, limit] of Object.entries(LAUNCH_DURATIONS) as [LaunchDuration, (typeof LAUNCH_DURATIONS)[LaunchDuration]][]) {
    const text = values[limit.flag.slice(2) as 'sync-interval' | 'upload-interval' | 'retention-days' | 'staff-idle-seconds' | 'repeat-window'];
    if (text === undefined) continue;
    // Blank text is not zero: Number('') would be 0, a valid retention.
    durations[field] = text.trim() === '' ? Number.NaN : Number(text) * limit.unitMs;
  }
  try {
    // Resolved here, once: the Electron process gets the level, not the environment to read again.
    const logLevel = values['log-level'] !== undefined || (env[LOG_LEVEL_ENV] ?? '') !== '' ? logLevelFrom(values['log-level'], env) : undefined;
    const sound = soundOptions(values.volume, values.mute === true);
    const theme = themeOptions(values.theme, values['day-hours']);
    return validateLaunchOptions({
      dataDir,
      port: parsePort(values.port),
      open: values.open === true,
      browser: values.browser === true,
      camera: values.camera === true,
      // The validator reads devices in devices.json's form, as the Electron shell receives them.
      devicesConfig: devicesConfigToJson(resolveDevicesConfig(dataDir, values.device ?? [])),
      ...durations,
      ...(logLevel === undefined ? {} : { logLevel }),
      ...(sound === undefined ? {} : { sound }),
      ...(theme === undefined ? {} : { theme }),
      ...(values['db-key-file'] === undefined ? {} : { dbKeyFile: resolve(values['db-key-file']) }),
    });
  } catch (error) {
    if (error instanceof DeviceSpecError || error instanceof LaunchOptionsError || error instanceof LogLevelError) throw new UsageError(error.message);
    throw error;
  }
}

/**
 * `--volume` and `--mute` as the launch options' sound settings; neither given: none (the
 * core's default). The range is checked with the rest of the launch options.
 */
function soundOptions(volume: string | undefined, muted: boolean): SoundSettings | undefined {
  if (volume === undefined && !muted) return undefined;
  // Blank text is not zero (Number('') is 0, a valid volume): left NaN, refused by the check.
  const level = volume === undefined ? DEFAULT_SOUND_SETTINGS.volume : volume.trim() === '' ? Number.NaN : Number(volume);
  return { volume: level, muted };
}

/**
 * `--theme` and `--day-hours START-END` (HH:MM-HH:MM, the kiosk's local time) as the launch
 * options' theme settings; neither given: none (the core's default). A text that is no time
 * of day is left NaN, refused with the rest of the launch options.
 */
function themeOptions(mode: string | undefined, dayHours: string | undefined): ThemeSettings | undefined {
  if (mode === undefined && dayHours === undefined) return undefined;
  const [start, end, ...extra] = dayHours === undefined ? [] : dayHours.split('-');
  const minute = (text: string | undefined, fallback: number) =>
    dayHours === undefined ? fallback : extra.length > 0 || text === undefined ? Number.NaN : (minuteOfDayFrom(text) ?? Number.NaN);
  return {
    mode: (mode ?? DEFAULT_THEME_SETTINGS.mode) as ThemeSettings['mode'],
    dayStartMinute: minute(start, DEFAULT_THEME_SETTINGS.dayStartMinute),
    dayEndMinute: minute(end, DEFAULT_THEME_SETTINGS.dayEndMinute),
  };
}

/**
 * The Electron app's launch options from its process arguments (unpackaged: electron
 * <app dir> [args]; packaged: chot [args]). Started by `chot start`: the object it built and
 * checked, checked again here (a process boundary). Started directly — the packaged app from
 * an autostart entry — built from those arguments exactly as `chot start` builds them.
 */
export function electronLaunchOptions(argv: readonly string[], packaged: boolean, env: NodeJS.ProcessEnv = process.env): LaunchOptions {
  const args = argv.slice(packaged ? 1 : 2);
  try {
    return launchOptionsFromArgs(args) ?? buildLaunchOptions(args, env);
  } catch (error) {
    if (error instanceof LaunchOptionsError) throw new UsageError(error.message);
    throw error;
  }
}
