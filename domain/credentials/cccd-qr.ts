import { parseDdMmYyyy } from '../time/calendar-date.js';
import type { CccdQrCredential, ParseError } from './credential.js';
import { errorFrom } from './parse-errors.js';

export const CCCD_ERRORS = {
  'cccd.field-count': { vi: 'Mã CCCD thiếu trường dữ liệu', en: 'The ID card QR has too few fields' },
  'cccd.id-format': { vi: 'Số CCCD phải có đúng 12 chữ số', en: 'The ID number must be exactly 12 digits' },
  'cccd.old-id-format': { vi: 'Số CMND cũ phải có 9 chữ số', en: 'The old ID number must be 9 digits' },
  'cccd.name-missing': { vi: 'Mã CCCD thiếu họ tên', en: 'The ID card QR has no name' },
  'cccd.birth-date': { vi: 'Ngày sinh trên mã CCCD không hợp lệ', en: 'The birth date on the ID card QR is invalid' },
  'cccd.sex': { vi: 'Giới tính trên mã CCCD không hợp lệ', en: 'The sex on the ID card QR is invalid' },
  'cccd.issue-date': { vi: 'Ngày cấp trên mã CCCD không hợp lệ', en: 'The issue date on the ID card QR is invalid' },
} as const;

const parseError = (code: keyof typeof CCCD_ERRORS): ParseError => errorFrom(CCCD_ERRORS, code, { credentialKind: 'cccd-qr' });

/**
 * The QR printed on a chip citizen ID card (CCCD 2021, Căn cước 2024):
 * `id12|oldId9|full name|birth ddmmyyyy|sex|address|issue ddmmyyyy`, UTF-8.
 * Newer cards append fields; they are kept, not rejected. The address is read
 * only to skip it: the kiosk never keeps or shows addresses.
 */
export function parseCccdQr(text: string): CccdQrCredential | ParseError {
  const fields = text.split('|');
  if (fields.length < 7) return parseError('cccd.field-count');
  const [id12, oldId9, name, birth, sex, , issue, ...extraFields] = fields.map((field) => field.trim()) as [
    string, string, string, string, string, string, string, ...string[],
  ];
  if (!/^\d{12}$/.test(id12)) return parseError('cccd.id-format');
  if (oldId9 !== '' && !/^\d{9}$/.test(oldId9)) return parseError('cccd.old-id-format');
  if (name === '') return parseError('cccd.name-missing');
  const birthDate = parseDdMmYyyy(birth);
  if (birthDate === null) return parseError('cccd.birth-date');
  const normalisedSex = sex.normalize('NFC');
  if (normalisedSex !== 'Nam' && normalisedSex !== 'Nữ') return parseError('cccd.sex');
  const issueDate = parseDdMmYyyy(issue);
  if (issueDate === null) return parseError('cccd.issue-date');
  return {
    kind: 'cccd-qr',
    authenticity: 'unsigned',
    identifiers: oldId9 === '' ? { id12 } : { id12, oldId9 },
    subject: { name: name.normalize('NFC'), birthDate, sex: normalisedSex },
    issueDate,
    extraFields,
    problems: [],
  };
}
