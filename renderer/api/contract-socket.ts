import { contractApi, ContractCallError, valueOfReply } from '../../domain/contract/contract-client.js';
import { CALL_TIMEOUT_MS, type KioskApi, type KioskMethod } from '../../domain/contract/kiosk-api.js';
import { asKioskEvent } from '../../domain/contract/kiosk-event-guard.js';
import type { KioskEvent } from '../../domain/contract/kiosk-events.js';
import { RPC_SUBPROTOCOL, TOKEN_SUBPROTOCOL_PREFIX, type CallMessage } from '../../domain/contract/rpc-messages.js';

interface Pending {
  readonly method: KioskMethod;
  resolve(value: unknown): void;
  reject(error: Error): void;
  timer: ReturnType<typeof setTimeout>;
}

/** Reconnect pace: the core is on this machine and this page its only client, so no jitter. */
const RECONNECT_FIRST_MS = 250;
const RECONNECT_MAX_MS = 5_000;

/**
 * The browser-mode transport of the contract (domain/contract/contract-client.ts): a
 * WebSocket that carries calls and pushed events, and reconnects with backoff when the
 * core goes away. Calls made while disconnected fail at once, so the screen can say so.
 */
export function connectContract(
  wsUrl: string,
  token: string,
  onConnection: (connected: boolean) => void,
  onEvent: (event: KioskEvent) => void = () => undefined,
): { api: KioskApi; ready: Promise<void> } {
  let socket: WebSocket | null = null;
  let nextId = 1;
  let retryMs = RECONNECT_FIRST_MS;
  const pending = new Map<number, Pending>();
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (markReady = resolve));

  const open = (): void => {
    const ws = new WebSocket(wsUrl, [RPC_SUBPROTOCOL, TOKEN_SUBPROTOCOL_PREFIX + token]);
    ws.addEventListener('open', () => {
      socket = ws;
      retryMs = RECONNECT_FIRST_MS;
      onConnection(true);
      markReady();
    });
    ws.addEventListener('message', (event) => {
      const message = JSON.parse(String(event.data)) as { t?: unknown; id?: unknown; event?: unknown };
      if (message.t === 'event') {
        // Pushed by the core (a device verdict, a device's state): checked, then handed on.
        const pushed = asKioskEvent(message.event);
        if (pushed !== undefined) onEvent(pushed);
        return;
      }
      if (typeof message.id !== 'number') return;
      const call = pending.get(message.id);
      if (call === undefined) return;
      pending.delete(message.id);
      clearTimeout(call.timer);
      try {
        call.resolve(valueOfReply(call.method, message));
      } catch (error) {
        call.reject(error as Error);
      }
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
      retryMs = Math.min(retryMs * 2, RECONNECT_MAX_MS);
    });
  };
  open();

  const api = contractApi(
    (method, args) =>
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
        pending.set(id, { method, resolve, reject, timer });
        const message: CallMessage = { t: 'call', id, method, args };
        socket.send(JSON.stringify(message));
      }),
  );
  return { api, ready };
}
