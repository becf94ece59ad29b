import { contractApi, ContractCallError, valueOfReply } from '../../domain/contract/contract-client.js';
import { CALL_TIMEOUT_MS, type KioskApi, type KioskMethod } from '../../domain/contract/kiosk-api.js';
import { asKioskEvent } from '../../domain/contract/kiosk-event-guard.js';
import type { KioskEvent } from '../../domain/contract/kiosk-events.js';

/** The one IPC channel of the contract: `invoke(CONTRACT_CHANNEL, method, args)`. */
export const CONTRACT_CHANNEL = 'chot:contract';

export interface Invoker {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
}

/**
 * Builds `window.chot` for the preload from the contract's method list: each method
 * invokes the core over IPC and fails with a coded error after the call timeout.
 */
export function createPreloadApi(ipc: Invoker, timeoutMs = CALL_TIMEOUT_MS): KioskApi {
  return contractApi(async (method: KioskMethod, args: unknown[]): Promise<unknown> => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new ContractCallError('rpc.timeout', `${method} did not answer within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      return valueOfReply(method, await Promise.race([ipc.invoke(CONTRACT_CHANNEL, method, args), timeout]));
    } finally {
      clearTimeout(timer);
    }
  });
}

/** The channel the core pushes its events on (kiosk-events.ts): `webContents.send(EVENT_CHANNEL, event)`. */
export const EVENT_CHANNEL = 'chot:event';

export interface EventSource {
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
}

/** What the preload exposes beside `window.chot`, as `window.chotEvents`: the renderer subscribes to the core's pushes. */
export interface PreloadEvents {
  onEvent(listener: (event: KioskEvent) => void): void;
}

/**
 * `window.chotEvents`: only the event's data crosses to the page (never Electron's IPC event,
 * which would hand the page `sender`), and only events the contract's guard lets through.
 */
export function createPreloadEvents(ipc: EventSource): PreloadEvents {
  return {
    onEvent: (listener) => {
      ipc.on(EVENT_CHANNEL, (_ipcEvent, event) => {
        const checked = asKioskEvent(event);
        if (checked !== undefined) listener(checked);
      });
    },
  };
}
