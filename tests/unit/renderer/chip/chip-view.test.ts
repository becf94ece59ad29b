import { describe, expect, it } from 'vitest';
import type { ChipReadingState } from '../../../../domain/contract/chip-reading.js';
import type { KioskEvent } from '../../../../domain/contract/kiosk-events.js';
import type { ChipVerdictDetail } from '../../../../domain/verdict/chip-verdict.js';
import type { Verdict } from '../../../../domain/verdict/verdict.js';
import {
  ACCESS_PATH_TEXT,
  activeText,
  chipPromptView,
  endsChipRead,
  isForLane,
  MAX_TIMER_MS,
  PASSIVE_TEXT,
  percentOf,
  photoDataUrl,
  photoMissingText,
  promptEndsInMs,
  readFraction,
} from '../../../../renderer/chip/chip-view.js';

const NOW = 1_800_000_000_000;
const reading = (bytesRead: number, bytesExpected?: number, step: 'handshake' | 'data' | 'photo' | 'checking' = 'photo'): ChipReadingState => ({
  phase: 'reading',
  lane: '1',
  reader: 'ACS ACR1252 00 00',
  step,
  bytesRead,
  ...(bytesExpected === undefined ? {} : { bytesExpected }),
});

describe('the card prompt for each state of the lane’s reader', () => {
  it('idle: nothing', () => {
    expect(chipPromptView({ phase: 'idle', lane: '1' }, NOW)).toBeUndefined();
  });

  it('waiting for the card: place it on the reader, until the wait runs out', () => {
    const state: ChipReadingState = { phase: 'waiting-for-card', lane: '1', forEntrySeq: 42, untilMs: NOW + 30_000 };
    expect(chipPromptView(state, NOW)).toEqual({
      phase: 'waiting-for-card',
      text: { vi: 'Đặt thẻ lên đầu đọc', en: 'Place your card on the reader' },
    });
    expect(chipPromptView(state, NOW + 29_999)).toBeDefined();
    expect(chipPromptView(state, NOW + 30_000)).toBeUndefined();
  });

  it('a card without a key: scan its QR, or staff type the CAN', () => {
    expect(chipPromptView({ phase: 'needs-key', lane: '1', reader: 'r' }, NOW)).toEqual({
      phase: 'needs-key',
      text: { vi: 'Quét mã QR trên thẻ, hoặc nhân viên nhập số CAN', en: 'Scan the card’s QR, or staff enter the CAN' },
    });
  });

  it('reading: keep the card still, the step, and the fraction read', () => {
    expect(chipPromptView(reading(5_000, 20_000), NOW)).toEqual({
      phase: 'reading',
      text: { vi: 'Đang đọc chip… giữ yên thẻ', en: 'Reading the chip… keep the card still' },
      step: { vi: 'Đọc ảnh', en: 'Reading the photo' },
      fraction: 0.25,
    });
    expect(chipPromptView(reading(0, undefined, 'handshake'), NOW)?.step).toEqual({
      vi: 'Mở kết nối bảo mật với chip',
      en: 'Opening a secure session with the chip',
    });
    expect(chipPromptView(reading(0, undefined, 'data'), NOW)?.step?.vi).toBe('Đọc dữ liệu');
    expect(chipPromptView(reading(0, undefined, 'checking'), NOW)?.step?.en).toBe('Checking the signatures');
  });

  it('reading with no length known yet: no fraction (an indeterminate bar)', () => {
    const view = chipPromptView(reading(1_200), NOW);
    expect(view?.phase).toBe('reading');
    expect(view).not.toHaveProperty('fraction');
  });

  it('only this screen’s lane', () => {
    expect(isForLane({ phase: 'idle', lane: '1' }, '1')).toBe(true);
    expect(isForLane({ phase: 'needs-key', lane: '2', reader: 'r' }, '1')).toBe(false);
  });
});

describe('when the prompt ends by itself', () => {
  const waiting = (untilMs: number): ChipReadingState => ({ phase: 'waiting-for-card', lane: '1', forEntrySeq: 7, untilMs });

  it('a wait for the card ends at its deadline', () => {
    expect(promptEndsInMs(waiting(NOW + 30_000), NOW)).toBe(30_000);
    expect(promptEndsInMs(waiting(NOW), NOW)).toBeUndefined();
    expect(promptEndsInMs(waiting(NOW - 1), NOW)).toBeUndefined();
  });

  it('a deadline beyond setTimeout’s range waits the longest it can, rather than firing at once', () => {
    expect(promptEndsInMs(waiting(NOW + 40 * 86_400_000), NOW)).toBe(MAX_TIMER_MS);
  });

  it('reading and a card without a key last until the core says otherwise', () => {
    expect(promptEndsInMs(reading(10, 100), NOW)).toBeUndefined();
    expect(promptEndsInMs({ phase: 'needs-key', lane: '1', reader: 'r' }, NOW)).toBeUndefined();
  });

  it('a chip verdict for this lane ends the read; any other verdict does not', () => {
    const verdict = { outcome: 'green', entrySeq: 9 } as Verdict;
    const chip: ChipVerdictDetail = { accessPath: 'pace-can', passive: 'chip-verified' };
    const event = (v: Verdict, lane: string): KioskEvent => ({ name: 'verdict', verdict: v, source: { kind: 'serial', deviceId: 'x' }, lane, direction: 'in' });
    expect(endsChipRead(event({ ...verdict, chip }, '1'), '1')).toBe(true);
    expect(endsChipRead(event({ ...verdict, chip }, '2'), '1')).toBe(false);
    expect(endsChipRead(event(verdict, '1'), '1')).toBe(false);
    expect(endsChipRead({ name: 'chip', state: { phase: 'idle', lane: '1' } }, '1')).toBe(false);
  });
});

