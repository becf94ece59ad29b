import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { SeqSource } from './seq-announcer.js';

/** Kiosks send nothing that matters on this socket: anything large is not a kiosk. */
const MAX_INCOMING_BYTES = 1024;
export const DEFAULT_PING_MS = 30_000;

/**
 * `GET /v1/notify`: a WebSocket on which the hub says `{ "type": "seq", "seq": N }` when a
 * kiosk connects and whenever the sequence advances, so kiosks sync at once instead of at
 * their next poll. Authentication happens before the upgrade (hub-server.ts); this only
 * serves accepted sockets. A ping every `pingMs`; a socket that has not answered the
 * previous ping is dead (a kiosk unplugged, a NAT that forgot it) and is terminated.
 */
export class NotifySockets {
  private readonly server = new WebSocketServer({ noServer: true, maxPayload: MAX_INCOMING_BYTES, clientTracking: true });
  private readonly alive = new WeakSet<WebSocket>();
  private readonly pinger: NodeJS.Timeout;
  private readonly unsubscribe: () => void;
  private closed = false;

  constructor(
    private readonly watcher: SeqSource,
    pingMs: number,
    private readonly log: (line: string) => void,
  ) {
    this.unsubscribe = watcher.onChange((seq, change) => {
      if (change === 'advanced') this.broadcast(seq);
    });
    this.pinger = setInterval(() => this.ping(), pingMs);
    this.pinger.unref();
  }

  get connected(): number {
    return this.server.clients.size;
  }

  /** Completes the handshake of an authenticated upgrade and sends the current sequence. */
  accept(request: IncomingMessage, socket: Duplex, head: Buffer, onOpen: () => void): void {
    this.server.handleUpgrade(request, socket, head, (ws) => {
      this.alive.add(ws);
      ws.on('pong', () => this.alive.add(ws));
      // Errors (a reset connection, an oversized frame) end the socket; nothing to report.
      ws.on('error', () => ws.terminate());
      onOpen();
      send(ws, this.watcher.current);
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.pinger);
    this.unsubscribe();
    for (const ws of this.server.clients) ws.terminate();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private broadcast(seq: number): void {
    for (const ws of this.server.clients) send(ws, seq);
  }

  private ping(): void {
    let dead = 0;
    for (const ws of this.server.clients) {
      if (!this.alive.has(ws)) {
        ws.terminate();
        dead += 1;
        continue;
      }
      this.alive.delete(ws);
      ws.ping();
    }
    if (dead > 0) this.log(`notify: closed ${dead} socket(s) that stopped answering pings`);
  }
}

function send(ws: WebSocket, seq: number): void {
  if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ type: 'seq', seq }));
}
