import type { KioskApi, KioskMethod } from '../../domain/contract/kiosk-api.js';
import type { KioskEvent } from '../../domain/contract/kiosk-events.js';
import type { CallMessage, ResultMessage } from '../../domain/contract/rpc-messages.js';
import { asKioskEvent } from './kiosk-event-guard.js';

// The renderer may import domain *types* only, so the few wire constants are restated
// here; the contract tests check they match the core's.
export const RPC_SUBPROTOCOL = 'chot-rpc.v1';
export const TOKEN_SUBPROTOCOL_PREFIX = 'chot-token.';
export const RPC_PATH = '/rpc';
export const CALL_TIMEOUT_MS = 10_000;

export class ContractCallError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
  }
}

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
  timer: ReturnType<typeof setTimeout>;
}

/**
 * `KioskApi` over the browser-mode WebSocket. Reconnects with backoff when the core
 * goes away; calls made while disconnected fail at once, so the screen can say so.
 */
export function connectContract(
  wsUrl: string,
  token: string,
  onConnection: (connected: boolean) => void,
  onEvent: (event: KioskEvent) => void = () => undefined,
): { api: KioskApi; ready: Promise<void> } {
  let socket: WebSocket | null = null;
  let nextId = 1;
  let retryMs = 250;
  const pending = new Map<number, Pending>();
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (markReady = resolve));

  const open = (): void => {
    const ws = new WebSocket(wsUrl, [RPC_SUBPROTOCOL, TOKEN_SUBPROTOCOL_PREFIX + token]);
    ws.addEventListener('open', () => {
      socket = ws;
      retryMs = 250;
      onConnection(true);
      markReady();
    });
    ws.addEventListener('message', (event) => {
      const message = JSON.parse(String(event.data)) as ResultMessage | { t: 'event'; event: unknown };
      if (message.t === 'event') {
        // Pushed by the core (a device verdict, a device's state): checked, then handed on.
        const pushed = asKioskEvent(message.event);
        if (pushed !== undefined) onEvent(pushed);
        return;
      }
      const reply = message;
      const call = pending.get(reply.id);
      if (call === undefined) return;
      pending.delete(reply.id);
      clearTimeout(call.timer);
      if (reply.ok) call.resolve(reply.value);
      else call.reject(new ContractCallError(reply.error.code, reply.error.message));
    });
    ws.addEventListener('close', () => {
      if (socket === ws) {
        socket = null;
        onConnection(false);
      }
      for (const [id, call] of pending) {
        clearTimeout(call.timer);
        call.reject(new ContractCallError('rpc.disconnected', 'lost the connection to the kiosk core'));
        pending.delete(id);
      }
      setTimeout(open, retryMs);
      retryMs = Math.min(retryMs * 2, 5000);
    });
  };
  open();

  const call = (method: KioskMethod, args: unknown[]): Promise<unknown> =>
    new Promise((resolve, reject) => {
      if (socket === null) {
        reject(new ContractCallError('rpc.disconnected', 'not connected to the kiosk core'));
        return;
      }
      const id = nextId++;
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(new ContractCallError('rpc.timeout', `${method} did not answer within ${CALL_TIMEOUT_MS} ms`));
      }, CALL_TIMEOUT_MS);
      pending.set(id, { resolve, reject, timer });
      const message: CallMessage = { t: 'call', id, method, args };
      socket.send(JSON.stringify(message));
    });

  const api: KioskApi = {
    submitScan: (scan) => call('submitScan', [scan]) as ReturnType<KioskApi['submitScan']>,
    getKioskInfo: () => call('getKioskInfo', []) as ReturnType<KioskApi['getKioskInfo']>,
    getKioskStatus: () => call('getKioskStatus', []) as ReturnType<KioskApi['getKioskStatus']>,
    getTodayStats: () => call('getTodayStats', []) as ReturnType<KioskApi['getTodayStats']>,
    overrideLastVerdict: (request) => call('overrideLastVerdict', [request]) as ReturnType<KioskApi['overrideLastVerdict']>,
    confirmLastVerdict: (request) => call('confirmLastVerdict', [request]) as ReturnType<KioskApi['confirmLastVerdict']>,
    getDiagnostics: () => call('getDiagnostics', []) as ReturnType<KioskApi['getDiagnostics']>,
  };
  return { api, ready };
}
