import { KIOSK_API_METHODS, type KioskApi, type KioskMethod } from './kiosk-api.js';

/**
 * The caller's side of the contract, whatever carries it (Electron IPC from the preload, the
 * browser-mode WebSocket from the page): `window.chot` built from the contract's method list,
 * and one reading of a reply. The transports add only what is theirs: sending, timeouts,
 * reconnecting.
 */

/**
 * A failed call, by its stable code (`rpc.timeout`, `rpc.disconnected`, `core.fault`…). The
 * code also leads the message, because an Error that crosses Electron's context bridge keeps
 * its message and loses everything else.
 */
export class ContractCallError extends Error {
  constructor(
    readonly code: string,
    detail: string,
  ) {
    super(`${code}: ${detail}`);
    this.name = 'ContractCallError';
  }
}

/** Sends one call and resolves to the core's reply, still unread (see valueOfReply). */
export type ContractTransport = (method: KioskMethod, args: unknown[]) => Promise<unknown>;

/** `KioskApi` over a transport: one method per name in KIOSK_API_METHODS, so no bridge can miss one. */
export function contractApi(send: ContractTransport): KioskApi {
  const api: Record<string, (...args: unknown[]) => Promise<unknown>> = {};
  for (const method of KIOSK_API_METHODS) api[method] = (...args: unknown[]) => send(method, args);
  return api as unknown as KioskApi;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

/**
 * The value of a reply `{ok: true, value}`, or its failure `{ok: false, error: {code, message}}`
 * thrown as a ContractCallError. Anything else is `rpc.bad-reply`, never a TypeError deeper in.
 */
export function valueOfReply(method: KioskMethod, reply: unknown): unknown {
  if (isObject(reply) && reply.ok === true) return reply.value;
  if (isObject(reply) && reply.ok === false && isObject(reply.error)) {
    const { code, message } = reply.error;
    if (typeof code === 'string' && typeof message === 'string') throw new ContractCallError(code, message);
  }
  throw new ContractCallError('rpc.bad-reply', `${method} got a reply that is not a contract result`);
}
