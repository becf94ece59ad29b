import { describe, expect, it } from 'vitest';
import { backoffDelay, backoffWindow } from '../../../platform/backoff.js';

describe('backoff', () => {
  it('full jitter under a window that doubles from 1 s up to 5 min', () => {
    const policy = { minMs: 1_000, maxMs: 300_000 };
    expect([0, 1, 2, 8, 9, 30].map((n) => backoffWindow(n, policy))).toEqual([1_000, 2_000, 4_000, 256_000, 300_000, 300_000]);
    expect(backoffDelay(3, { ...policy, random: () => 0 })).toBe(0);
    expect(backoffDelay(3, { ...policy, random: () => 0.25 })).toBe(2_000);
    expect(backoffDelay(3, { ...policy, random: () => 0.999_999 })).toBeLessThan(8_000);
  });
});

describe('backoff without jitter', () => {
  it('the window alone doubles from its first value up to the cap (local devices retry on it)', () => {
    expect([0, 1, 2, 3, 4].map((n) => backoffWindow(n, { minMs: 250, maxMs: 2_000 }))).toEqual([250, 500, 1_000, 2_000, 2_000]);
  });

  it('a huge attempt count neither overflows nor goes past the cap', () => {
    expect(backoffWindow(10_000, { minMs: 1_000, maxMs: 300_000 })).toBe(300_000);
    expect(backoffDelay(10_000, { minMs: 1_000, maxMs: 300_000, random: () => 0.5 })).toBe(150_000);
  });

  it('a random source outside [0, 1) is clamped, never a negative or over-long delay', () => {
    expect(backoffDelay(0, { minMs: 1_000, maxMs: 300_000, random: () => -3 })).toBe(0);
    expect(backoffDelay(0, { minMs: 1_000, maxMs: 300_000, random: () => 7 })).toBe(1_000);
  });
});
