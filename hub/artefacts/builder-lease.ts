import pg from 'pg';
import type { Logger } from '../../platform/logging/logger.js';
import { messageOf } from '../../platform/message-of.js';

/**
 * Whether this hub process is the one that builds snapshots and publishes artefacts. Any
 * number of `chot hub serve --pg` processes share one database; exactly one builds, so a
 * 10-million-person snapshot costs one build, not one per process.
 */
export interface BuilderLease {
  isBuilder(): boolean;
  /** Told each time this process becomes the builder (true) or stops being it (false). */
  onChange(listener: (builder: boolean) => void): void;
  close(): Promise<void>;
}

/** The single process of an embedded (SQLite) hub, or a test's open storage: always the builder. */
export function soleBuilder(): BuilderLease {
  return { isBuilder: () => true, onChange: () => undefined, close: async () => undefined };
}

/** The advisory lock's key: any fixed 64-bit number no other user of the database takes. 'chotbld1' in ASCII. */
export const BUILDER_LOCK_KEY = '7163830428402606129';
const DEFAULT_RETRY_MS = 5_000;

/**
 * The builder is whichever process holds a PostgreSQL session advisory lock, on a
 * connection of its own kept open for as long as it builds. PostgreSQL releases the lock
 * when that session ends — the process exited, was killed, or lost the network (the
 * server notices by TCP keepalive) — and the next process to try takes it. Processes that
 * are not the builder try again every `retryMs`. A builder whose connection fails stops
 * building at once: another may hold the lock a moment later.
 */
export class PgBuilderLease implements BuilderLease {
  private client: pg.Client | undefined;
  private builder = false;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  private readonly listeners: ((builder: boolean) => void)[] = [];
  private attempt: Promise<void> = Promise.resolve();

  private constructor(
    private readonly connectionString: string,
    private readonly log: Logger,
    private readonly retryMs: number,
  ) {}

  /** Tries once before returning, so a process alone on its database is the builder from its first moment. */
  static async start(connectionString: string, log: Logger, retryMs = DEFAULT_RETRY_MS): Promise<PgBuilderLease> {
    const lease = new PgBuilderLease(connectionString, log, retryMs);
    await lease.tryNow();
    return lease;
  }

  isBuilder(): boolean {
    return this.builder;
  }

  onChange(listener: (builder: boolean) => void): void {
    this.listeners.push(listener);
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    await this.attempt;
    this.set(false);
    const client = this.client;
    this.client = undefined;
    // Ending the session releases the lock: another process takes over at its next try.
    await client?.end().catch(() => undefined);
  }

  private tryNow(): Promise<void> {
    this.attempt = this.acquire().finally(() => this.schedule());
    return this.attempt;
  }

  private schedule(): void {
    if (this.closed || this.builder || this.timer !== undefined) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.tryNow();
    }, this.retryMs);
    this.timer.unref();
  }

  private async acquire(): Promise<void> {
    if (this.closed || this.builder) return;
    try {
      const client = this.client ?? (await this.connect());
      const result = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1::bigint) AS locked', [BUILDER_LOCK_KEY]);
      if (result.rows[0]?.locked === true && !this.closed) {
        this.log.info('this hub process is now the artefact builder (it holds the builder lock)');
        this.set(true);
      }
    } catch (error) {
      this.log.warn(`could not try the builder lock (next try in ${this.retryMs} ms): ${messageOf(error)}`);
      this.drop();
    }
  }

  private async connect(): Promise<pg.Client> {
    const client = new pg.Client({ connectionString: this.connectionString, keepAlive: true });
    client.on('error', (error) => {
      this.log.warn(`the builder lock's connection failed: ${messageOf(error)}`);
      this.drop();
      this.schedule();
    });
    client.on('end', () => {
      if (this.client !== client) return;
      this.drop();
      this.schedule();
    });
    await client.connect();
    this.client = client;
    return client;
  }

  /** The session is gone or unusable: whatever lock it held is released, so this process no longer builds. */
  private drop(): void {
    const client = this.client;
    this.client = undefined;
    if (this.builder) this.log.warn('this hub process lost the builder lock: it stops building until it holds the lock again');
    this.set(false);
    client?.end().catch(() => undefined);
  }

  private set(builder: boolean): void {
    if (this.builder === builder) return;
    this.builder = builder;
    for (const listener of this.listeners) listener(builder);
  }
}
