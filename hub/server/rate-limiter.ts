export interface RateLimit {
  /** Attempts allowed at once (the bucket's size). */
  readonly burst: number;
  /** Attempts regained per minute. */
  readonly perMinute: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

/** Addresses remembered at most: past this, buckets that have refilled are forgotten first. */
const MAX_TRACKED_KEYS = 10_000;

/**
 * Token buckets: one per key (a remote address) and one for all keys together, so that
 * guessing is slow from one address and from many. `take` says whether an attempt may go
 * ahead now, or in how many seconds it may.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly all: Bucket;

  constructor(
    private readonly perKey: RateLimit,
    private readonly overall: RateLimit,
    private readonly now: () => number = Date.now,
  ) {
    this.all = { tokens: overall.burst, at: now() };
  }

  /** Takes one attempt for `key`: `{ ok: true }`, or when the next attempt may come. */
  take(key: string): { ok: true } | { ok: false; retryAfterSeconds: number; scope: 'address' | 'hub' } {
    const now = this.now();
    const own = this.buckets.get(key) ?? { tokens: this.perKey.burst, at: now };
    refill(own, this.perKey, now);
    refill(this.all, this.overall, now);
    if (own.tokens < 1) return { ok: false, retryAfterSeconds: secondsUntilToken(own, this.perKey), scope: 'address' };
    if (this.all.tokens < 1) return { ok: false, retryAfterSeconds: secondsUntilToken(this.all, this.overall), scope: 'hub' };
    own.tokens -= 1;
    this.all.tokens -= 1;
    this.buckets.set(key, own);
    if (this.buckets.size > MAX_TRACKED_KEYS) this.forgetRefilled(now);
    return { ok: true };
  }

  private forgetRefilled(now: number): void {
    for (const [key, bucket] of this.buckets) {
      refill(bucket, this.perKey, now);
      if (bucket.tokens >= this.perKey.burst) this.buckets.delete(key);
    }
  }
}

function refill(bucket: Bucket, limit: RateLimit, now: number): void {
  bucket.tokens = Math.min(limit.burst, bucket.tokens + ((now - bucket.at) * limit.perMinute) / 60_000);
  bucket.at = now;
}

const secondsUntilToken = (bucket: Bucket, limit: RateLimit): number => Math.max(1, Math.ceil(((1 - bucket.tokens) * 60) / limit.perMinute));
