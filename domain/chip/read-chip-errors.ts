import type { Bilingual, Reason } from '../text/bilingual.js';

/**
 * Why a chip could not be read, for the person at the gate (Vietnamese first, English beside
 * it) and with a stable code for logs. No text carries what was read from the card.
 */
const REASONS = {
  'chip.wrong-key': {
    vi: 'Sai số CAN hoặc thông tin MRZ: chip không mở khóa',
    en: 'Wrong CAN or MRZ details: the chip did not unlock',
  },
  'chip.needs-mrz': {
    vi: 'Chip không hỗ trợ PACE: cần số giấy tờ, ngày sinh và ngày hết hạn (MRZ)',
    en: 'The chip does not support PACE: the document number, birth and expiry dates (MRZ) are needed',
  },
  'chip.no-key': { vi: 'Chưa nhập số CAN hoặc thông tin MRZ', en: 'No CAN or MRZ details were given' },
  'chip.pace-parameter-not-offered': {
    vi: 'Chip không cung cấp bộ tham số PACE đã chọn',
    en: 'The chip does not offer the chosen PACE parameters',
  },
  'chip.handshake-failed': { vi: 'Không thiết lập được phiên an toàn với chip', en: 'No secure session could be set up with the chip' },
  'chip.read-failed': { vi: 'Đọc chip bị lỗi giữa chừng', en: 'Reading the chip failed part way' },
  'chip.unreadable-data': { vi: 'Dữ liệu trong chip không đọc được', en: 'The data on the chip cannot be read' },
  'chip.card-removed': { vi: 'Thẻ bị rút ra khi đang đọc chip: đặt lại thẻ', en: 'The card was removed while the chip was read: put it back' },
  'chip.timeout': { vi: 'Đọc chip quá lâu: đặt lại thẻ', en: 'Reading the chip took too long: put the card back' },
  'chip.reader-failed': { vi: 'Đầu đọc thẻ bị lỗi khi đang đọc chip', en: 'The card reader failed while the chip was read' },
} as const satisfies Record<string, Bilingual>;

export type ChipReadErrorCode = keyof typeof REASONS;

/** The chip was not read: a typed failure, never a hang. `detail` is technical English for logs (status words, file names). */
export class ChipReadError extends Error {
  override readonly name = 'ChipReadError';
  readonly reason: Reason;
  constructor(
    readonly code: ChipReadErrorCode,
    readonly detail: string,
    options?: { cause?: unknown },
  ) {
    super(`${code}: ${detail}`, options);
    this.reason = { code, ...REASONS[code] };
  }
}
