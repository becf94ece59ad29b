import type { SeqListener, SeqWatcher } from './seq-watcher.js';
import { messageOf } from '../../platform/message-of.js';
import type { Logger } from '../../platform/logging/logger.js';

/** What follows the hub's sequence: the watcher itself, or the announcer below. */
export interface SeqSource {
  readonly current: number;
  onChange(listener: SeqListener): () => void;
}

export interface SeqAnnouncerOptions {
  /** Builds (and caches) the delta from the sequence kiosks are at to the new one. */
  readonly prepare: (from: number, to: number) => Promise<unknown>;
  /** Announce anyway after this long: a slow build must not keep kiosks from syncing. Default 10 s. */
  readonly maxWaitMs?: number;
  readonly log: Logger;
}

/**
 * Announces a new sequence (to the kiosks' WebSocket and to the snapshot builder) only once
 * the delta from the previous one is built and cached. Every up-to-date kiosk asks for that
 * very delta the moment it hears of the sequence; built on the first request, the first
 * kiosks waited for the build (~3 s for 100 000 people among 10 million), served from the
 * cache they wait ~50 ms. The snapshot rebuild (minutes of CPU at 10 million) starts after
 * it for the same reason. A sequence that goes down (a restored database) passes at once.
 */
export class SeqAnnouncer implements SeqSource {
  private readonly listeners = new Set<SeqListener>();
  private announced: number;
  private preparing: Promise<void> | undefined;
  private latest: number;
  private readonly unsubscribe: () => void;

  constructor(
    watcher: SeqWatcher,
    private readonly options: SeqAnnouncerOptions,
  ) {
    this.announced = watcher.current;
    this.latest = watcher.current;
    this.unsubscribe = watcher.onChange((seq, change) => {
      this.latest = seq;
      if (change === 'restored') this.emit(seq, 'restored');
      else void this.advance();
    });
  }

  get current(): number {
    return this.announced;
  }

  onChange(listener: SeqListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close(): void {
    this.unsubscribe();
  }

  /** One preparation at a time; sequences that arrive meanwhile are announced together after it. */
  private async advance(): Promise<void> {
    if (this.preparing !== undefined) return;
    while (this.latest > this.announced) {
      const [from, to] = [this.announced, this.latest];
      this.preparing = this.prepareWithin(from, to);
      await this.preparing;
      this.preparing = undefined;
      // Restored meanwhile to below what was prepared: that path announced it already.
      if (this.latest >= to) this.emit(to, 'advanced');
    }
  }

  private async prepareWithin(from: number, to: number): Promise<void> {
    // From 0 every person is in the delta: new kiosks take the snapshot instead.
    if (from === 0) return;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        this.options.log.warn(`delta ${from}→${to} still building after ${this.options.maxWaitMs ?? 10_000} ms: announcing sequence ${to} anyway`);
        resolve();
      }, this.options.maxWaitMs ?? 10_000);
    });
    const built = this.options.prepare(from, to).then(
      () => undefined,
      (error: unknown) => this.options.log.warn(`delta ${from}→${to} could not be built ahead: ${messageOf(error)}`),
    );
    await Promise.race([built, timeout]);
    clearTimeout(timer);
  }

  private emit(seq: number, change: 'advanced' | 'restored'): void {
    this.announced = seq;
    for (const listener of this.listeners) {
      try {
        listener(seq, change);
      } catch (error) {
        this.options.log.error(`sequence listener failed: ${messageOf(error)}`);
      }
    }
  }
}
