/**
 * How loud the kiosk sounds its verdicts: set at start (`chot start --volume N`, `--mute`),
 * handed to the renderer in KioskInfo, which makes the tones. One definition of the range and
 * the default, read by the launch options' check and by the core.
 */
export interface SoundSettings {
  /** 0–100, a person's scale: the renderer maps it to gain (tone-plan.ts). 0 sounds nothing. */
  readonly volume: number;
  /** No verdict sounds at all, whatever the volume. */
  readonly muted: boolean;
}

export const SOUND_VOLUME_MIN = 0;
export const SOUND_VOLUME_MAX = 100;

/**
 * Loud enough to be heard over an entrance's chatter from the usual kiosk speaker, yet below
 * full scale, so the operator can still turn it up rather than only down.
 */
export const DEFAULT_SOUND_SETTINGS: SoundSettings = { volume: 80, muted: false };

/** Whether `volume` is a whole number in the volume's range. */
export function isSoundVolume(volume: unknown): volume is number {
  return typeof volume === 'number' && Number.isInteger(volume) && volume >= SOUND_VOLUME_MIN && volume <= SOUND_VOLUME_MAX;
}
