import type { Bilingual, Reason } from '../text/bilingual.js';

/**
 * What passive authentication found, in both languages. Staff read these beside the verdict,
 * so each says what it means for the card in front of them, not how it was computed.
 */
const REASONS = {
  'chip.pa.verified': { vi: 'Chip hợp lệ: dữ liệu do cơ quan cấp thẻ ký', en: 'Chip verified: the data is signed by the issuing authority' },
  'chip.pa.csca-unknown': {
    vi: 'Dữ liệu chip nguyên vẹn nhưng không xác định được cơ quan cấp (không có chứng chỉ gốc tin cậy)',
    en: 'Chip data is intact, but its issuer is unknown (no trusted country signing certificate)',
  },
  'chip.pa.signer-outside-validity': {
    vi: 'Dữ liệu chip nguyên vẹn nhưng chứng chỉ ký không còn hiệu lực vào lúc quét',
    en: 'Chip data is intact, but its signing certificate is not valid at the time of the scan',
  },
  'chip.pa.dg-hash-mismatch': { vi: 'Dữ liệu chip đã bị thay đổi sau khi ký', en: 'Chip data was altered after it was signed' },
  'chip.pa.dg-not-signed': { vi: 'Chip có dữ liệu không được ký', en: 'The chip holds data that is not signed' },
  'chip.pa.content-mismatch': { vi: 'Đối tượng bảo mật của chip không khớp chữ ký', en: 'The chip’s security object does not match its signature' },
  'chip.pa.signature-invalid': { vi: 'Chữ ký trên chip không hợp lệ', en: 'The chip’s signature is not valid' },
  'chip.pa.sod-unreadable': { vi: 'Không đọc được đối tượng bảo mật của chip — chưa xác thực', en: 'The chip’s security object cannot be read — not verified' },
  'chip.pa.unsupported': {
    vi: 'Chip dùng thuật toán hoặc khóa chưa hỗ trợ — chưa xác thực',
    en: 'The chip uses an algorithm or key that is not supported — not verified',
  },
  'chip.pa.no-signer-certificate': { vi: 'Chip không kèm chứng chỉ ký — chưa xác thực', en: 'The chip carries no signing certificate — not verified' },
} as const satisfies Record<string, Bilingual>;

export type PassiveAuthReasonCode = keyof typeof REASONS;

/** The reason `code`; when a data group is at fault, its name is added to both texts. */
export function passiveAuthReason(code: PassiveAuthReasonCode, dataGroup?: number): Reason {
  const text = REASONS[code];
  if (dataGroup === undefined) return { code, ...text };
  return { code, vi: `${text.vi} (DG${dataGroup})`, en: `${text.en} (DG${dataGroup})` };
}
