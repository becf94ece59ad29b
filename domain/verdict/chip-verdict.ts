import type { Reason } from '../text/bilingual.js';

/** An image the screen can draw as it is: a JPEG passes through, a JPEG 2000 face is decoded by the core first. */
export interface DisplayImage {
  readonly mime: 'image/jpeg' | 'image/png';
  readonly base64: string;
  readonly width?: number;
  readonly height?: number;
}

/** The outcome of passive authentication (domain/chip/passive-auth.ts). */
export type ChipPassiveOutcome = 'chip-verified' | 'chip-integrity-only' | 'chip-altered' | 'chip-unverified';

/**
 * What a chip verdict adds for staff (`Verdict.chip`): how the chip was opened and checked,
 * and the face from DG2 for a visual match. Shown on the staff side of the screen only;
 * never stored, logged or sent to the hub.
 */
export interface ChipVerdictDetail {
  readonly accessPath: 'pace-can' | 'pace-mrz' | 'bac';
  readonly passive: ChipPassiveOutcome;
  /** Active authentication: absent when the chip offers none (no DG15). */
  readonly active?: 'passed' | 'failed';
  readonly photo?: DisplayImage;
  /** Why there is no photo to show (not on the chip, could not be decoded). */
  readonly photoProblem?: Reason;
}
