import { describe, expect, it } from 'vitest';
import { AimFeedback, SEEN_HOLD_MS } from '../../../../renderer/camera/aim-feedback.js';

/** Frames 100 ms apart (10 fps), as the camera grabs them. */
const FRAME_MS = 100;

describe('the camera’s aiming feedback', () => {
  it('says scanning while frames show no code', () => {
    const aim = new AimFeedback();
    for (let at = 0; at < 2000; at += FRAME_MS) expect(aim.frame('nothing', at)).toBe('scanning');
  });

  it('says seen from the first frame that locates a code it cannot yet read', () => {
    const aim = new AimFeedback();
    expect(aim.frame('nothing', 0)).toBe('scanning');
    expect(aim.frame('located', 100)).toBe('seen');
  });

  it('says seen while a code read is decided and while the card is still held up', () => {
    const aim = new AimFeedback();
    expect(aim.frame('decoded', 0)).toBe('seen');
    expect(aim.frame('decoded', 100)).toBe('seen');
  });

  it('keeps seen through blurred frames between sharp ones, then forgets a code taken away', () => {
    const aim = new AimFeedback();
    aim.frame('located', 1000);
    expect(aim.frame('nothing', 1100)).toBe('seen');
    expect(aim.frame('located', 1200)).toBe('seen');
    expect(aim.frame('nothing', 1200 + SEEN_HOLD_MS - FRAME_MS)).toBe('seen');
    expect(aim.frame('nothing', 1200 + SEEN_HOLD_MS)).toBe('scanning');
    expect(aim.frame('nothing', 5000)).toBe('scanning');
  });

  it('a late reply for an older frame does not move the last sighting back', () => {
    const aim = new AimFeedback();
    aim.frame('located', 2000);
    expect(aim.frame('located', 1000)).toBe('seen');
    expect(aim.frame('nothing', 2000 + SEEN_HOLD_MS - 1)).toBe('seen');
  });

  it('holds for under a second: a code taken away is not claimed for long', () => {
    expect(SEEN_HOLD_MS).toBeGreaterThanOrEqual(3 * FRAME_MS);
    expect(SEEN_HOLD_MS).toBeLessThan(1000);
  });
});
