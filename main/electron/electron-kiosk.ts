// Electron's main process: a thin shell around the same core browser mode runs, started
// with the launch options `chot start` built (launch-options.ts), never from argv of its own.
import { lineLog, type Logger } from '../../platform/logging/logger.js';
import type { App, BrowserWindowConstructorOptions, IpcMain, Protocol, Session } from 'electron';
import { join } from 'node:path';
import { rendererDir } from '../config/paths.js';
import { createDispatcher } from '../contract/contract-dispatcher.js';
import { startKioskRuntime, type KioskRuntime, type KioskRuntimeOptions } from '../core/kiosk-runtime.js';
import { kioskRuntimeOptions, type LaunchOptions } from '../launcher/launch-options.js';
import { contentSecurityPolicy } from '../security/content-security-policy.js';
import { loadStaticFiles, type StaticFile } from '../server/static-files.js';
import { APP_ORIGIN, APP_SCHEME, appProtocolHandler } from './app-protocol.js';
import { createContractIpcHandler } from './contract-ipc-handler.js';
import { hardenWebContents, type HardenableContents } from './harden-web-contents.js';
import { installMediaPolicy, type PermissionSession } from './media-permissions.js';
import { CONTRACT_CHANNEL, EVENT_CHANNEL } from './preload-api.js';
import { kioskWindowOptions } from './window-options.js';

/** The kiosk window, as far as the shell drives it. */
export interface KioskWindow {
  readonly webContents: { send(channel: string, ...args: unknown[]): void };
  isDestroyed(): boolean;
  focus(): void;
  show(): void;
  once(event: 'ready-to-show', listener: () => void): unknown;
  loadURL(url: string): Promise<void>;
}

/**
 * The parts of Electron the shell uses, handed in: the entry point passes Electron's own,
 * a test passes fakes, so the wiring is tested without the Electron binary.
 */
export interface ElectronApis {
  readonly app: Pick<App, 'requestSingleInstanceLock' | 'quit' | 'exit' | 'on' | 'whenReady'>;
  readonly createWindow: (options: BrowserWindowConstructorOptions) => KioskWindow;
  readonly ipcMain: Pick<IpcMain, 'handle'>;
  readonly protocol: Pick<Protocol, 'registerSchemesAsPrivileged' | 'handle'>;
  readonly defaultSession: () => PermissionSession | Session;
}

export interface ElectronKioskDeps {
  /** The kiosk's logger (stderr and `<data-dir>/logs`), opened by the entry point and handed to the runtime. */
  readonly logger: Logger;
  /** Tests: a runtime that records its options (default: the real one). */
  readonly startRuntime?: (options: KioskRuntimeOptions) => Promise<KioskRuntime>;
  /** Tests: the renderer's files (default: the built renderer). */
  readonly rendererFiles?: () => ReadonlyMap<string, StaticFile>;
  /** Tests: how a signal is awaited (default: process.once). */
  readonly onSignal?: (signal: 'SIGINT' | 'SIGTERM', listener: () => void) => void;
}

/**
 * Starts the Electron kiosk: one instance, hardened web contents, the runtime with exactly
 * the runtime options browser mode gets from the same launch options, then the window.
 * Resolves once the window is loading (or the process is quitting).
 */
export async function startElectronKiosk(electron: ElectronApis, launch: LaunchOptions, deps: ElectronKioskDeps): Promise<void> {
  const { app } = electron;
  const logger = deps.logger.child({ component: 'electron' });
  const log = lineLog(logger, 'warn');
  electron.protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
  if (!app.requestSingleInstanceLock()) {
    logger.info('another Chốt kiosk is already running; quitting');
    app.quit();
    return;
  }
  // Not silent: a person who gave these expected them to do something.
  if (launch.open || launch.port !== 0) log('--port and --open are for browser mode (chot start --browser); the Electron window does not use them');
  let window: KioskWindow | null = null;
  app.on('second-instance', () => window?.focus());
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents as HardenableContents, APP_ORIGIN, log));
  app.on('window-all-closed', () => app.quit());

  await app.whenReady();
  // The core and, when enrolled, its sync; demo data otherwise.
  const runtime = await (deps.startRuntime ?? startKioskRuntime)({ ...kioskRuntimeOptions(launch), pageExpected: true, logger: deps.logger });
  // Quitting waits for the runtime to close: every relay all off before the process ends.
  let closed = false;
  app.on('before-quit', (event) => {
    if (closed) return;
    event.preventDefault();
    closed = true;
    void runtime.close().finally(() => app.quit());
  });
  const onSignal = deps.onSignal ?? ((signal, listener) => void process.once(signal, listener));
  for (const signal of ['SIGINT', 'SIGTERM'] as const) onSignal(signal, () => app.quit());
  runtime.core.onEvent((event) => {
    if (window !== null && !window.isDestroyed()) window.webContents.send(EVENT_CHANNEL, event);
  });
  const dispatch = createDispatcher(runtime.core, (method, error) =>
    logger.error(`core fault in ${method}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`, { method }),
  );
  electron.ipcMain.handle(CONTRACT_CHANNEL, createContractIpcHandler(dispatch, APP_ORIGIN));
  installMediaPolicy(electron.defaultSession() as PermissionSession, { appOrigin: APP_ORIGIN, camera: launch.camera }, log);
  // The camera's decode worker fetches the QR reader's .wasm: that one file of ours, nothing else.
  const connectSources = launch.camera ? [`${APP_ORIGIN}/zxing_reader.wasm`] : [];
  const files = (deps.rendererFiles ?? (() => loadStaticFiles(rendererDir())))();
  electron.protocol.handle(APP_SCHEME, appProtocolHandler(files, contentSecurityPolicy(connectSources)));
  const created = electron.createWindow(kioskWindowOptions(join(import.meta.dirname, 'preload.cjs')));
  window = created;
  created.once('ready-to-show', () => created.show());
  void created.loadURL(`${APP_ORIGIN}/index.html${launch.camera ? '#camera=1' : ''}`);
}
