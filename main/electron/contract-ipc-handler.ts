import type { IpcMainInvokeEvent } from 'electron';
import type { Dispatch, DispatchResult } from '../contract/contract-dispatcher.js';
import { urlOrigin } from './url-origin.js';

/** The part of an `ipcMain.handle` event the handler reads, so a test can hand in a plain object. */
export interface ContractIpcEvent {
  readonly senderFrame: { readonly url: string } | null;
}

// Compile-time proof that Electron's real event fits the narrow type above.
const electronEventFits = (event: IpcMainInvokeEvent): ContractIpcEvent => event;
void electronEventFits;

export type ContractIpcHandler = (event: ContractIpcEvent, method: unknown, args: unknown) => Promise<DispatchResult>;

const forbidden = (message: string): DispatchResult => ({ ok: false, error: { code: 'rpc.forbidden', message } });

/** The sender's origin, or null when it cannot be told: no frame, a disposed frame, an unparsable URL. */
function senderOrigin(event: ContractIpcEvent): string | null {
  try {
    // `senderFrame` is null once the frame has navigated away or been destroyed, and
    // reading `url` from a disposed frame throws: either way the caller is unknown.
    const frame = event.senderFrame;
    return frame === null ? null : urlOrigin(frame.url);
  } catch {
    return null;
  }
}

/**
 * The handler of the contract's IPC channel. Only the kiosk page may call the core: a
 * frame from any other origin (a page the renderer was tricked into loading, an
 * embedded frame) is refused with a typed failure before the dispatcher sees the call.
 */
export function createContractIpcHandler(dispatch: Dispatch, appOrigin: string): ContractIpcHandler {
  return async (event, method, args) => {
    const origin = senderOrigin(event);
    if (origin === null || origin !== appOrigin) return forbidden(`not the kiosk page (origin ${origin ?? 'unknown'})`);
    return dispatch(method, args);
  };
}
