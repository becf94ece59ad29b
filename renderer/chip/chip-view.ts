import type { ChipReadStep, ChipReadingState } from '../../domain/contract/chip-reading.js';
import type { KioskEvent } from '../../domain/contract/kiosk-events.js';
import type { ChipPassiveOutcome, ChipVerdictDetail, DisplayImage } from '../../domain/verdict/chip-verdict.js';
import type { Bilingual } from '../../domain/text/bilingual.js';

/**
 * What the screen says about the chip card, as pure functions of the core's state and of a
 * chip verdict: the DOM side (chip-prompt.ts, chip-panel.ts) only copies these into elements,
 * so every word and number shown is decided here and tested without a browser.
 */

/** A line for people: a glyph that carries the meaning without colour, and both languages. */
export interface GlyphLine extends Bilingual {
  readonly glyph: string;
}

export type ChipPromptPhase = 'waiting-for-card' | 'needs-key' | 'reading';

export interface ChipPromptView {
  readonly phase: ChipPromptPhase;
  readonly text: Bilingual;
  /** While reading: what the read is doing. */
  readonly step?: Bilingual;
  /** While reading: the fraction read, 0–1; absent while the files' lengths are not known yet (an indeterminate bar). */
  readonly fraction?: number;
}

export const CHIP_PROMPT_TEXT: Readonly<Record<ChipPromptPhase, Bilingual>> = {
  'waiting-for-card': { vi: 'Đặt thẻ lên đầu đọc', en: 'Place your card on the reader' },
  'needs-key': { vi: 'Quét mã QR trên thẻ, hoặc nhân viên nhập số CAN', en: 'Scan the card’s QR, or staff enter the CAN' },
  reading: { vi: 'Đang đọc chip… giữ yên thẻ', en: 'Reading the chip… keep the card still' },
};

export const CHIP_STEP_TEXT: Readonly<Record<ChipReadStep, Bilingual>> = {
  handshake: { vi: 'Mở kết nối bảo mật với chip', en: 'Opening a secure session with the chip' },
  data: { vi: 'Đọc dữ liệu', en: 'Reading the data' },
  photo: { vi: 'Đọc ảnh', en: 'Reading the photo' },
  checking: { vi: 'Kiểm tra chữ ký', en: 'Checking the signatures' },
};

/** A state for another lane's reader is not this screen's to show, nor to clear this lane's prompt with. */
export const isForLane = (state: ChipReadingState, lane: string): boolean => state.lane === lane;

/**
 * The fraction of the read done, for the progress bar; undefined (indeterminate) until the
 * core knows how many bytes to expect. Clamped: a count that runs past its estimate (the
 * photo's length is known only once its header is read) never draws a bar over 100 %.
 */
export function readFraction(bytesRead: number, bytesExpected: number | undefined): number | undefined {
  if (bytesExpected === undefined || !Number.isFinite(bytesExpected) || bytesExpected <= 0) return undefined;
  if (!Number.isFinite(bytesRead) || bytesRead <= 0) return 0;
  return Math.min(1, bytesRead / bytesExpected);
}

/**
 * The card prompt for a state of this screen's lane at `nowMs` (epoch ms, the core's clock
 * on the same machine), or undefined when nothing is to be shown: idle, or a wait for the
 * card that has run out.
 */
export function chipPromptView(state: ChipReadingState, nowMs: number): ChipPromptView | undefined {
  switch (state.phase) {
    case 'idle':
      return undefined;
    case 'waiting-for-card':
      return nowMs < state.untilMs ? { phase: state.phase, text: CHIP_PROMPT_TEXT[state.phase] } : undefined;
    case 'needs-key':
      return { phase: state.phase, text: CHIP_PROMPT_TEXT[state.phase] };
    case 'reading': {
      const fraction = readFraction(state.bytesRead, state.bytesExpected);
      // An unknown step (a newer core) still shows the read, without a step line.
      const step = CHIP_STEP_TEXT[state.step] as Bilingual | undefined;
      return { phase: state.phase, text: CHIP_PROMPT_TEXT.reading, ...(step === undefined ? {} : { step }), ...(fraction === undefined ? {} : { fraction }) };
    }
  }
}

