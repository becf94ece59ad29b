import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { browserModeOptions, runStart, START_HELP } from '../../../cli/commands/start.js';
import { buildLaunchOptions, electronLaunchOptions, START_OPTIONS, type StartOption } from '../../../cli/commands/start-options.js';
import { UsageError } from '../../../cli/args.js';
import type { KioskRuntimeOptions } from '../../../main/core/kiosk-runtime.js';
import { launchOptionsArg, launchOptionsFromArgs, type LaunchOptions } from '../../../main/launcher/launch-options.js';
import { cameraAllowed, runFakeElectron } from '../../support/fake-electron.js';
import { repoRoot, tempDataDir } from '../../support/kiosk-process.js';

/**
 * A value other than the default for every option of `chot start`. Typed by the options
 * definition: an option added there does not type-check until it has a value here, and the
 * test below then proves it reaches both shells.
 */
const NON_DEFAULT: Readonly<Record<StartOption, () => readonly string[]>> = {
  'data-dir': () => ['--data-dir', tempDataDir('chot-start-other-')],
  port: () => ['--port', '18123'],
  open: () => ['--open'],
  browser: () => ['--browser'],
  camera: () => ['--camera'],
  'sync-interval': () => ['--sync-interval', '7'],
  'upload-interval': () => ['--upload-interval', '2.5'],
  'retention-days': () => ['--retention-days', '3'],
  'staff-idle-seconds': () => ['--staff-idle-seconds', '45'],
  'repeat-window': () => ['--repeat-window', '1.5'],
  device: () => ['--device', 'serial-scanner=/dev/ttyACM0:9600,lane=2,direction=out,suffix=hex:03'],
  'log-level': () => ['--log-level', 'debug'],
  'db-key-file': () => ['--db-key-file', '/etc/chot/db.key'],
  volume: () => ['--volume', '35'],
  mute: () => ['--mute'],
  theme: () => ['--theme', 'auto'],
  'day-hours': () => ['--day-hours', '05:30-19:00'],
};

/**
 * The runtime's options without its logger, which each shell opens its own of (at the level the
 * options carry), and without whether a page is expected: Electron always shows one, browser mode
 * only with --open (checked on its own below).
 */
function comparable(options: KioskRuntimeOptions | undefined): unknown {
  if (options === undefined) return undefined;
  const { logger: _logger, pageExpected: _pageExpected, ...rest } = options as KioskRuntimeOptions & { port?: number };
  delete (rest as { port?: number }).port;
  return rest;
}

/** What reached each shell when `chot start ARGS` ran: browser mode (no Electron installed) and Electron (installed). */
async function launchBoth(args: readonly string[]) {
  let browserLaunch: LaunchOptions | undefined;
  const browserExit = await runStart(args, {
    findElectron: () => null,
    runElectron: () => Promise.reject(new Error('Electron is not installed here')),
    runBrowserMode: (launch) => ((browserLaunch = launch), Promise.resolve(0)),
  });
  expect(browserExit).toBe(0);
  if (browserLaunch === undefined) throw new Error('browser mode did not start');
  const browser = { ...browserModeOptions(browserLaunch), open: browserLaunch.open, camera: browserLaunch.camera };

  let electronArgs: readonly string[] | undefined;
  let electronWentToBrowserMode = false;
  await runStart(args, {
    findElectron: () => '/opt/electron/electron',
    runElectron: (_binary, electronArgv) => ((electronArgs = electronArgv), Promise.resolve(0)),
    runBrowserMode: () => ((electronWentToBrowserMode = true), Promise.resolve(0)),
  });
  // What the Electron process does with its argv (the app dir first): the real shell, on fakes.
  const handed = electronArgs === undefined ? undefined : launchOptionsFromArgs(electronArgs.slice(1));
  const run = handed === undefined ? undefined : await runFakeElectron(handed);
  const electron = {
    started: run !== undefined,
    wentToBrowserMode: electronWentToBrowserMode,
    runtime: comparable(run?.runtimeOptions),
    urls: run?.windows.flatMap((window) => window.loaded),
    camera: run === undefined ? undefined : cameraAllowed(run),
    logs: run?.logs,
  };
  return { browser, electron, browserRuntime: comparable(browserModeOptions(browserLaunch)) };
}

beforeEach(() => {
  // The default data dir, where devices.json is looked for: an empty one of the test's own.
  vi.stubEnv('CHOT_DATA_DIR', tempDataDir('chot-start-default-'));
});
afterEach(() => vi.unstubAllEnvs());

