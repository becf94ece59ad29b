import { messageOf } from '../../platform/message-of.js';
import type { SeqFeed } from './seq-feed.js';
import type { Logger } from '../../platform/logging/logger.js';

/**
 * Follows the hub's sequence. Imports run in other processes (`chot hub import`, another
 * hub process on the same PostgreSQL), which tell this one through its SeqFeed
 * (seq-feed.ts): pushed notices on PostgreSQL, a poll of the storage on SQLite. The
 * watcher tells its listeners when the sequence changes: the notify sockets and the
 * snapshot builder. Request handlers that read a newer sequence report it with `observe`,
 * so nobody waits for the next notice or poll.
 *
 * A sequence that goes down means the hub's database was restored from an older backup;
 * listeners hear of that too (with `restored`), so caches built from the lost sequences
 * are dropped.
 */
export type SeqListener = (seq: number, change: 'advanced' | 'restored') => void;

export class SeqWatcher {
  private readonly listeners = new Set<SeqListener>();
  private closed = false;

  private constructor(
    private seq: number,
    private readonly feed: SeqFeed,
    private readonly log: Logger,
  ) {}

  /** Reads the sequence once (so `current` is known from the start), then follows the feed. */
  static async start(read: () => Promise<number>, feed: SeqFeed, log: Logger): Promise<SeqWatcher> {
    const watcher = new SeqWatcher(await read(), feed, log);
    feed.start((seq, how) => {
      if (watcher.closed) return;
      // A pushed notice only moves the sequence up; a read is the storage's word, down included.
      if (how === 'pushed') watcher.observe(seq);
      else if (seq !== watcher.seq) watcher.update(seq);
    });
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
    this.feed.close();
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
