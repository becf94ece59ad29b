import WebSocket from 'ws';
import { backoffDelay, DEFAULT_BACKOFF, type BackoffPolicy } from '../../platform/backoff.js';

export interface NotifyOptions {
  /** Told when the socket opens (true) or drops (false, with why). */
  readonly onConnection?: (connected: boolean, error?: Error) => void;
  /** Reconnection backoff (default 1 s → 5 min, full jitter). */
  readonly backoff?: BackoffPolicy;
  /**
   * A connection that brings neither a message nor a ping for this long is presumed dead
   * and replaced (default 75 s: the hub pings every 30 s, so two missed pings and some slack).
   */
  readonly heartbeatTimeoutMs?: number;
  readonly handshakeTimeoutMs?: number;
}

export interface NotifySubscription {
  close(): void;
}

/**
 * The hub's `GET /v1/notify` WebSocket: calls `onSeq` with every sequence the hub
 * announces, and keeps reconnecting (each upgrade freshly signed) until closed. A notice
 * only says "sync now rather than at the next poll", so losing one costs nothing but time.
 */
export function subscribeToHub(url: URL, sign: () => Record<string, string>, onSeq: (seq: number) => void, options: NotifyOptions = {}): NotifySubscription {
  const backoff = options.backoff ?? DEFAULT_BACKOFF;
  const heartbeatTimeoutMs = options.heartbeatTimeoutMs ?? 75_000;
  const wsUrl = new URL(url.href);
  wsUrl.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  let closed = false;
  let failures = 0;
  let socket: WebSocket | undefined;
  let retry: ReturnType<typeof setTimeout> | undefined;
  let heartbeat: ReturnType<typeof setTimeout> | undefined;

  const connect = (): void => {
    retry = undefined;
    if (closed) return;
    let headers: Record<string, string>;
    try {
      headers = sign();
    } catch (error) {
      options.onConnection?.(false, error instanceof Error ? error : new Error(String(error)));
      return;
    }
    const ws = new WebSocket(wsUrl, { headers, handshakeTimeout: options.handshakeTimeoutMs ?? 15_000, maxPayload: 64 * 1024 });
    socket = ws;
    let lastError: Error | undefined;
    const alive = (): void => {
      clearTimeout(heartbeat);
      heartbeat = setTimeout(() => ws.terminate(), heartbeatTimeoutMs);
    };
    ws.on('open', () => {
      alive();
      options.onConnection?.(true);
    });
    ws.on('ping', alive);
    ws.on('message', (data: WebSocket.RawData) => {
      alive();
      // Reset only once the hub has spoken: a hub that accepts and drops at once still backs off.
      failures = 0;
      const seq = parseNotice(data);
      if (seq !== undefined) onSeq(seq);
    });
    // Without this listener an 'error' (a refused handshake, a hub that breaks the protocol)
    // would end the kiosk. After a protocol error ws starts a polite close and waits up to
    // 30 s for the hub's reply; a hub that sent garbage gets no such wait: the socket is
    // dropped at once, and the reconnection's backoff starts.
    ws.on('error', (error) => {
      lastError = error;
      if (ws.readyState === WebSocket.OPEN || ws.readyState === WebSocket.CLOSING) ws.terminate();
    });
    ws.on('close', () => {
      clearTimeout(heartbeat);
      if (socket === ws) socket = undefined;
      if (closed) return;
      options.onConnection?.(false, lastError);
      retry = setTimeout(connect, backoffDelay(failures++, backoff));
    });
  };

  connect();
  return {
    close(): void {
      closed = true;
      clearTimeout(retry);
      clearTimeout(heartbeat);
      socket?.terminate();
      socket = undefined;
    },
  };
}

function parseNotice(data: WebSocket.RawData): number | undefined {
  try {
    const text = Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data as ArrayBuffer).toString('utf8');
    const notice = JSON.parse(text) as { type?: unknown; seq?: unknown };
    return notice.type === 'seq' && Number.isSafeInteger(notice.seq) && (notice.seq as number) >= 0 ? (notice.seq as number) : undefined;
  } catch {
    return undefined;
  }
}
