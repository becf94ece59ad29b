// Electron's main process: a thin shell around the same core browser mode runs.
import { app, BrowserWindow, ipcMain, protocol, session } from 'electron';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { defaultDataDir, rendererDir } from '../config/paths.js';
import { createDispatcher } from '../contract/contract-dispatcher.js';
import { startKioskRuntime } from '../core/kiosk-runtime.js';
import { contentSecurityPolicy } from '../security/content-security-policy.js';
import { loadStaticFiles } from '../server/static-files.js';
import { APP_ORIGIN, APP_SCHEME, appProtocolHandler } from './app-protocol.js';
import { createContractIpcHandler } from './contract-ipc-handler.js';
import { hardenWebContents } from './harden-web-contents.js';
import { installMediaPolicy } from './media-permissions.js';
import { CONTRACT_CHANNEL, EVENT_CHANNEL } from './preload-api.js';
import { resolveDevicesConfig } from '../devices/device-setup.js';
import { kioskWindowOptions } from './window-options.js';
import { keepRunningWhenOutputCloses } from '../launcher/process-output.js';

const log = (message: string): void => void process.stderr.write(`chot: ${message}\n`);
keepRunningWhenOutputCloses();

protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);

if (!app.requestSingleInstanceLock()) {
  log('another Chốt kiosk is already running; quitting');
  app.quit();
} else {
  // Unpackaged: electron <app dir> [args]; packaged: chot [args].
  const { values } = parseArgs({ args: process.argv.slice(app.isPackaged ? 1 : 2), options: { 'data-dir': { type: 'string' }, device: { type: 'string', multiple: true }, camera: { type: 'boolean' } }, strict: false, allowPositionals: true });
  const dataDir = resolve(typeof values['data-dir'] === 'string' ? values['data-dir'] : defaultDataDir());
  // `chot start` checked these already; a bad spec here (electron started by hand) quits with the reason.
  const deviceArgs = Array.isArray(values.device) ? values.device.filter((value): value is string => typeof value === 'string') : [];
  const camera = values.camera === true;
  let window: BrowserWindow | null = null;

  app.on('second-instance', () => window?.focus());
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, APP_ORIGIN, log));
  app.on('window-all-closed', () => app.quit());

  void app.whenReady().then(async () => {
    // The core and, when enrolled, its sync; demo data otherwise.
    let devicesConfig;
    try {
      devicesConfig = resolveDevicesConfig(dataDir, deviceArgs);
    } catch (error) {
      log(error instanceof Error ? error.message : String(error));
      app.exit(2);
      return;
    }
    const runtime = await startKioskRuntime({ dataDir, log, devicesConfig });
    // Quitting waits for the runtime to close: every relay all off before the process ends.
    let closed = false;
    app.on('before-quit', (event) => {
      if (closed) return;
      event.preventDefault();
      closed = true;
      void runtime.close().finally(() => app.quit());
    });
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => app.quit());
    runtime.core.onEvent((event) => {
      if (window !== null && !window.isDestroyed()) window.webContents.send(EVENT_CHANNEL, event);
    });
    const dispatch = createDispatcher(runtime.core, (method, error) => log(`core fault in ${method}: ${String(error)}`));
    ipcMain.handle(CONTRACT_CHANNEL, createContractIpcHandler(dispatch, APP_ORIGIN));
    installMediaPolicy(session.defaultSession, { appOrigin: APP_ORIGIN, camera }, log);
    // The camera's decode worker fetches the QR reader's .wasm: that one file of ours, nothing else.
    const connectSources = camera ? [`${APP_ORIGIN}/zxing_reader.wasm`] : [];
    protocol.handle(APP_SCHEME, appProtocolHandler(loadStaticFiles(rendererDir()), contentSecurityPolicy(connectSources)));
    window = new BrowserWindow(kioskWindowOptions(join(import.meta.dirname, 'preload.cjs')));
    window.once('ready-to-show', () => window?.show());
    void window.loadURL(`${APP_ORIGIN}/index.html${camera ? '#camera=1' : ''}`);
  });
}
