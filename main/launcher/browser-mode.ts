import { createDispatcher } from '../contract/contract-dispatcher.js';
import { rendererDir } from '../config/paths.js';
import type { KioskCore } from '../core/kiosk-core.js';
import { startKioskRuntime, type KioskRuntimeOptions } from '../core/kiosk-runtime.js';
import { startBrowserModeServer, type BrowserModeServer } from '../server/browser-mode-server.js';
import { loadStaticFiles } from '../server/static-files.js';

export interface BrowserMode {
  readonly core: KioskCore;
  /** Whether the kiosk is enrolled with a hub and syncing (else: demo data). */
  readonly enrolled: boolean;
  readonly server: BrowserModeServer;
  stop(): Promise<void>;
}

/** The core (and its sync, when enrolled) in plain Node, serving the renderer on 127.0.0.1 (no Electron needed). */
export async function startBrowserMode(options: KioskRuntimeOptions & { readonly port: number }): Promise<BrowserMode> {
  const files = loadStaticFiles(rendererDir());
  const runtime = await startKioskRuntime(options);
  try {
    const dispatch = createDispatcher(runtime.core, (method, error) => {
      process.stderr.write(`core fault in ${method}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    });
    const server = await startBrowserModeServer({ dispatch, files, port: options.port, events: (listener) => runtime.core.onEvent(listener) });
    return {
      core: runtime.core,
      enrolled: runtime.enrolled,
      server,
      stop: async () => {
        await server.close();
        await runtime.close();
      },
    };
  } catch (error) {
    await runtime.close();
    throw error;
  }
}
