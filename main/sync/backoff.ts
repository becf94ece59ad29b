/**
 * Exponential backoff with full jitter: the n-th retry (from 0) waits a uniformly random
 * time in [0, min(max, min · 2ⁿ)). A thousand kiosks that lost the hub at the same moment
 * then come back spread over the whole window instead of in synchronised waves.
 */
export interface BackoffPolicy {
  /** The first window (docs/hub-api.md: 1 s). */
  readonly minMs: number;
  /** The cap (docs/hub-api.md: 5 min). */
  readonly maxMs: number;
  /** A number in [0, 1); injectable so tests can pin the jitter. */
  readonly random: () => number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { minMs: 1_000, maxMs: 5 * 60_000, random: Math.random };

/** The window of the n-th retry: what a delay is drawn under. */
export function backoffWindow(attempt: number, policy: Pick<BackoffPolicy, 'minMs' | 'maxMs'>): number {
  // 2^n overflows nothing below the cap long before n reaches the float limit; clamp n anyway.
  return Math.min(policy.maxMs, policy.minMs * 2 ** Math.min(attempt, 52));
}

export function backoffDelay(attempt: number, policy: BackoffPolicy): number {
  const random = Math.min(Math.max(policy.random(), 0), 1);
  return Math.floor(random * backoffWindow(attempt, policy));
}
