import type { KioskApi } from '../../domain/contract/kiosk-api.js';
import type { RpcFailure } from '../../domain/contract/rpc-messages.js';
import { validateCall } from '../../domain/contract/validate-call.js';
import { messageOf } from '../../platform/message-of.js';

export type DispatchResult = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: RpcFailure };
export type Dispatch = (method: unknown, args: unknown) => Promise<DispatchResult>;

/**
 * The core's side of the contract, shared by the Electron IPC handlers and the
 * browser-mode WebSocket: validates each call, runs it, and turns a fault into a
 * typed failure the renderer shows ("the kiosk has a fault"), never a silent `false`.
 */
export function createDispatcher(api: KioskApi, reportFault: (method: string, error: unknown) => void): Dispatch {
  return async (method, args) => {
    const call = validateCall(method, args);
    if (!call.ok) return call;
    try {
      const value =
        call.method === 'submitScan'
          ? await api.submitScan(...call.args)
          : call.method === 'overrideLastVerdict'
            ? await api.overrideLastVerdict(...call.args)
            : call.method === 'confirmLastVerdict'
              ? await api.confirmLastVerdict(...call.args)
              : call.method === 'enterChipCan'
                ? await api.enterChipCan(...call.args)
                : call.method === 'staffSignIn'
                  ? await api.staffSignIn(...call.args)
                  : call.method === 'setInputDirection'
                    ? await api.setInputDirection(...call.args)
                    : call.method === 'enterTypedId'
                      ? await api.enterTypedId(...call.args)
                      : await api[call.method]();
      return { ok: true, value };
    } catch (error) {
      reportFault(call.method, error);
      return { ok: false, error: { code: 'core.fault', message: messageOf(error) } };
    }
  };
}
