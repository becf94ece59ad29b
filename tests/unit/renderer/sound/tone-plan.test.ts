import { describe, expect, it } from 'vitest';
import { DEFAULT_SOUND_SETTINGS } from '../../../../domain/contract/sound-settings.js';
import { OUTCOMES, type Outcome } from '../../../../domain/verdict/verdict.js';
import { MAX_SOUND_S, tonePlan, volumeGain, type TonePlan } from '../../../../renderer/sound/tone-plan.js';

const FULL = { volume: 100, muted: false };

function planOf(outcome: Outcome, sound = FULL): TonePlan {
  const plan = tonePlan(outcome, sound);
  if (plan === undefined) throw new Error(`no sound for ${outcome}`);
  return plan;
}

/** The pitch pattern a listener hears: each note's frequency, in the order they start. */
const pitches = (outcome: Outcome): number[] => planOf(outcome).tones.map((tone) => tone.frequencyHz);

describe('tonePlan: one short sound per outcome, told apart by pitch pattern', () => {
  it('green is two notes rising, E5 then A5', () => {
    expect(pitches('green')).toEqual([659.25, 880]);
    const [first, second] = planOf('green').tones;
    // One after the other, not a chord.
    expect(second!.startS).toBeGreaterThanOrEqual(first!.startS + first!.durationS);
  });

  it('yellow is one mid note, D5', () => {
    expect(pitches('yellow')).toEqual([587.33]);
  });

  it('red is a low buzz twice, with a gap between', () => {
    const tones = planOf('red').tones;
    expect(tones.map((tone) => [tone.frequencyHz, tone.wave])).toEqual([
      [196, 'square'],
      [196, 'square'],
    ]);
    expect(tones[1]!.startS).toBeGreaterThan(tones[0]!.startS + tones[0]!.durationS);
  });

  it('none (no record) is one short high blip, shorter than any other sound', () => {
    const none = planOf('none');
    expect(none.tones).toHaveLength(1);
    for (const outcome of ['green', 'yellow', 'red'] as const) expect(none.durationS).toBeLessThan(planOf(outcome).durationS);
  });

  it('no two outcomes share a pitch pattern (notes, their order and count)', () => {
    const patterns = OUTCOMES.map((outcome) => JSON.stringify(pitches(outcome)));
    expect(new Set(patterns).size).toBe(OUTCOMES.length);
    // And the red is the lowest, so "low = no" holds whatever the timbre.
    expect(Math.max(...pitches('red'))).toBeLessThan(Math.min(...pitches('yellow'), ...pitches('green'), ...pitches('none')));
  });

  it.each(OUTCOMES)('%s is over within 0.6 s, each tone with a click-free envelope inside its own length', (outcome) => {
    const plan = planOf(outcome);
    expect(plan.durationS).toBeLessThanOrEqual(MAX_SOUND_S);
    expect(plan.durationS).toBe(Math.max(...plan.tones.map((tone) => tone.startS + tone.durationS)));
    for (const tone of plan.tones) {
      expect(tone.attackS).toBeGreaterThan(0);
      expect(tone.releaseS).toBeGreaterThan(0);
      expect(tone.attackS + tone.releaseS).toBeLessThanOrEqual(tone.durationS);
      expect(tone.peakGain).toBeGreaterThan(0);
      expect(tone.peakGain).toBeLessThanOrEqual(volumeGain(100));
    }
  });
});

describe('volume and mute', () => {
  it('muted: no sound at all, for every outcome and any volume', () => {
    for (const outcome of OUTCOMES) {
      expect(tonePlan(outcome, { volume: 100, muted: true })).toBeUndefined();
      expect(tonePlan(outcome, { volume: 0, muted: true })).toBeUndefined();
    }
  });

  it('volume 0 is silence too: no plan, rather than oscillators at gain 0', () => {
    for (const outcome of OUTCOMES) expect(tonePlan(outcome, { volume: 0, muted: false })).toBeUndefined();
  });

  it('maps 0–100 to gain on a square law: half the scale is a quarter of the full gain, and it only grows', () => {
    expect(volumeGain(0)).toBe(0);
    expect(volumeGain(50)).toBeCloseTo(volumeGain(100) / 4, 10);
    expect(volumeGain(100)).toBe(0.5);
    for (let volume = 1; volume <= 100; volume += 1) expect(volumeGain(volume)).toBeGreaterThan(volumeGain(volume - 1));
  });

  it('scales every tone by the volume and changes nothing else', () => {
    const loud = planOf('red', FULL);
    const quiet = planOf('red', { volume: 40, muted: false });
    expect(quiet.tones.map((tone) => tone.peakGain)).toEqual(loud.tones.map((tone) => (tone.peakGain * volumeGain(40)) / volumeGain(100)));
    expect(quiet.tones.map(({ peakGain: _gain, ...rest }) => rest)).toEqual(loud.tones.map(({ peakGain: _gain, ...rest }) => rest));
  });

  it('the default is audible and unmuted', () => {
    for (const outcome of OUTCOMES) expect(tonePlan(outcome, DEFAULT_SOUND_SETTINGS)).toBeDefined();
  });
});
