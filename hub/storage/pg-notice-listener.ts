import pg from 'pg';
import { backoffWindow, type BackoffWindow } from '../../platform/backoff.js';
import { messageOf } from '../../platform/message-of.js';
import type { Logger } from '../../platform/logging/logger.js';
import type { ChangeNotices, ListeningListener, NoticeChannel, NoticeListener } from './change-notices.js';

/**
 * The PostgreSQL channel of each notice. `seq` is sent by a trigger on the feed row
 * (pg-migrations.ts), so every import, by any process or tool, announces itself in the
 * transaction that commits it; `rules` by `chot hub rules publish --pg` (notifyPg).
 */
export const PG_NOTICE_CHANNEL: Readonly<Record<NoticeChannel, string>> = { seq: 'chot_seq', rules: 'chot_rules' };

/** The listening session's application_name in pg_stat_activity. */
export const NOTICE_SESSION_NAME = 'chot-hub-notices';

export interface PgNoticeListenerOptions {
  readonly connectionString: string;
  readonly log: Logger;
  /** Waits between reconnection attempts. Default 500 ms doubling to 30 s. */
  readonly reconnect?: BackoffWindow;
  /**
   * How often the idle connection is asked `SELECT 1`. A connection that died without a
   * word (a cable, a firewall dropping idle flows) delivers no notices and no error
   * either: this is how its loss is found, and polling takes over. Default 15 000.
   */
  readonly heartbeatMs?: number;
}

const DEFAULT_RECONNECT: BackoffWindow = { minMs: 500, maxMs: 30_000 };

/**
 * One dedicated connection per hub process that LISTENs on every notice channel (a pooled
 * connection cannot: LISTEN belongs to its session). Lost, it is reopened with backoff;
 * followers are told (`onListening`) so they poll meanwhile and read once when it is back.
 */
export class PgNoticeListener implements ChangeNotices {
  private readonly noticeListeners = new Map<NoticeChannel, Set<NoticeListener>>();
  private readonly listeningListeners = new Set<ListeningListener>();
  private client: pg.Client | undefined;
  private attempt = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private closed = false;
  private connecting: Promise<void> | undefined;

  private constructor(private readonly options: PgNoticeListenerOptions) {}

  /** Resolves after the first attempt, listening or not: a hub starts even while PostgreSQL's notices fail (it polls). */
  static async start(options: PgNoticeListenerOptions): Promise<PgNoticeListener> {
    const listener = new PgNoticeListener(options);
    await listener.connect();
    return listener;
  }

  get listening(): boolean {
    return this.client !== undefined;
  }

  onNotice(channel: NoticeChannel, listener: NoticeListener): () => void {
    const listeners = this.noticeListeners.get(channel) ?? new Set<NoticeListener>();
    this.noticeListeners.set(channel, listeners);
    listeners.add(listener);
    return () => listeners.delete(listener);
  }

  onListening(listener: ListeningListener): () => void {
    this.listeningListeners.add(listener);
    return () => this.listeningListeners.delete(listener);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retryTimer);
    clearInterval(this.heartbeatTimer);
    await this.connecting;
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private connect(): Promise<void> {
    this.connecting = this.open().finally(() => (this.connecting = undefined));
    return this.connecting;
  }

  private async open(): Promise<void> {
    const heartbeatMs = this.options.heartbeatMs ?? 15_000;
    // query_timeout bounds the heartbeat: a query that gets no answer is a dead connection.
    // Named, so an operator (and a test) finds each process's listening session in pg_stat_activity.
    const client = new pg.Client({
      connectionString: this.options.connectionString,
      keepAlive: true,
      query_timeout: heartbeatMs,
      application_name: NOTICE_SESSION_NAME,
    });
    // Without an 'error' listener a lost connection would throw out of the process.
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client, new Error('the connection ended')));
    client.on('notification', (message) => this.deliver(message.channel, message.payload ?? ''));
    try {
      await client.connect();
      for (const channel of Object.values(PG_NOTICE_CHANNEL)) await client.query(`LISTEN ${channel}`);
    } catch (error) {
      await client.end().catch(() => undefined);
      this.retry(error);
      return;
    }
    if (this.closed) {
      await client.end().catch(() => undefined);
      return;
    }
    if (this.attempt > 0) this.options.log.info('PostgreSQL notices: listening again (the sequence is read once: notices sent meanwhile were lost)');
    this.attempt = 0;
    this.client = client;
    this.heartbeatTimer = setInterval(() => {
      client.query('SELECT 1').catch((error: unknown) => this.lost(client, error));
    }, heartbeatMs);
    this.heartbeatTimer.unref();
    this.tellListening(true);
  }

  private lost(client: pg.Client, error: unknown): void {
    // Events of a connection already given up (or never established) are not news.
    if (client !== this.client || this.closed) return;
    this.client = undefined;
    clearInterval(this.heartbeatTimer);
    client.end().catch(() => undefined);
    this.tellListening(false);
    this.retry(error);
  }

  private retry(error: unknown): void {
    if (this.closed) return;
    const waitMs = backoffWindow(this.attempt, this.options.reconnect ?? DEFAULT_RECONNECT);
    // Logged once per outage, not at every attempt.
    if (this.attempt === 0) this.options.log.warn(`PostgreSQL notices: not listening (polling meanwhile; retrying): ${messageOf(error)}`);
    this.attempt += 1;
    this.retryTimer = setTimeout(() => void this.connect(), waitMs);
    this.retryTimer.unref();
  }

  private deliver(pgChannel: string, payload: string): void {
    const channel = (Object.keys(PG_NOTICE_CHANNEL) as NoticeChannel[]).find((name) => PG_NOTICE_CHANNEL[name] === pgChannel);
    if (channel === undefined) return;
    for (const listener of this.noticeListeners.get(channel) ?? []) this.call(() => listener(payload));
  }

  private tellListening(listening: boolean): void {
    for (const listener of this.listeningListeners) this.call(() => listener(listening));
  }

  private call(listener: () => void): void {
    try {
      listener();
    } catch (error) {
      this.options.log.error(`PostgreSQL notice listener failed: ${messageOf(error)}`);
    }
  }
}

/** Sends one notice to every hub process listening on this database (`chot hub rules publish --pg`). */
export async function notifyPg(connectionString: string, channel: NoticeChannel, payload = ''): Promise<void> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    await client.query('SELECT pg_notify($1, $2)', [PG_NOTICE_CHANNEL[channel], payload]);
  } finally {
    await client.end();
  }
}
