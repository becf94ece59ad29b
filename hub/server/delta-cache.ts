/**
 * Built deltas, kept in memory so a thousand kiosks at the same watermark cost one build:
 * requests for a (from, to) being built wait for that build instead of starting another,
 * and finished ones stay, least recently used dropped first, within a byte budget. A
 * failed build is not kept: the next request tries again.
 */
export interface Sized {
  readonly bytes: number;
}

export class DeltaCache<V extends Sized> {
  /** Map order is use order: the first entry is the least recently used. */
  private readonly entries = new Map<string, V>();
  private readonly inFlight = new Map<string, Promise<V>>();
  private total = 0;

  constructor(private readonly maxBytes: number) {}

  get size(): { readonly entries: number; readonly bytes: number } {
    return { entries: this.entries.size, bytes: this.total };
  }

  get(key: string, build: () => Promise<V>): Promise<V> {
    const cached = this.entries.get(key);
    if (cached !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, cached);
      return Promise.resolve(cached);
    }
    const running = this.inFlight.get(key);
    if (running !== undefined) return running;
    const started = build().then(
      (value) => {
        this.inFlight.delete(key);
        this.store(key, value);
        return value;
      },
      (error: unknown) => {
        this.inFlight.delete(key);
        throw error;
      },
    );
    this.inFlight.set(key, started);
    return started;
  }

  /** Forgets everything built (the database was restored: the same keys may now mean other data). */
  clear(): void {
    this.entries.clear();
    this.total = 0;
  }

  private store(key: string, value: V): void {
    // Larger than the whole budget: served to the requests that waited for it, not kept.
    if (value.bytes > this.maxBytes) return;
    this.entries.set(key, value);
    this.total += value.bytes;
    for (const [oldKey, old] of this.entries) {
      if (this.total <= this.maxBytes) break;
      this.entries.delete(oldKey);
      this.total -= old.bytes;
    }
  }
}
