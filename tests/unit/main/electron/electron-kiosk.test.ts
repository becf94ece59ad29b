import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import { APP_SCHEME } from '../../../../main/electron/app-protocol.js';
import { CONTRACT_CHANNEL, EVENT_CHANNEL } from '../../../../main/electron/preload-api.js';
import { EMPTY_DEVICES_CONFIG } from '../../../../main/devices/devices-file.js';
import type { LaunchOptions } from '../../../../main/launcher/launch-options.js';
import { cameraAllowed, runFakeElectron, type ElectronRun } from '../../../support/fake-electron.js';

const LAUNCH: LaunchOptions = { dataDir: '/var/lib/chot', port: 0, open: false, browser: false, camera: false, devicesConfig: EMPTY_DEVICES_CONFIG };

/** Calls the listeners the shell put on the app for `event`. */
function emitApp(run: ElectronRun, event: string, ...args: unknown[]): void {
  for (const listener of run.appListeners.get(event) ?? []) listener(...args);
}

describe('the Electron shell', () => {
  it('starts the runtime with the launch options, opens one window on the app origin and serves the contract', async () => {
    const run = await runFakeElectron({ ...LAUNCH, syncIntervalMs: 5000, retentionMs: 0 });
    expect(run.privilegedSchemes).toEqual([APP_SCHEME]);
    expect(run.runtimeOptions).toMatchObject({ dataDir: '/var/lib/chot', devicesConfig: EMPTY_DEVICES_CONFIG, syncIntervalMs: 5000, retentionMs: 0 });
    expect(run.ipcChannels).toEqual([CONTRACT_CHANNEL]);
    expect(run.windows).toHaveLength(1);
    expect(run.windows[0]?.loaded).toEqual(['app://kiosk/index.html']);
    expect(cameraAllowed(run)).toBe(false);
    expect(run.signals).toEqual(['SIGINT', 'SIGTERM']);
    expect(run.logs).toEqual([]);
  });

  it('shows the window when it is ready, and forwards the core events to it', async () => {
    const run = await runFakeElectron(LAUNCH);
    const window = run.windows[0];
    expect(window?.shown).toBe(false);
    window?.readyToShow?.();
    expect(window?.shown).toBe(true);
    run.coreListener?.({ type: 'status' });
    expect(window?.sent).toEqual([{ channel: EVENT_CHANNEL, args: [{ type: 'status' }] }]);
  });

  it('quits without starting the kiosk when another instance runs', async () => {
    const run = await runFakeElectron(LAUNCH, { singleInstance: false });
    expect(run.quits).toBe(1);
    expect(run.runtimeOptions).toBeUndefined();
    expect(run.windows).toEqual([]);
    expect(run.logs.join('\n')).toContain('already running');
  });

  it('quitting waits for the runtime to close (relays off) before the app quits', async () => {
    const run = await runFakeElectron(LAUNCH);
    let prevented = false;
    emitApp(run, 'before-quit', { preventDefault: () => (prevented = true) });
    expect(prevented).toBe(true);
    expect(run.runtimeClosed).toBe(1);
    await vi.waitFor(() => expect(run.quits).toBe(1));
    // The second before-quit (from that quit) goes through.
    let again = false;
    emitApp(run, 'before-quit', { preventDefault: () => (again = true) });
    expect(again).toBe(false);
    expect(run.runtimeClosed).toBe(1);
  });

  it('hardens every web contents created, and focuses the window on a second start', async () => {
    const run = await runFakeElectron(LAUNCH);
    const contents = Object.assign(new EventEmitter(), {
      windowOpenHandler: undefined as unknown,
      setWindowOpenHandler(handler: unknown) {
        this.windowOpenHandler = handler;
      },
      reload() {},
    });
    emitApp(run, 'web-contents-created', {}, contents);
    expect(contents.windowOpenHandler).toBeTypeOf('function');
    emitApp(run, 'second-instance');
    expect(run.windows[0]?.focused).toBe(true);
  });

  it('with the camera: the page asks for it in its URL and the media policy grants it', async () => {
    const run = await runFakeElectron({ ...LAUNCH, camera: true });
    expect(run.windows[0]?.loaded).toEqual(['app://kiosk/index.html#camera=1']);
    expect(cameraAllowed(run)).toBe(true);
  });

  it('says so when given browser-mode options it does not use', async () => {
    const run = await runFakeElectron({ ...LAUNCH, port: 8080, open: true });
    expect(run.logs.join('\n')).toContain('--port and --open are for browser mode');
  });
});