describe('the progress fraction', () => {
  it.each([
    [0, 20_000, 0],
    [10_000, 20_000, 0.5],
    [20_000, 20_000, 1],
    // The photo's length is learnt once its header is read: a count past the estimate stays a full bar.
    [25_000, 20_000, 1],
    [-5, 100, 0],
    [Number.NaN, 100, 0],
  ])('%d of %d bytes → %d', (read, expected, fraction) => {
    expect(readFraction(read, expected)).toBe(fraction);
  });

  it.each([[undefined], [0], [-1], [Number.POSITIVE_INFINITY], [Number.NaN]])('no usable length (%s): indeterminate', (expected) => {
    expect(readFraction(100, expected)).toBeUndefined();
  });

  it('shows 100 % only when all is read', () => {
    expect(percentOf(0)).toBe(0);
    expect(percentOf(0.256)).toBe(25);
    expect(percentOf(0.999)).toBe(99);
    expect(percentOf(1)).toBe(100);
  });
});

describe('the chip verdict’s staff panel wording', () => {
  it('passive authentication: each outcome with its glyph, Vietnamese and English', () => {
    expect(PASSIVE_TEXT['chip-verified']).toEqual({ glyph: '✓', vi: 'Chip đã xác thực', en: 'Chip verified' });
    expect(PASSIVE_TEXT['chip-integrity-only']).toEqual({
      glyph: '!',
      vi: 'Chip nguyên vẹn, chưa xác thực nơi cấp',
      en: 'Chip data intact, issuer not verified',
    });
    expect(PASSIVE_TEXT['chip-altered']).toEqual({ glyph: '✕', vi: 'Chip đã bị thay đổi — không tin cậy', en: 'Chip altered — do not trust' });
    expect(PASSIVE_TEXT['chip-unverified']).toEqual({ glyph: '?', vi: 'Chip chưa xác thực được', en: 'Chip not verified' });
    // Never colour alone: four outcomes, four glyphs.
    expect(new Set(Object.values(PASSIVE_TEXT).map((line) => line.glyph)).size).toBe(4);
  });

  it('the access path', () => {
    expect(ACCESS_PATH_TEXT['pace-can']).toEqual({ vi: 'Mở chip: PACE bằng số CAN', en: 'Chip opened: PACE with the CAN' });
    expect(ACCESS_PATH_TEXT['pace-mrz'].en).toBe('Chip opened: PACE with the MRZ');
    expect(ACCESS_PATH_TEXT.bac.en).toBe('Chip opened: BAC with the MRZ (legacy)');
  });

  it('active authentication: passed, failed, or not offered', () => {
    expect(activeText('passed')).toEqual({ glyph: '✓', vi: 'Chống sao chép: đạt', en: 'Anti-cloning check passed' });
    expect(activeText('failed').glyph).toBe('✕');
    expect(activeText('failed').en).toContain('may be a copy');
    expect(activeText(undefined)).toEqual({ glyph: '–', vi: 'Chip không có kiểm tra chống sao chép', en: 'The chip offers no anti-cloning check' });
  });
});

describe('the face from the chip', () => {
  const JPEG = '/9j/4AAQSkZJRgABAQ==';

  it('a JPEG or PNG becomes a data: URL', () => {
    expect(photoDataUrl({ mime: 'image/jpeg', base64: JPEG })).toBe(`data:image/jpeg;base64,${JPEG}`);
    expect(photoDataUrl({ mime: 'image/png', base64: 'iVBORw0KGgo=' })).toBe('data:image/png;base64,iVBORw0KGgo=');
  });

  it('anything else is not drawn', () => {
    expect(photoDataUrl(undefined)).toBeUndefined();
    expect(photoDataUrl({ mime: 'image/svg+xml' as 'image/png', base64: 'PHN2Zz4=' })).toBeUndefined();
    expect(photoDataUrl({ mime: 'image/jpeg', base64: `${JPEG}"onerror="x` })).toBeUndefined();
    expect(photoDataUrl({ mime: 'image/jpeg', base64: 'abc' })).toBeUndefined();
    expect(photoDataUrl({ mime: 'image/jpeg', base64: '' })).toBeUndefined();
  });

  it('says why there is no face', () => {
    const detail: ChipVerdictDetail = { accessPath: 'pace-can', passive: 'chip-verified' };
    expect(photoMissingText({ ...detail, photo: { mime: 'image/jpeg', base64: JPEG } })).toBeUndefined();
    const problem = { code: 'chip.photo.undecodable', vi: 'Không giải mã được ảnh', en: 'The photo cannot be decoded' };
    expect(photoMissingText({ ...detail, photoProblem: problem })).toEqual(problem);
    expect(photoMissingText({ ...detail, photo: { mime: 'image/jpeg', base64: '!!' } })?.en).toBe('The chip’s photo cannot be shown');
    expect(photoMissingText(detail)?.en).toBe('No photo on the chip');
  });
});
