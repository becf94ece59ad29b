import { lineLog } from '../../platform/logging/logger.js';
import { stderrLogger } from '../logging/kiosk-logger.js';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import type { KioskEvent } from '../../domain/contract/kiosk-events.js';
import { RPC_PATH, RPC_SUBPROTOCOL, TOKEN_SUBPROTOCOL_PREFIX, type EventMessage } from '../../domain/contract/rpc-messages.js';
import type { Dispatch } from '../contract/contract-dispatcher.js';
import { contentSecurityPolicy } from '../security/content-security-policy.js';
import { serveContract, type ServerLog } from './contract-socket.js';
import type { StaticFile } from './static-files.js';

export interface BrowserModeServerOptions {
  readonly dispatch: Dispatch;
  readonly files: ReadonlyMap<string, StaticFile>;
  /** 0 picks a free port. */
  readonly port: number;
  /**
   * The page's token, from this server's origin (known only once it listens): browser mode
   * derives it from the data directory's secret (browser-token.ts), so it survives a restart.
   * Absent: a fresh random token for this start (tests).
   */
  readonly token?: string | ((origin: string) => string);
  /** The core's pushed events (KioskCore.onEvent): sent to every connected page as `{t:'event'}`. */
  readonly events?: (listener: (event: KioskEvent) => void) => () => void;
  /** Pages connecting and leaving, sockets closed for breaking the protocol, stream faults (default: stderr). */
  readonly log?: ServerLog;
}

export interface BrowserModeServer {
  /** `http://127.0.0.1:<port>/#token=<token>`: the only way in. */
  readonly kioskUrl: string;
  readonly origin: string;
  readonly token: string;
  close(): Promise<void>;
}

/** Largest contract message accepted: a scan is at most 8 192 characters. */
const MAX_MESSAGE_BYTES = 256 * 1024;

/**
 * Browser mode: serves the renderer on 127.0.0.1 and carries the typed contract over a
 * WebSocket that only a page holding the token may open (derived per data dir and origin,
 * so an open page reconnects after a restart: browser-token.ts). The token
 * travels in the URL fragment (never sent in HTTP requests) and then as a WebSocket
 * subprotocol; the Origin must be this server's own. Anything else is refused at the
 * handshake, so no other local program or web page can drive the kiosk.
 */
export async function startBrowserModeServer(options: BrowserModeServerOptions): Promise<BrowserModeServer> {
  const log = options.log ?? lineLog(stderrLogger());
  const http = createServer();
  await listen(http, options.port);
  // After listening, a server 'error' (accept failing for want of file descriptors) must
  // not end the kiosk: the server keeps listening and the pages already connected keep working.
  http.on('error', (error) => log(`browser mode: HTTP server error: ${describe(error)}`));
  const port = (http.address() as AddressInfo).port;
  const origin = `http://127.0.0.1:${port}`;
  const token = typeof options.token === 'function' ? options.token(origin) : (options.token ?? randomBytes(24).toString('base64url'));
  // The camera's decode worker fetches the QR reader's .wasm: that one file of our own, nothing else.
  const csp = contentSecurityPolicy([`ws://127.0.0.1:${port}`, `${origin}/zxing_reader.wasm`]);

  http.on('request', (request, response) => {
    // A peer that resets mid-request or mid-response fails only its own streams; Node
    // destroys them, and an 'error' event there must not reach the process.
    request.on('error', (error) => log(`browser mode: an HTTP request broke off: ${describe(error)}`));
    response.on('error', (error) => log(`browser mode: an HTTP response broke off: ${describe(error)}`));
    const path = (request.url ?? '/').split('?')[0] ?? '/';
    const file = request.method === 'GET' || request.method === 'HEAD' ? options.files.get(path) : undefined;
    const headers = {
      'Content-Security-Policy': csp,
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Cache-Control': 'no-store',
    };
    if (file === undefined) {
      response.writeHead(request.method === 'GET' || request.method === 'HEAD' ? 404 : 405, { ...headers, 'Content-Type': 'text/plain' });
      response.end('not found\n');
      return;
    }
    response.writeHead(200, { ...headers, 'Content-Type': file.contentType, 'Content-Length': file.body.length });
    response.end(request.method === 'HEAD' ? undefined : file.body);
  });

  const wss = new WebSocketServer({
    server: http,
    path: RPC_PATH,
    maxPayload: MAX_MESSAGE_BYTES,
    verifyClient: ({ req }: { req: IncomingMessage }) => isAuthorised(req, origin, token),
    handleProtocols: (protocols) => (protocols.has(RPC_SUBPROTOCOL) ? RPC_SUBPROTOCOL : false),
  });
  // ws re-emits the HTTP server's 'error' here: without a listener it would throw.
  wss.on('error', (error) => log(`browser mode: WebSocket server error: ${describe(error)}`));
  wss.on('connection', (socket) => {
    serveContract(socket, options.dispatch, log);
    log(`browser mode: a page connected (${wss.clients.size} open)`);
    socket.once('close', (code) => log(`browser mode: a page disconnected (code ${code}; ${wss.clients.size} open)`));
  });
  // Only sockets past the handshake (token and origin checked) are in wss.clients.
  const stopEvents = options.events?.((event) => {
    const message = JSON.stringify({ t: 'event', event } satisfies EventMessage);
    for (const client of wss.clients) if (client.readyState === client.OPEN) client.send(message);
  });

  return {
    kioskUrl: `${origin}/#token=${token}`,
    origin,
    token,
    close: () =>
      new Promise<void>((resolve) => {
        stopEvents?.();
        for (const client of wss.clients) client.terminate();
        wss.close(() => http.close(() => resolve()));
        http.closeAllConnections();
      }),
  };
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function isAuthorised(request: IncomingMessage, origin: string, token: string): boolean {
  if (request.headers.origin !== origin) return false;
  const offered = (request.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim());
  const presented = offered.find((p) => p.startsWith(TOKEN_SUBPROTOCOL_PREFIX))?.slice(TOKEN_SUBPROTOCOL_PREFIX.length);
  if (presented === undefined) return false;
  const a = Buffer.from(presented);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

function describe(error: Error & { code?: unknown }): string {
  return typeof error.code === 'string' ? `${error.code} (${error.message})` : error.message;
}