/** setTimeout's limit: a longer delay would fire at once. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * How long until a wait for the card shown at `nowMs` ends by itself, so a core that says
 * nothing more never leaves the prompt up; undefined for every other state, and for a wait
 * already over. A far deadline waits setTimeout's longest.
 */
export function promptEndsInMs(state: ChipReadingState, nowMs: number): number | undefined {
  if (state.phase !== 'waiting-for-card' || state.untilMs <= nowMs) return undefined;
  return Math.min(state.untilMs - nowMs, MAX_TIMER_MS);
}

/** A chip card's verdict for this lane ends its read: the prompt goes, whatever the core says next. */
export const endsChipRead = (event: KioskEvent, lane: string): boolean => event.name === 'verdict' && event.verdict.chip !== undefined && event.lane === lane;

/** The percentage a bar shows, as people read it: whole numbers, 100 only when everything is read. */
export const percentOf = (fraction: number): number => (fraction >= 1 ? 100 : Math.min(99, Math.floor(fraction * 100)));

/** Passive authentication's outcome in words for staff: what it means for the card in front of them. */
export const PASSIVE_TEXT: Readonly<Record<ChipPassiveOutcome, GlyphLine>> = {
  'chip-verified': { glyph: '✓', vi: 'Chip đã xác thực', en: 'Chip verified' },
  'chip-integrity-only': { glyph: '!', vi: 'Chip nguyên vẹn, chưa xác thực nơi cấp', en: 'Chip data intact, issuer not verified' },
  'chip-altered': { glyph: '✕', vi: 'Chip đã bị thay đổi — không tin cậy', en: 'Chip altered — do not trust' },
  'chip-unverified': { glyph: '?', vi: 'Chip chưa xác thực được', en: 'Chip not verified' },
};

export const ACCESS_PATH_TEXT: Readonly<Record<ChipVerdictDetail['accessPath'], Bilingual>> = {
  'pace-can': { vi: 'Mở chip: PACE bằng số CAN', en: 'Chip opened: PACE with the CAN' },
  'pace-mrz': { vi: 'Mở chip: PACE bằng MRZ', en: 'Chip opened: PACE with the MRZ' },
  bac: { vi: 'Mở chip: BAC bằng MRZ (cũ)', en: 'Chip opened: BAC with the MRZ (legacy)' },
};

/** Active authentication proves the chip is the original, not a copy of its data. */
export function activeText(active: ChipVerdictDetail['active']): GlyphLine {
  if (active === 'passed') return { glyph: '✓', vi: 'Chống sao chép: đạt', en: 'Anti-cloning check passed' };
  if (active === 'failed')
    return { glyph: '✕', vi: 'Chống sao chép: không đạt — có thể là chip sao chép', en: 'Anti-cloning check failed — the chip may be a copy' };
  return { glyph: '–', vi: 'Chip không có kiểm tra chống sao chép', en: 'The chip offers no anti-cloning check' };
}

/** Base64 as the core sends it: nothing else may reach a data: URL. */
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const IMAGE_MIMES: readonly string[] = ['image/jpeg', 'image/png'];

/**
 * The face as a data: URL for an <img>, or undefined when the image is not one the screen
 * draws as it is (a known mime, well-formed base64): the photo never goes through a file,
 * a cache or a blob URL that could outlive the verdict on screen.
 */
export function photoDataUrl(image: DisplayImage | undefined): string | undefined {
  if (image === undefined || !IMAGE_MIMES.includes(image.mime)) return undefined;
  if (image.base64.length % 4 !== 0 || !BASE64.test(image.base64)) return undefined;
  return `data:${image.mime};base64,${image.base64}`;
}

/** Why no face is shown: the core's reason, or a malformed image. */
export function photoMissingText(detail: ChipVerdictDetail): Bilingual | undefined {
  if (photoDataUrl(detail.photo) !== undefined) return undefined;
  if (detail.photoProblem !== undefined) return detail.photoProblem;
  if (detail.photo !== undefined) return { vi: 'Không hiển thị được ảnh trên chip', en: 'The chip’s photo cannot be shown' };
  return { vi: 'Chip không có ảnh', en: 'No photo on the chip' };
}
