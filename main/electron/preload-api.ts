import { CALL_TIMEOUT_MS, KIOSK_API_METHODS, type KioskApi } from '../../domain/contract/kiosk-api.js';
import type { DispatchResult } from '../contract/contract-dispatcher.js';
import { KIOSK_EVENT_NAMES, type KioskEvent } from '../../domain/contract/kiosk-events.js';

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
  const call = async (method: string, args: unknown[]): Promise<unknown> => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`rpc.timeout: ${method} did not answer within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      const result = (await Promise.race([ipc.invoke(CONTRACT_CHANNEL, method, args), timeout])) as DispatchResult | null | undefined;
      if (typeof result !== 'object' || result === null || typeof result.ok !== 'boolean') {
        throw new Error(`rpc.bad-reply: ${method} got a reply that is not a contract result`);
      }
      if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
      return result.value;
    } finally {
      clearTimeout(timer);
    }
  };
  const api: Record<string, (...args: unknown[]) => Promise<unknown>> = {};
  for (const method of KIOSK_API_METHODS) api[method] = (...args: unknown[]) => call(method, args);
  return api as unknown as KioskApi;
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

/** True for a value shaped like a KioskEvent (the name is known; the core built the rest). */
export function isKioskEvent(value: unknown): value is KioskEvent {
  if (typeof value !== 'object' || value === null) return false;
  const { name } = value as { name?: unknown };
  return (KIOSK_EVENT_NAMES as readonly unknown[]).includes(name);
}

/**
 * `window.chotEvents`: only the event's data crosses to the page (never Electron's IPC event,
 * which would hand the page `sender`), and only events the contract names.
 */
export function createPreloadEvents(ipc: EventSource): PreloadEvents {
  return {
    onEvent: (listener) => {
      ipc.on(EVENT_CHANNEL, (_ipcEvent, event) => {
        if (isKioskEvent(event)) listener(event);
      });
    },
  };
}
