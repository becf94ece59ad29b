import { messageOf } from '../../platform/message-of.js';
import type { Logger } from '../../platform/logging/logger.js';

/**
 * Follows the hub's sequence. Imports run in other processes (`chot hub import`), which
 * cannot tell this one, so the watcher reads the storage's sequence every `intervalMs`
 * (a cheap one-row read) and tells its listeners when it changes: the notify sockets and
 * the snapshot builder. Request handlers that read a newer sequence report it with
 * `observe`, so nobody waits for the next poll.
 *
 * A sequence that goes down means the hub's database was restored from an older backup;
 * listeners hear of that too (with `restored`), so caches built from the lost sequences
 * are dropped.
 */
export type SeqListener = (seq: number, change: 'advanced' | 'restored') => void;

export class SeqWatcher {
  private readonly listeners = new Set<SeqListener>();
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  private failing = false;

  private constructor(
    private seq: number,
    private readonly read: () => Promise<number>,
    private readonly intervalMs: number,
    private readonly log: Logger,
  ) {}

  /** Reads the sequence once (so `current` is known from the start), then polls. */
  static async start(read: () => Promise<number>, intervalMs: number, log: Logger): Promise<SeqWatcher> {
    const watcher = new SeqWatcher(await read(), read, intervalMs, log);
    watcher.schedule();
    return watcher;
  }

  get current(): number {
    return this.seq;
  }

  onChange(listener: SeqListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** A sequence read elsewhere (a delta request): advances the watcher, never moves it back. */
  observe(seq: number): void {
    if (seq > this.seq) this.update(seq);
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
  }

  private schedule(): void {
    if (this.closed) return;
    // A chain of timeouts, not an interval: a slow read (a busy database) never overlaps the next.
    this.timer = setTimeout(() => void this.poll(), this.intervalMs);
  }

  private async poll(): Promise<void> {
    try {
      const seq = await this.read();
      if (this.failing) this.log.info('sequence poll: the storage answers again');
      this.failing = false;
      if (!this.closed && seq !== this.seq) this.update(seq);
    } catch (error) {
      // Logged once per outage, not every second.
      if (!this.failing) this.log.warn(`sequence poll failed (retrying every ${this.intervalMs} ms): ${messageOf(error)}`);
      this.failing = true;
    } finally {
      this.schedule();
    }
  }

  private update(seq: number): void {
    const change = seq > this.seq ? 'advanced' : 'restored';
    this.seq = seq;
    for (const listener of this.listeners) {
      try {
        listener(seq, change);
      } catch (error) {
        this.log.error(`sequence listener failed: ${messageOf(error)}`);
      }
    }
  }
}
