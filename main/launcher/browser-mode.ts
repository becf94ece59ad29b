import { createDispatcher } from '../contract/contract-dispatcher.js';
import { rendererDir } from '../config/paths.js';
import type { KioskCore } from '../core/kiosk-core.js';
import { startKioskRuntime, type KioskRuntime, type KioskRuntimeOptions } from '../core/kiosk-runtime.js';
import { lineLog, type Logger } from '../../platform/logging/logger.js';
import { openKioskLogger } from '../logging/kiosk-logger.js';
import { startBrowserModeServer, type BrowserModeServer } from '../server/browser-mode-server.js';
import { loadStaticFiles } from '../server/static-files.js';
import { browserModeToken } from '../server/browser-token.js';

export interface BrowserMode {
  readonly core: KioskCore;
  /** The kiosk's logger, for the shell's own lines. */
  readonly logger: Logger;
  /** Whether the kiosk is enrolled with a hub and syncing (else: demo data). */
  readonly enrolled: boolean;
  readonly server: BrowserModeServer;
  stop(): Promise<void>;
}

/** The core (and its sync, when enrolled) in plain Node, serving the renderer on 127.0.0.1 (no Electron needed). */
export async function startBrowserMode(options: KioskRuntimeOptions & { readonly port: number }): Promise<BrowserMode> {
  const files = loadStaticFiles(rendererDir());
  // Opened here, not by the runtime: the server's and the dispatcher's lines go to the same files.
  const ownLogger = options.logger === undefined ? openKioskLogger(options.dataDir, options.logLevel) : undefined;
  const logger = options.logger ?? (ownLogger as Logger);
  let runtime: KioskRuntime;
  try {
    runtime = await startKioskRuntime({ ...options, logger });
  } catch (error) {
    ownLogger?.close();
    throw error;
  }
  const shellLog = logger.child({ component: 'browser-mode' });
  try {
    const dispatch = createDispatcher(runtime.core, (method, error) => {
      shellLog.error(`core fault in ${method}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`, { method });
    });
    const server = await startBrowserModeServer({
      dispatch,
      files,
      port: options.port,
      // Stable across restarts on this data dir and port: an open page reconnects by itself.
      token: (origin) => browserModeToken(options.dataDir, origin, lineLog(shellLog, 'warn')),
      events: (listener) => runtime.core.onEvent(listener),
      log: lineLog(shellLog, 'info'),
    });
    return {
      core: runtime.core,
      logger,
      enrolled: runtime.enrolled,
      server,
      stop: async () => {
        await server.close();
        await runtime.close();
        ownLogger?.close();
      },
    };
  } catch (error) {
    await runtime.close();
    ownLogger?.close();
    throw error;
  }
}
