import { describe, expect, it } from 'vitest';
import { assessClock, clockTrusted, DEFAULT_CLOCK_TRUST_POLICY } from '../../../../domain/time/clock-trust.js';

const MINUTE = 60_000;
const SIGNED = Date.parse('2026-12-06T10:00:00Z');

describe('assessClock: the kiosk clock judged from what the hub signed', () => {
  it('a board booted in 1970 is behind the newest signed time, and not trusted', () => {
    const assessment = assessClock(0, { newestSignedMs: SIGNED });
    expect(assessment.state).toBe('behind-signed-time');
    expect(assessment.offByMs).toBe(SIGNED);
    expect(clockTrusted(assessment)).toBe(false);
  });

  it('a clock set back three days (a 72-hour test made to look fresh) is behind', () => {
    expect(assessClock(SIGNED - 72 * 60 * MINUTE, { newestSignedMs: SIGNED, hubOffsetMs: 0 }).state).toBe('behind-signed-time');
  });

  it('a little behind, within the allowance (a hub clock slightly ahead), is trusted', () => {
    const allowance = DEFAULT_CLOCK_TRUST_POLICY.behindAllowanceMs;
    expect(assessClock(SIGNED - allowance, { newestSignedMs: SIGNED }).state).toBe('trusted');
    expect(assessClock(SIGNED - allowance - 1, { newestSignedMs: SIGNED }).state).toBe('behind-signed-time');
  });

  it('off from the hub by more than the threshold, either way: off-from-hub, not trusted', () => {
    const threshold = DEFAULT_CLOCK_TRUST_POLICY.offFromHubMs;
    expect(assessClock(SIGNED, { newestSignedMs: SIGNED, hubOffsetMs: threshold + 1 }).state).toBe('off-from-hub');
    const ahead = assessClock(SIGNED, { newestSignedMs: SIGNED, hubOffsetMs: -(threshold + 1) });
    expect(ahead).toEqual({ state: 'off-from-hub', offByMs: -(threshold + 1) });
    expect(clockTrusted(ahead)).toBe(false);
    expect(assessClock(SIGNED, { newestSignedMs: SIGNED, hubOffsetMs: threshold }).state).toBe('trusted');
  });

  it('the threshold is a parameter', () => {
    const strict = { ...DEFAULT_CLOCK_TRUST_POLICY, offFromHubMs: MINUTE };
    expect(assessClock(SIGNED, { hubOffsetMs: 2 * MINUTE }, strict).state).toBe('off-from-hub');
    expect(assessClock(SIGNED, { hubOffsetMs: 2 * MINUTE }).state).toBe('trusted');
  });

  it('no witness at all (never heard from a hub, an older hub): unknown, which is not a fault', () => {
    const assessment = assessClock(0, {});
    expect(assessment.state).toBe('unknown');
    expect(clockTrusted(assessment)).toBe(true);
  });
});