describe('chot start: every option reaches the kiosk in both shells', () => {
  it('has a non-default value for every option of the definition, and --help names each', () => {
    expect(Object.keys(NON_DEFAULT).sort()).toEqual(Object.keys(START_OPTIONS).sort());
    for (const option of Object.keys(START_OPTIONS)) expect(START_HELP).toContain(`--${option}`);
  });

  it("the README's options table has a row for every option, and no other", () => {
    const readme = readFileSync(join(repoRoot(), 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Browser mode and Electron'), readme.indexOf('\n## ', readme.indexOf('## Browser mode and Electron') + 1));
    const rows = [...section.matchAll(/^\| `--([a-z-]+)` \|/gm)].map((match) => match[1]);
    expect(rows.sort()).toEqual(Object.keys(START_OPTIONS).sort());
  });

  it.each(Object.keys(START_OPTIONS) as StartOption[])('--%s', async (option) => {
    const defaults = await launchBoth([]);
    const given = await launchBoth(NON_DEFAULT[option]());

    // Each option changes what at least one shell starts with: none is parsed and dropped.
    expect({ browser: given.browser, electron: given.electron }).not.toEqual({ browser: defaults.browser, electron: defaults.electron });
    // Whatever the runtime gets, it gets the same in Electron as in browser mode.
    if (given.electron.started) expect(given.electron.runtime).toEqual(given.browserRuntime);
    expect(defaults.electron.runtime).toEqual(defaults.browserRuntime);
  });

  it('the durations arrive in the runtime in milliseconds, in both shells', async () => {
    const { browserRuntime, electron } = await launchBoth([
      '--sync-interval',
      '7',
      '--upload-interval',
      '2.5',
      '--retention-days',
      '3',
      '--staff-idle-seconds',
      '45',
      '--repeat-window',
      '0.5',
    ]);
    const expected = { syncIntervalMs: 7000, uploadIntervalMs: 2500, retentionMs: 3 * 86_400_000, staffIdleMs: 45_000, repeatWindowMs: 500 };
    expect(browserRuntime).toMatchObject(expected);
    expect(electron.runtime).toMatchObject(expected);
  });

  it('--volume and --mute arrive in the runtime as its sound settings, in both shells; neither: none, the core default', async () => {
    for (const [args, sound] of [
      [['--volume', '35'], { volume: 35, muted: false }],
      [['--mute'], { volume: 80, muted: true }],
      [['--volume', '0', '--mute'], { volume: 0, muted: true }],
    ] as const) {
      const { browserRuntime, electron } = await launchBoth(args);
      expect(browserRuntime).toMatchObject({ sound });
      expect(electron.runtime).toMatchObject({ sound });
    }
    expect((await launchBoth([])).browserRuntime).not.toHaveProperty('sound');
  });

  it('--theme and --day-hours arrive in the runtime as its theme settings, in both shells; neither: none, the core default (dark)', async () => {
    for (const [args, theme] of [
      [['--theme', 'bright'], { mode: 'bright', dayStartMinute: 360, dayEndMinute: 1080 }],
      [['--theme', 'auto', '--day-hours', '05:30-19:00'], { mode: 'auto', dayStartMinute: 330, dayEndMinute: 1140 }],
      [['--day-hours', '22:00-4:15'], { mode: 'dark', dayStartMinute: 1320, dayEndMinute: 255 }],
    ] as const) {
      const { browserRuntime, electron } = await launchBoth(args);
      expect(browserRuntime).toMatchObject({ theme });
      expect(electron.runtime).toMatchObject({ theme });
    }
    expect((await launchBoth([])).browserRuntime).not.toHaveProperty('theme');
  });

  it('the devices reach the Electron runtime resolved, a hex suffix included', async () => {
    const { electron } = await launchBoth(NON_DEFAULT.device());
    expect(electron.runtime).toMatchObject({
      devicesConfig: { devices: [{ kind: 'serial-scanner', path: '/dev/ttyACM0', lane: '2', direction: 'out', baudRate: 9600, suffix: { hex: '03' } }] },
    });
  });

  it('--camera reaches the Electron window and its media policy; --browser keeps Electron out', async () => {
    expect((await launchBoth(['--camera'])).electron).toMatchObject({ urls: ['app://kiosk/index.html#camera=1'], camera: true });
    expect((await launchBoth([])).electron).toMatchObject({ urls: ['app://kiosk/index.html'], camera: false });
    expect((await launchBoth(['--browser'])).electron).toMatchObject({ started: false, wentToBrowserMode: true });
  });
});

describe('chot start: the log level', () => {
  it('comes from CHOT_LOG_LEVEL when no option gives it, and the option wins', () => {
    const env = { CHOT_DATA_DIR: tempDataDir('chot-start-env-'), CHOT_LOG_LEVEL: 'warn' };
    expect(buildLaunchOptions([], env).logLevel).toBe('warn');
    expect(buildLaunchOptions(['--log-level', 'error'], env).logLevel).toBe('error');
    expect(buildLaunchOptions([], { CHOT_DATA_DIR: env.CHOT_DATA_DIR }).logLevel).toBeUndefined();
    expect(() => buildLaunchOptions([], { ...env, CHOT_LOG_LEVEL: 'verbose' })).toThrow(UsageError);
  });
});

describe('chot start: bad options stop it before either shell starts', () => {
  it.each([
    [['--sync-interval', '0'], '--sync-interval must be a number of seconds from 1 to 86400'],
    [['--upload-interval', ''], '--upload-interval must be a number of seconds from 1 to 86400'],
    [['--upload-interval', 'soon'], '--upload-interval must be'],
    [['--retention-days', '1.5'], '--retention-days must be a whole number of days from 0 to 3650'],
    [['--retention-days', ' '], '--retention-days must be'],
    [['--staff-idle-seconds', '5'], '--staff-idle-seconds must be a number of seconds from 10 to 3600'],
    [['--repeat-window', '61'], '--repeat-window must be a number of seconds from 0 to 60'],
    [['--repeat-window=-1'], '--repeat-window must be'],
    [['--port', '65536'], '--port must be 0–65535'],
    [['--device', 'serial-relay=auto'], 'cannot be found automatically'],
    [['--log-level', 'loud'], '--log-level must be debug, info, warn or error'],
    [['--volume', '101'], '--volume must be a whole number from 0 to 100'],
    [['--volume', 'loud'], '--volume must be a whole number from 0 to 100'],
    [['--volume', ''], '--volume must be a whole number from 0 to 100'],
    [['--volume=-1'], '--volume must be'],
    [['--theme', 'sunny'], '--theme must be dark, bright or auto'],
    [['--theme', ''], '--theme must be dark, bright or auto'],
    [['--day-hours', '6-18'], '--day-hours must be two different times of day, HH:MM-HH:MM'],
    [['--day-hours', '06:00-24:00'], '--day-hours must be'],
    [['--day-hours', '06:00-18:00-20:00'], '--day-hours must be'],
    [['--day-hours', '07:00-07:00'], '--day-hours must be'],
  ])('%j', async (args, message) => {
    const started: string[] = [];
    const shells = {
      findElectron: () => '/opt/electron/electron',
      runElectron: () => (started.push('electron'), Promise.resolve(0)),
      runBrowserMode: () => (started.push('browser'), Promise.resolve(0)),
    };
    await expect(runStart(args, shells)).rejects.toThrow(UsageError);
    await expect(runStart(args, shells)).rejects.toThrow(message);
    expect(started).toEqual([]);
  });
});

describe('the Electron app reads its launch options', () => {
  it('from chot start: the object it was handed, whatever else is on its command line', () => {
    const launch = buildLaunchOptions(['--retention-days', '5', '--camera']);
    expect(electronLaunchOptions(['/opt/electron/electron', '/app', '--no-sandbox', launchOptionsArg(launch)], false)).toEqual(launch);
    expect(electronLaunchOptions(['/opt/chot/chot', launchOptionsArg(launch)], true)).toEqual(launch);
  });

  it('started directly (the packaged app from an autostart entry): from its arguments, by chot start’s parser', () => {
    const dataDir = tempDataDir('chot-packaged-');
    const launch = electronLaunchOptions(['/opt/chot/chot', '--data-dir', dataDir, '--retention-days', '5', '--sync-interval', '30'], true);
    expect(launch).toEqual(buildLaunchOptions(['--data-dir', dataDir, '--retention-days', '5', '--sync-interval', '30']));
    expect(launch).toMatchObject({ dataDir, retentionMs: 5 * 86_400_000, syncIntervalMs: 30_000 });
  });

  it('refuses, as a usage error, a handed object that does not pass the check or options that do not', () => {
    const tampered = launchOptionsArg({ ...buildLaunchOptions([]), retentionMs: -1 });
    expect(() => electronLaunchOptions(['/opt/chot/chot', tampered], true)).toThrow(UsageError);
    expect(() => electronLaunchOptions(['/opt/chot/chot', tampered], true)).toThrow('--retention-days must be');
    expect(() => electronLaunchOptions(['/opt/chot/chot', '--retention-days', 'x'], true)).toThrow(UsageError);
  });
});

describe('chot start: the page the service watchdog counts', () => {
  it('is expected in Electron always, in browser mode only with --open', async () => {
    const plain = await launchBoth([]);
    const open = await launchBoth(['--open']);
    expect(plain.browser.pageExpected).toBe(false);
    expect(open.browser.pageExpected).toBe(true);
    const handed = launchOptionsFromArgs([launchOptionsArg(buildLaunchOptions([]))]);
    if (handed === undefined) throw new Error('the launch options did not survive the argument');
    expect((await runFakeElectron(handed)).runtimeOptions?.pageExpected).toBe(true);
  });
});
