import type { BrowserWindowConstructorOptions } from 'electron';
import { createLogger } from '../../platform/logging/logger.js';
import { formatLogLine } from '../../platform/logging/stderr-sink.js';
import type { KioskCore } from '../../main/core/kiosk-core.js';
import type { KioskRuntime, KioskRuntimeOptions } from '../../main/core/kiosk-runtime.js';
import { APP_ORIGIN } from '../../main/electron/app-protocol.js';
import { startElectronKiosk, type ElectronApis, type KioskWindow } from '../../main/electron/electron-kiosk.js';
import type { PermissionSession } from '../../main/electron/media-permissions.js';
import type { LaunchOptions } from '../../main/launcher/launch-options.js';
import type { StaticFile } from '../../main/server/static-files.js';

type Listener = (...args: unknown[]) => void;
type CheckHandler = Parameters<PermissionSession['setPermissionCheckHandler']>[0];
type RequestHandler = Parameters<PermissionSession['setPermissionRequestHandler']>[0];
type IpcHandler = (event: unknown, ...args: unknown[]) => unknown;

/** A window that records what the shell did to it. */
export class FakeWindow implements KioskWindow {
  readonly sent: { channel: string; args: unknown[] }[] = [];
  readonly webContents = { send: (channel: string, ...args: unknown[]): void => void this.sent.push({ channel, args }) };
  readonly loaded: string[] = [];
  /** The options the shell created the window with. */
  options: BrowserWindowConstructorOptions | undefined;
  readyToShow: (() => void) | undefined;
  shown = false;
  focused = false;
  isDestroyed(): boolean {
    return false;
  }
  focus(): void {
    this.focused = true;
  }
  show(): void {
    this.shown = true;
  }
  once(_event: 'ready-to-show', listener: () => void): unknown {
    this.readyToShow = listener;
    return this;
  }
  loadURL(url: string): Promise<void> {
    this.loaded.push(url);
    return Promise.resolve();
  }
}

/** Everything a run of the Electron shell did, as the test sees it. */
export interface ElectronRun {
  /** The options the runtime was started with (undefined: it was not started). */
  runtimeOptions: KioskRuntimeOptions | undefined;
  readonly windows: FakeWindow[];
  readonly appListeners: Map<string, Listener[]>;
  readonly ipcChannels: string[];
  readonly privilegedSchemes: string[];
  readonly logs: string[];
  quits: number;
  runtimeClosed: number;
  /** The window's permission check, as the media policy installed it. */
  permissionCheck: CheckHandler | undefined;
  /** The session's permission request handler, as the media policy installed it. */
  permissionRequest: RequestHandler | undefined;
  /** The handlers the shell put on ipcMain, by channel. */
  readonly ipcHandlers: Map<string, IpcHandler>;
  /** What serves the app:// scheme, as the shell installed it. */
  appProtocol: ((request: Request) => Response) | undefined;
  /** The core's event listener, to push an event through. */
  coreListener: ((event: unknown) => void) | undefined;
  readonly signals: string[];
}

/**
 * Runs the real Electron shell (startElectronKiosk) against fakes of Electron's app, window,
 * IPC, protocol and session and a runtime that records its options: the wiring, without the
 * Electron binary.
 */
export async function runFakeElectron(launch: LaunchOptions, options: { readonly singleInstance?: boolean } = {}): Promise<ElectronRun> {
  const run: ElectronRun = {
    runtimeOptions: undefined,
    windows: [],
    appListeners: new Map(),
    ipcChannels: [],
    privilegedSchemes: [],
    logs: [],
    quits: 0,
    runtimeClosed: 0,
    permissionCheck: undefined,
    permissionRequest: undefined,
    ipcHandlers: new Map(),
    appProtocol: undefined,
    coreListener: undefined,
    signals: [],
  };
  const app = {
    requestSingleInstanceLock: () => options.singleInstance ?? true,
    quit: () => void (run.quits += 1),
    exit: () => undefined,
    on: (event: string, listener: Listener) => {
      run.appListeners.set(event, [...(run.appListeners.get(event) ?? []), listener]);
      return app;
    },
    whenReady: () => Promise.resolve(),
  };
  const session: PermissionSession = {
    setPermissionRequestHandler: (handler) => void (run.permissionRequest = handler),
    setPermissionCheckHandler: (handler) => void (run.permissionCheck = handler),
  };
  const electron = {
    app,
    createWindow: (options: BrowserWindowConstructorOptions) => {
      const window = new FakeWindow();
      window.options = options;
      run.windows.push(window);
      return window;
    },
    ipcMain: {
      handle: (channel: string, handler: IpcHandler) => {
        run.ipcChannels.push(channel);
        run.ipcHandlers.set(channel, handler);
      },
    },
    protocol: {
      registerSchemesAsPrivileged: (schemes: { scheme: string }[]) => void run.privilegedSchemes.push(...schemes.map((scheme) => scheme.scheme)),
      handle: (_scheme: string, handler: (request: Request) => Response) => void (run.appProtocol = handler),
    },
    defaultSession: () => session,
  };
  const core = {
    onEvent: (listener: (event: unknown) => void) => {
      run.coreListener = listener;
      return () => undefined;
    },
  };
  // The fake's log is the lines the shell wrote, as stderr shows them.
  const logger = createLogger({ level: 'debug', sinks: [{ write: (record) => void run.logs.push(formatLogLine(record)) }] });
  const runtime: KioskRuntime = {
    core: core as unknown as KioskCore,
    logger,
    enrolled: false,
    close: () => {
      run.runtimeClosed += 1;
      return Promise.resolve();
    },
  };
  const files = new Map<string, StaticFile>([['/index.html', { body: Buffer.from('<!doctype html>'), contentType: 'text/html; charset=utf-8' }]]);
  // The fakes implement only what ElectronApis names; the cast bridges Electron's overloaded `on`.
  await startElectronKiosk(electron as unknown as ElectronApis, launch, {
    logger,
    startRuntime: (runtimeOptions) => {
      run.runtimeOptions = runtimeOptions;
      return Promise.resolve(runtime);
    },
    rendererFiles: () => files,
    onSignal: (signal) => void run.signals.push(signal),
  });
  return run;
}

/** Whether the window's page may use the camera, as the installed media policy answers. */
export function cameraAllowed(run: ElectronRun): boolean {
  return run.permissionCheck?.(null, 'media', APP_ORIGIN, { mediaType: 'video' }) ?? false;
}
