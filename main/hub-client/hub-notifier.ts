import WebSocket from 'ws';
import { backoffDelay, DEFAULT_BACKOFF, type BackoffPolicy } from '../../platform/backoff.js';
import type { HubNotice } from '../../domain/protocol/hub-bodies.js';

export interface NotifyOptions {
  /** Told when the socket opens (true) or drops (false, with why). */
  readonly onConnection?: (connected: boolean, error?: Error) => void;
  /** Told the ETag of the hub's published rule sets: on connecting, and whenever a rule set is published. */
  readonly onRules?: (etag: string) => void;
  /** Reconnection backoff after the hub answered and refused or dropped the socket (default 1 s → 5 min, full jitter). */
  readonly backoff?: BackoffPolicy;
  /**
   * Reconnection backoff while the hub does not answer at all (default 0.5 s → 3 s, full jitter):
   * how soon the kiosk hears that its hub is back, and so resumes its sync and upload.
   */
  readonly unreachableBackoff?: BackoffPolicy;
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
 * Retrying a hub that does not answer costs it nothing (a refused or unanswered connect),
 * so the kiosk retries it often: a hub back from an outage hears from every kiosk within
 * this window, spread across it by the jitter — which bounds how long kiosks wait to resume
 * their sync and upload (docs/hub-api.md). A hub that answers and refuses (revoked, a bad
 * signature, overloaded) is a different matter: that backs off to minutes.
 */
export const UNREACHABLE_BACKOFF: BackoffPolicy = { minMs: 500, maxMs: 3_000, random: Math.random };

/** A proxy's answers while the hub behind it is down: as good as no answer. */
const GATEWAY_DOWN = new Set([502, 503, 504]);

/**
 * The hub's `GET /v1/notify` WebSocket: calls `onSeq` with every sequence the hub
 * announces (and `onRules` with its rule sets' ETag), and keeps reconnecting (each upgrade
 * freshly signed) until closed. A notice only says "sync now rather than at the next poll",
 * so losing one costs nothing but time.
 */
export function subscribeToHub(url: URL, sign: () => Record<string, string>, onSeq: (seq: number) => void, options: NotifyOptions = {}): NotifySubscription {
  const backoff = options.backoff ?? DEFAULT_BACKOFF;
  const unreachableBackoff = options.unreachableBackoff ?? UNREACHABLE_BACKOFF;
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
    /** The HTTP status the hub answered the upgrade with (101 once upgraded); none while it cannot be reached. */
    let answered: number | undefined;
    ws.on('upgrade', (response) => (answered = response.statusCode));
    // Listened to only to read the status: ws then leaves ending the handshake to us.
    ws.on('unexpected-response', (request, response) => {
      answered = response.statusCode;
      lastError = new Error(`the hub refused the notice socket: HTTP ${response.statusCode ?? 0}`);
      response.resume();
      ws.terminate();
    });
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
      const notice = parseNotice(data);
      if (notice?.type === 'seq') onSeq(notice.seq);
      else if (notice?.type === 'rules') options.onRules?.(notice.etag);
    });
    // Without this listener an 'error' (a refused handshake, a hub that breaks the protocol)
    // would end the kiosk. After a protocol error ws starts a polite close and waits up to
    // 30 s for the hub's reply; a hub that sent garbage gets no such wait: the socket is
    // dropped at once, and the reconnection's backoff starts.
    ws.on('error', (error) => {
      lastError ??= error;
      if (ws.readyState === WebSocket.OPEN || ws.readyState === WebSocket.CLOSING) ws.terminate();
    });
    ws.on('close', () => {
      clearTimeout(heartbeat);
      if (socket === ws) socket = undefined;
      if (closed) return;
      options.onConnection?.(false, lastError);
      const unreachable = answered === undefined || GATEWAY_DOWN.has(answered);
      retry = setTimeout(connect, backoffDelay(failures++, unreachable ? unreachableBackoff : backoff));
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

function parseNotice(data: WebSocket.RawData): HubNotice | undefined {
  try {
    const text = Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data as ArrayBuffer).toString('utf8');
    const notice = JSON.parse(text) as { type?: unknown; seq?: unknown; etag?: unknown };
    if (notice.type === 'seq' && Number.isSafeInteger(notice.seq) && (notice.seq as number) >= 0) return { type: 'seq', seq: notice.seq as number };
    // An ETag is short text; anything else is not a notice this kiosk understands.
    if (notice.type === 'rules' && typeof notice.etag === 'string' && notice.etag.length > 0 && notice.etag.length <= 200)
      return { type: 'rules', etag: notice.etag };
    return undefined;
  } catch {
    return undefined;
  }
}
