import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { SeqSource } from './seq-announcer.js';
import { messageOf } from '../../platform/message-of.js';
import type { Logger } from '../../platform/logging/logger.js';
import type { HubNotice } from '../../domain/protocol/hub-bodies.js';

/** Kiosks send nothing that matters on this socket: anything large is not a kiosk. */
const MAX_INCOMING_BYTES = 1024;
export const DEFAULT_PING_MS = 30_000;
/** How often the devices of open sockets are looked up again (a revocation is made by another process). */
export const DEFAULT_DEVICE_CHECK_MS = 10_000;
/** The close code a revoked (or no longer known) kiosk's socket ends with: private use, "forbidden". */
export const REVOKED_CLOSE_CODE = 4403;

/** What follows the published rule sets' ETag (rules-watcher.ts). */
export interface RulesSource {
  readonly current: string;
  onChange(listener: (etag: string) => void): () => void;
}

/** Which of these device ids may no longer be served (revoked, or unknown to the storage). */
export type RevokedAmong = (deviceIds: readonly string[]) => Promise<ReadonlySet<string>>;

/**
 * `GET /v1/notify`: a WebSocket on which the hub says `{ "type": "seq", "seq": N }` when a
 * kiosk connects and whenever the sequence advances, and `{ "type": "rules", "etag": E }`
 * when it connects and whenever a rule set is published, so kiosks sync at once instead of
 * at their next poll. Authentication happens before the upgrade (hub-server.ts); this only
 * serves accepted sockets. A ping every `pingMs`; a socket that has not answered the
 * previous ping is dead (a kiosk unplugged, a NAT that forgot it) and is terminated.
 *
 * Revocation is written to the storage by `chot hub revoke`, another process: the devices of
 * the open sockets are looked up every `deviceCheckMs` and before every notice, and a revoked
 * kiosk's socket is closed (code 4403) rather than told anything more.
 */
export class NotifySockets {
  private readonly server = new WebSocketServer({ noServer: true, maxPayload: MAX_INCOMING_BYTES, clientTracking: true });
  private readonly alive = new WeakSet<WebSocket>();
  private readonly deviceOf = new WeakMap<WebSocket, string>();
  private readonly pinger: NodeJS.Timeout;
  private readonly checker: NodeJS.Timeout;
  private readonly unsubscribe: () => void;
  private readonly unsubscribeRules: () => void;
  private closed = false;

  constructor(
    private readonly watcher: SeqSource,
    pingMs: number,
    private readonly log: Logger,
    private readonly revokedAmong: RevokedAmong = async () => new Set(),
    deviceCheckMs = DEFAULT_DEVICE_CHECK_MS,
    private readonly rules?: RulesSource,
  ) {
    this.unsubscribe = watcher.onChange((seq, change) => {
      if (change === 'advanced') void this.broadcast({ type: 'seq', seq });
    });
    this.unsubscribeRules = rules?.onChange((etag) => void this.broadcast({ type: 'rules', etag })) ?? (() => undefined);
    this.pinger = setInterval(() => this.ping(), pingMs);
    this.pinger.unref();
    this.checker = setInterval(() => void this.closeRevoked(), deviceCheckMs);
    this.checker.unref();
  }

  get connected(): number {
    return this.server.clients.size;
  }

  /** Completes the handshake of an authenticated upgrade and sends the current sequence and rule sets' ETag. */
  accept(request: IncomingMessage, socket: Duplex, head: Buffer, deviceId: string, onOpen: () => void): void {
    this.server.handleUpgrade(request, socket, head, (ws) => {
      this.alive.add(ws);
      this.deviceOf.set(ws, deviceId);
      ws.on('pong', () => this.alive.add(ws));
      // Errors (a reset connection, an oversized frame) end the socket; nothing to report.
      ws.on('error', () => ws.terminate());
      onOpen();
      send(ws, { type: 'seq', seq: this.watcher.current });
      // What was published while the kiosk was away: it fetches the rule sets if its ETag differs.
      if (this.rules !== undefined) send(ws, { type: 'rules', etag: this.rules.current });
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.pinger);
    clearInterval(this.checker);
    this.unsubscribe();
    this.unsubscribeRules();
    for (const ws of this.server.clients) ws.terminate();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async broadcast(notice: HubNotice): Promise<void> {
    await this.closeRevoked();
    for (const ws of this.server.clients) send(ws, notice);
  }

  /** Closes the sockets of kiosks revoked since they connected. A failed lookup leaves them open until the next. */
  private async closeRevoked(): Promise<void> {
    const open = [...this.server.clients];
    if (open.length === 0) return;
    let revoked: ReadonlySet<string>;
    try {
      revoked = await this.revokedAmong([...new Set(open.map((ws) => this.deviceOf.get(ws) ?? ''))]);
    } catch (error) {
      this.log.warn(`notify: could not look the connected kiosks up: ${messageOf(error)}`);
      return;
    }
    for (const ws of open) {
      const deviceId = this.deviceOf.get(ws) ?? '';
      if (!revoked.has(deviceId) || ws.readyState !== ws.OPEN) continue;
      this.log.info(`notify: closed the socket of ${deviceId}, revoked`);
      ws.close(REVOKED_CLOSE_CODE, 'revoked');
    }
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
    if (dead > 0) this.log.info(`notify: closed ${dead} socket(s) that stopped answering pings`);
  }
}

function send(ws: WebSocket, notice: HubNotice): void {
  if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(notice));
}
