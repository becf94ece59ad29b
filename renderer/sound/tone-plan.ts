import type { SoundSettings } from '../../domain/contract/sound-settings.js';
import type { Outcome } from '../../domain/verdict/verdict.js';

/**
 * What each verdict sounds like, as data: the Web Audio player (verdict-sound.ts) only plays
 * a plan. Pure, so the shape of every sound is tested without a speaker.
 *
 * The four sounds differ by their pitch pattern, not only by timbre, so a person who cannot
 * see the screen (or tell its colours apart) hears the outcome: two notes going UP (green,
 * go), one steady MIDDLE note (yellow, wait for staff), two LOW buzzes (red, no), one very
 * SHORT high blip (no record: the card was read, nothing decided). Each is over in well
 * under 0.6 s, before the next person steps up.
 */

export type ToneWave = 'sine' | 'triangle' | 'square';

/** One note: an oscillator started at `startS` (from the plan's start) for `durationS`. */
export interface Tone {
  readonly frequencyHz: number;
  readonly wave: ToneWave;
  readonly startS: number;
  readonly durationS: number;
  /**
   * Its gain envelope: a linear rise from silence to `peakGain` over `attackS`, held, then an
   * exponential fall to silence over the last `releaseS`. The ramps are what keep a tone from
   * clicking: an oscillator switched on or off at full level cracks the speaker.
   */
  readonly peakGain: number;
  readonly attackS: number;
  readonly releaseS: number;
}

export interface TonePlan {
  readonly outcome: Outcome;
  readonly tones: readonly Tone[];
  /** When the last tone has faded: the whole sound's length. */
  readonly durationS: number;
}

/** The longest any verdict's sound may last (the tests hold every plan to it). */
export const MAX_SOUND_S = 0.6;

/**
 * The highest gain a tone reaches at volume 100. Below 1 because the square wave of the red
 * buzz carries more energy than a sine at the same gain; each tone's `level` evens that out.
 */
const FULL_SCALE_GAIN = 0.5;
const ATTACK_S = 0.01;
const RELEASE_S = 0.05;

/** A note of a sound before the volume: `level` makes the timbres equally loud to the ear. */
interface Note {
  readonly frequencyHz: number;
  readonly wave: ToneWave;
  readonly startS: number;
  readonly durationS: number;
  readonly level: number;
}

const NOTES: Readonly<Record<Outcome, readonly Note[]>> = {
  // E5 then A5: an upward fourth, the "yes" of door chimes.
  green: [
    { frequencyHz: 659.25, wave: 'sine', startS: 0, durationS: 0.14, level: 1 },
    { frequencyHz: 880, wave: 'sine', startS: 0.15, durationS: 0.22, level: 1 },
  ],
  // D5 alone, a little longer: attention, not alarm.
  yellow: [{ frequencyHz: 587.33, wave: 'triangle', startS: 0, durationS: 0.3, level: 1 }],
  // G3 twice, buzzy (square): the "no" a person knows from every barrier.
  red: [
    { frequencyHz: 196, wave: 'square', startS: 0, durationS: 0.16, level: 0.45 },
    { frequencyHz: 196, wave: 'square', startS: 0.24, durationS: 0.16, level: 0.45 },
  ],
  // A short neutral tick: something happened, no colour was decided.
  none: [{ frequencyHz: 1046.5, wave: 'sine', startS: 0, durationS: 0.08, level: 0.7 }],
};

/**
 * The gain at volume 100·`volume`/100. Loudness follows gain roughly as its logarithm, so a
 * straight line would put nearly all the audible change in the bottom tenth of the scale; the
 * square makes the middle of the scale sound like the middle.
 */
export function volumeGain(volume: number): number {
  const clamped = Math.min(100, Math.max(0, volume)) / 100;
  return FULL_SCALE_GAIN * clamped * clamped;
}

/** The sound of an outcome at these settings; undefined when nothing is to be heard (muted, volume 0). */
export function tonePlan(outcome: Outcome, sound: SoundSettings): TonePlan | undefined {
  const gain = volumeGain(sound.volume);
  if (sound.muted || gain === 0) return undefined;
  const tones = NOTES[outcome].map((note): Tone => ({
    frequencyHz: note.frequencyHz,
    wave: note.wave,
    startS: note.startS,
    durationS: note.durationS,
    peakGain: gain * note.level,
    attackS: ATTACK_S,
    releaseS: RELEASE_S,
  }));
  return { outcome, tones, durationS: Math.max(...tones.map((tone) => tone.startS + tone.durationS)) };
}
