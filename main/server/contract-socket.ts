import type { WebSocket } from 'ws';
import type { ResultMessage } from '../../domain/contract/rpc-messages.js';
import type { Dispatch, DispatchResult } from '../contract/contract-dispatcher.js';
import { messageOf } from '../../platform/message-of.js';

/** Where the server reports what happened to a page's socket: one short line, no personal data. */
export type ServerLog = (line: string) => void;

/**
 * One page's contract socket: each text message a call, each call answered by id.
 *
 * Whatever the page sends, only this socket may suffer. `ws` raises an 'error' event on a
 * socket that breaks the protocol (invalid UTF-8, a frame over the size limit, an
 * unmasked frame, a reserved opcode…) after it has begun closing it with the code RFC 6455
 * gives the fault; an 'error' event without a listener would throw out of the socket's
 * data handler and end the whole kiosk process. So the listener here is what keeps the
 * kiosk serving: it only logs, as the close is already under way.
 */
export function serveContract(socket: WebSocket, dispatch: Dispatch, log: ServerLog): void {
  socket.on('error', (error: Error & { code?: unknown }) => {
    const code = closeCodeOf(error);
    log(
      `browser mode: closed a page's contract socket on a protocol error (${typeof error.code === 'string' ? `${error.code}: ` : ''}${error.message})` +
        (code === undefined ? '' : `, close code ${code}`),
    );
  });
  socket.on('message', (data, isBinary) => {
    const call = isBinary ? undefined : parseCall(data.toString());
    if (call === undefined) {
      log("browser mode: closed a page's contract socket: it sent something that is not a contract call (close code 1008)");
      socket.close(1008, 'malformed message');
      return;
    }
    void answer(socket, call, dispatch, log);
  });
}

interface Call {
  readonly id: number;
  readonly method: unknown;
  readonly args: unknown;
}

function parseCall(text: string): Call | undefined {
  let message: unknown;
  try {
    message = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof message !== 'object' || message === null) return undefined;
  const { t, id, method, args } = message as { t?: unknown; id?: unknown; method?: unknown; args?: unknown };
  return t === 'call' && typeof id === 'number' ? { id, method, args } : undefined;
}

/** Runs one call and sends its result; never rejects (a rejection nobody awaits would end the process). */
async function answer(socket: WebSocket, call: Call, dispatch: Dispatch, log: ServerLog): Promise<void> {
  let result: DispatchResult;
  try {
    result = await dispatch(call.method, call.args);
  } catch (error) {
    // The dispatcher turns the core's faults into results; this is a defect of its own.
    log(`browser mode: the contract dispatcher failed: ${messageOf(error)}`);
    result = { ok: false, error: { code: 'core.fault', message: 'the kiosk core failed to answer' } };
  }
  const reply: ResultMessage = result.ok
    ? { t: 'result', id: call.id, ok: true, value: result.value }
    : { t: 'result', id: call.id, ok: false, error: result.error };
  let text: string;
  try {
    text = JSON.stringify(reply);
  } catch (error) {
    log(`browser mode: a result of ${typeof call.method === 'string' ? call.method : '?'} could not be encoded: ${messageOf(error)}`);
    text = JSON.stringify({
      t: 'result',
      id: call.id,
      ok: false,
      error: { code: 'core.fault', message: 'the kiosk core gave an answer that cannot be sent' },
    } satisfies ResultMessage);
  }
  if (socket.readyState === socket.OPEN) socket.send(text);
}

/**
 * The close code `ws` chose for a protocol error. `ws` keeps it under a symbol of its own
 * (`status-code`), not in its public API: read it for the log when it is there.
 */
function closeCodeOf(error: Error): number | undefined {
  const symbol = Object.getOwnPropertySymbols(error).find((candidate) => candidate.description === 'status-code');
  const code = symbol === undefined ? undefined : (error as unknown as Record<symbol, unknown>)[symbol];
  return typeof code === 'number' ? code : undefined;
}
