import type { Bilingual, Reason } from '../text/bilingual.js';

/**
 * Why the chip's face photo cannot be shown (`ChipVerdictDetail.photoProblem`). Staff read
 * these where the photo would be: each says that they must compare the printed card's photo
 * instead, since the chip's data may still be genuine.
 */
const REASONS = {
  'chip.photo.absent': {
    vi: 'Chip không có ảnh chân dung — hãy so với ảnh in trên thẻ',
    en: 'The chip holds no photo — compare with the photo printed on the card',
  },
  'chip.photo.unsupported-format': {
    vi: 'Ảnh trong chip có định dạng chưa hỗ trợ — hãy so với ảnh in trên thẻ',
    en: 'The chip’s photo is in a format that is not supported — compare with the photo printed on the card',
  },
  'chip.photo.too-large': {
    vi: 'Ảnh trong chip quá lớn để hiển thị — hãy so với ảnh in trên thẻ',
    en: 'The chip’s photo is too large to show — compare with the photo printed on the card',
  },
  'chip.photo.decode-failed': {
    vi: 'Không giải mã được ảnh trong chip — hãy so với ảnh in trên thẻ',
    en: 'The chip’s photo could not be decoded — compare with the photo printed on the card',
  },
  'chip.photo.timed-out': {
    vi: 'Giải mã ảnh trong chip quá lâu nên đã dừng — hãy so với ảnh in trên thẻ',
    en: 'Decoding the chip’s photo took too long and was stopped — compare with the photo printed on the card',
  },
} as const satisfies Record<string, Bilingual>;

export type FacePhotoReasonCode = keyof typeof REASONS;

export function facePhotoReason(code: FacePhotoReasonCode): Reason {
  return { code, ...REASONS[code] };
}
