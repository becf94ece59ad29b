import type { Bilingual } from '../text/bilingual.js';
import type { ParseError } from './credential.js';

/**
 * Each parser keeps its own table of error codes and texts (`code → {vi, en}`), and
 * builds errors with this, so every failure has a stable code and both languages.
 */
export function errorFrom<Table extends Record<string, Bilingual>>(table: Table, code: keyof Table & string, extra: Partial<ParseError> = {}): ParseError {
  return { kind: 'error', code, message: table[code] as Bilingual, ...extra };
}

/** Failures before any particular format is recognised. */
export const SCAN_ERRORS = {
  'scan.empty': { vi: 'Mã trống, không có dữ liệu', en: 'The code is empty' },
  'scan.too-long': { vi: 'Mã quá dài, không phải mã hợp lệ', en: 'The code is too long to be valid' },
  'scan.unrecognised': { vi: 'Không nhận ra loại mã này', en: 'This kind of code is not recognised' },
  'scan.control-characters': { vi: 'Mã chứa ký tự không hợp lệ', en: 'The code contains invalid characters' },
  'scan.not-utf8': { vi: 'Mã không phải văn bản UTF-8 hợp lệ', en: 'The code is not valid UTF-8 text' },
} as const satisfies Record<string, Bilingual>;

export function scanError(code: keyof typeof SCAN_ERRORS): ParseError {
  return errorFrom(SCAN_ERRORS, code);
}
