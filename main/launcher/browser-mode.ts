import { createDispatcher } from '../contract/contract-dispatcher.js';
import { rendererDir } from '../config/paths.js';
import { KioskCore, type KioskCoreOptions } from '../core/kiosk-core.js';
import { startBrowserModeServer, type BrowserModeServer } from '../server/browser-mode-server.js';
import { loadStaticFiles } from '../server/static-files.js';

export interface BrowserMode {
  readonly core: KioskCore;
  readonly server: BrowserModeServer;
  stop(): Promise<void>;
}

/** The core in plain Node, serving the renderer on 127.0.0.1 (no Electron needed). */
export async function startBrowserMode(options: KioskCoreOptions & { readonly port: number }): Promise<BrowserMode> {
  const files = loadStaticFiles(rendererDir());
  const core = KioskCore.open(options);
  try {
    const dispatch = createDispatcher(core, (method, error) => {
      process.stderr.write(`core fault in ${method}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    });
    const server = await startBrowserModeServer({ dispatch, files, port: options.port });
    return {
      core,
      server,
      stop: async () => {
        await server.close();
        core.close();
      },
    };
  } catch (error) {
    core.close();
    throw error;
  }
}
