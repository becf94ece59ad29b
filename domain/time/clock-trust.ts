import type { Reason } from '../text/bilingual.js';

/**
 * Whether the kiosk's own clock can be trusted, judged from what the hub signed. A board
 * without a real-time clock boots in 1970 or at its last shutdown, and a clock set back
 * makes a 72-hour test look fresh: every comparison the rules make with the scan time is
 * only as good as the clock. Two witnesses, both signed by the hub so nobody at the gate
 * can forge them:
 *
 * - the newest signed instant the kiosk holds (an upload receipt's `issuedAt`, a trust
 *   file's `issuedAt`): time never runs backwards, so a clock before it is wrong — the
 *   kiosk refuses to call itself READY;
 * - the hub's clock as last seen (a receipt's `issuedAt` against the kiosk's clock when it
 *   arrived): a clock off from it by more than the threshold is a warning, as network
 *   delay and the hub's own clock make it the weaker witness.
 *
 * Neither witness (a kiosk that has never heard from its hub, an older hub) is `unknown`,
 * which is not a fault by itself. Pure: the core gathers the witnesses (main/core/clock-witness.ts).
 */
export const CLOCK_STATES = ['trusted', 'behind-signed-time', 'off-from-hub', 'unknown'] as const;
export type ClockState = (typeof CLOCK_STATES)[number];

/** What the kiosk holds that the hub signed, in epoch milliseconds. */
export interface ClockEvidence {
  /** The newest instant the hub signed among everything the kiosk holds. */
  readonly newestSignedMs?: number;
  /** The hub's clock minus the kiosk's, when the kiosk last heard a signed time from it. */
  readonly hubOffsetMs?: number;
}

export interface ClockTrustPolicy {
  /**
   * How far behind the newest signed instant the clock may be: the hub's clock may itself
   * run a little ahead, and a receipt is signed before it reaches the kiosk.
   */
  readonly behindAllowanceMs: number;
  /** How far the clock may be off from the hub's before staff are warned. */
  readonly offFromHubMs: number;
  /**
   * What a clock behind the newest signed time does to the screen: `not-ready` (the
   * default: the rules compare with a wrong "now") or only a `warning`.
   */
  readonly behind: 'not-ready' | 'warning';
}

export const DEFAULT_CLOCK_TRUST_POLICY: ClockTrustPolicy = { behindAllowanceMs: 2 * 60_000, offFromHubMs: 5 * 60_000, behind: 'not-ready' };

export interface ClockAssessment {
  readonly state: ClockState;
  /** How far the clock is behind (positive) or ahead (negative) of the witness that judged it; absent when trusted or unknown. */
  readonly offByMs?: number;
}

/** The clock judged from the evidence, at the kiosk's `nowMs`. */
export function assessClock(nowMs: number, evidence: ClockEvidence, policy: ClockTrustPolicy = DEFAULT_CLOCK_TRUST_POLICY): ClockAssessment {
  const { newestSignedMs, hubOffsetMs } = evidence;
  if (newestSignedMs !== undefined && nowMs < newestSignedMs - policy.behindAllowanceMs) {
    return { state: 'behind-signed-time', offByMs: newestSignedMs - nowMs };
  }
  if (hubOffsetMs !== undefined && Math.abs(hubOffsetMs) > policy.offFromHubMs) return { state: 'off-from-hub', offByMs: hubOffsetMs };
  return newestSignedMs === undefined && hubOffsetMs === undefined ? { state: 'unknown' } : { state: 'trusted' };
}

/** Whether decisions may rely on the clock: only a clock a witness contradicts is not trusted. */
export const clockTrusted = (assessment: ClockAssessment): boolean => assessment.state === 'trusted' || assessment.state === 'unknown';

/**
 * Said beside every verdict decided while the clock is not trusted, and logged with its
 * entry (docs/entry-log.md), so the hub sees which entries were decided on a wrong clock.
 */
export const CLOCK_UNTRUSTED: Reason = {
  code: 'clock.untrusted',
  vi: 'Đồng hồ của máy không đáng tin — kiểm tra giấy tờ bằng tay',
  en: 'The kiosk clock cannot be trusted — check papers by hand',
};
