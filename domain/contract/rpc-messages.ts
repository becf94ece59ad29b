import type { KioskMethod } from './kiosk-api.js';
import type { KioskEvent } from './kiosk-events.js';

/** Wire format of the contract over a message channel (the browser-mode WebSocket). */
export interface CallMessage {
  readonly t: 'call';
  readonly id: number;
  readonly method: KioskMethod;
  readonly args: readonly unknown[];
}

export interface RpcFailure {
  /** Stable code: `rpc.unknown-method`, `rpc.bad-arguments`, `core.fault`… */
  readonly code: string;
  readonly message: string;
}

export type ResultMessage =
  | { readonly t: 'result'; readonly id: number; readonly ok: true; readonly value: unknown }
  | { readonly t: 'result'; readonly id: number; readonly ok: false; readonly error: RpcFailure };

/** The core pushes an event to every connected renderer (kiosk-events.ts); it answers no call. */
export interface EventMessage {
  readonly t: 'event';
  readonly event: KioskEvent;
}

/** Subprotocol names: the first identifies the protocol, the second carries the start token. */
export const RPC_SUBPROTOCOL = 'chot-rpc.v1';
export const TOKEN_SUBPROTOCOL_PREFIX = 'chot-token.';
export const RPC_PATH = '/rpc';
