/**
 * Exponential backoff, the one copy drivers/, main/, hub/ and cli/ share: the n-th retry
 * (from 0) has the window min(max, min · 2ⁿ). With full jitter (backoffDelay) it waits a
 * uniformly random time in [0, window): a thousand kiosks that lost the hub at the same
 * moment then come back spread over the whole window instead of in synchronised waves. A
 * retry of something only this process uses waits the window itself (backoffWindow): the
 * device keepers reopen a local scanner or relay so, serial 250 ms → 2 s, HID 1 s → 30 s.
 */
export interface BackoffWindow {
  /** The first window (docs/hub-api.md: 1 s for the hub). */
  readonly minMs: number;
  /** The cap (docs/hub-api.md: 5 min for the hub). */
  readonly maxMs: number;
}

export interface BackoffPolicy extends BackoffWindow {
  /** A number in [0, 1); injectable so tests can pin the jitter. */
  readonly random: () => number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { minMs: 1_000, maxMs: 5 * 60_000, random: Math.random };

/** The window of the n-th retry: what a delay is drawn under. */
export function backoffWindow(attempt: number, policy: BackoffWindow): number {
  // 2^n overflows nothing below the cap long before n reaches the float limit; clamp n anyway.
  return Math.min(policy.maxMs, policy.minMs * 2 ** Math.min(attempt, 52));
}

/** A full-jitter delay for the n-th retry: uniformly random under its window. */
export function backoffDelay(attempt: number, policy: BackoffPolicy): number {
  const random = Math.min(Math.max(policy.random(), 0), 1);
  return Math.floor(random * backoffWindow(attempt, policy));
}
