import type { Reason } from '../text/bilingual.js';

/**
 * The chip ID card at the gate, as the core tells the screen about it. The flow: a person's
 * card QR is scanned and decided at once (an unsigned credential); when the lane has a chip
 * reader the screen then asks for the card on the reader (`waiting-for-card`); the chip is
 * read with the card access number from the QR's ID (PACE), else BAC with MRZ keys, while
 * the screen shows how far the read is (`reading`, from bytes read: a real contactless read
 * of the photo takes seconds); the result is a new verdict of its own (credential kind
 * `chip`, `Verdict.chip`), logged like any other. A card put on the reader with no QR
 * before it and no CAN typed by staff gets `needs-key`, never a hang.
 */
export type ChipReadingState =
  /** Nothing pending on this lane's reader. */
  | { readonly phase: 'idle'; readonly lane: string }
  /**
   * A card QR was decided (`forEntrySeq`; 0 when staff typed the CAN instead): the screen asks
   * for the card on the reader until `untilMs` (epoch ms).
   */
  | { readonly phase: 'waiting-for-card'; readonly lane: string; readonly forEntrySeq: number; readonly untilMs: number }
  /** A card lies on the reader but no key is known: scan the card's QR, or staff type the CAN. */
  | { readonly phase: 'needs-key'; readonly lane: string; readonly reader: string }
  /** The chip is being read. `bytesExpected` is known once the files' lengths are. */
  | {
      readonly phase: 'reading';
      readonly lane: string;
      readonly reader: string;
      readonly step: ChipReadStep;
      readonly bytesRead: number;
      readonly bytesExpected?: number;
    };

/** What the read is doing: opening the secure session, reading the data groups, the photo, checking signatures. */
export type ChipReadStep = 'handshake' | 'data' | 'photo' | 'checking';

export type ChipReadingPhase = ChipReadingState['phase'];
export const CHIP_READING_PHASES = ['idle', 'waiting-for-card', 'needs-key', 'reading'] as const satisfies readonly ChipReadingPhase[];

export type { ChipPassiveOutcome, ChipVerdictDetail, DisplayImage } from '../verdict/chip-verdict.js';

/** Staff type the 6-digit card access number printed on the card (operator screen). */
export interface ChipCanRequest {
  readonly can: string;
  /** The lane whose reader the card is on; default the kiosk's own lane. */
  readonly lane?: string;
}

export type ChipCanResult = { readonly ok: true } | { readonly ok: false; readonly refusal: Reason };

export const CHIP_CAN_PATTERN = /^[0-9]{6}$/;

export const CHIP_CAN_REFUSALS = {
  noReader: { code: 'chip.no-reader', vi: 'Kiosk này không có đầu đọc thẻ chip', en: 'This kiosk has no chip card reader' },
} as const satisfies Record<string, Reason>;
