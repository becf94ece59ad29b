import type { ParseError } from './credential.js';

/** Every way a scan can fail to parse, with its text for the operator and the person. */
const PARSE_ERRORS = {
  'scan.empty': { vi: 'Mã trống, không có dữ liệu', en: 'The code is empty' },
  'scan.too-long': { vi: 'Mã quá dài, không phải mã hợp lệ', en: 'The code is too long to be valid' },
  'scan.unrecognised': { vi: 'Không nhận ra loại mã này', en: 'This kind of code is not recognised' },
  'scan.control-characters': { vi: 'Mã chứa ký tự không hợp lệ', en: 'The code contains invalid characters' },
  'cccd.field-count': { vi: 'Mã CCCD thiếu trường dữ liệu', en: 'The ID card QR has too few fields' },
  'cccd.id-format': { vi: 'Số CCCD phải có đúng 12 chữ số', en: 'The ID number must be exactly 12 digits' },
  'cccd.old-id-format': { vi: 'Số CMND cũ phải có 9 chữ số', en: 'The old ID number must be 9 digits' },
  'cccd.name-missing': { vi: 'Mã CCCD thiếu họ tên', en: 'The ID card QR has no name' },
  'cccd.birth-date': { vi: 'Ngày sinh trên mã CCCD không hợp lệ', en: 'The birth date on the ID card QR is invalid' },
  'cccd.sex': { vi: 'Giới tính trên mã CCCD không hợp lệ', en: 'The sex on the ID card QR is invalid' },
  'cccd.issue-date': { vi: 'Ngày cấp trên mã CCCD không hợp lệ', en: 'The issue date on the ID card QR is invalid' },
} as const;

export type ParseErrorCode = keyof typeof PARSE_ERRORS;

export function parseError(code: ParseErrorCode): ParseError {
  return { kind: 'error', code, message: PARSE_ERRORS[code] };
}
