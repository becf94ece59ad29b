/**
 * What one decoded camera frame showed: a code read whole, a code the decoder located but could
 * not read (out of focus, moving, partly covered, tilted too far), or no code at all.
 */
export type FrameFinding = 'decoded' | 'located' | 'nothing';

/** The line under the preview while the camera runs. */
export type AimState = 'scanning' | 'seen';

/**
 * How long "code seen — hold still" stays after the last frame that showed a code: about eight
 * frames at 10 fps, so the odd blurred frame between two that show the code does not make the
 * line flicker, and a code taken away is forgotten within a second.
 */
export const SEEN_HOLD_MS = 800;

/**
 * Turns decoded frames into the aiming feedback: "seen" from a frame that located or read a code
 * (a code read is being decided, or is a card still held up after its verdict) until
 * SEEN_HOLD_MS pass without one. Times are the frames' own (`performance.now()` when grabbed),
 * so it is deterministic for a test and a late reply cannot revive an older state.
 */
export class AimFeedback {
  private lastSeenAt = Number.NEGATIVE_INFINITY;

  frame(finding: FrameFinding, at: number): AimState {
    if (finding !== 'nothing') this.lastSeenAt = Math.max(this.lastSeenAt, at);
    return at - this.lastSeenAt < SEEN_HOLD_MS ? 'seen' : 'scanning';
  }
}
