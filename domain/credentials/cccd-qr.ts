import { MAX_SCAN_CHARS } from '../scan/scan-event.js';
import { parseDdMmYyyy } from '../time/calendar-date.js';
import { citizenIdParts, hasKnownProvince, ID12_PATTERN, OLD_ID9_PATTERN } from './citizen-id.js';
import type { CccdQrCredential, ParseError } from './credential.js';
import { errorFrom } from './parse-errors.js';

export const CCCD_ERRORS = {
  'cccd.too-long': { vi: 'Mã CCCD quá dài, không phải mã hợp lệ', en: 'The ID card QR is too long to be valid' },
  'cccd.field-count': { vi: 'Mã CCCD thiếu trường dữ liệu', en: 'The ID card QR has too few fields' },
  'cccd.id-format': { vi: 'Số CCCD phải có đúng 12 chữ số', en: 'The ID number must be exactly 12 digits' },
  'cccd.province-code': {
    vi: 'Ba chữ số đầu của số CCCD không phải mã tỉnh hợp lệ',
    en: 'The first three digits of the ID number are not a valid province code',
  },
  'cccd.old-id-format': { vi: 'Số CMND cũ phải có 9 chữ số', en: 'The old ID number must be 9 digits' },
  'cccd.name-missing': { vi: 'Mã CCCD thiếu họ tên', en: 'The ID card QR has no name' },
  'cccd.name-format': { vi: 'Họ tên trên mã CCCD chứa ký tự không hợp lệ', en: 'The name on the ID card QR contains invalid characters' },
  'cccd.birth-date': { vi: 'Ngày sinh trên mã CCCD không hợp lệ', en: 'The birth date on the ID card QR is invalid' },
  'cccd.sex': { vi: 'Giới tính trên mã CCCD không hợp lệ', en: 'The sex on the ID card QR is invalid' },
  'cccd.century-sex-digit': {
    vi: 'Chữ số thứ 4 của số CCCD (thế kỷ sinh và giới tính) không khớp với ngày sinh hoặc giới tính',
    en: 'The fourth digit of the ID number (century of birth and sex) does not match the birth date or sex',
  },
  'cccd.birth-year-digits': {
    vi: 'Chữ số thứ 5 và 6 của số CCCD không khớp với năm sinh',
    en: 'The fifth and sixth digits of the ID number do not match the birth year',
  },
  'cccd.issue-date': { vi: 'Ngày cấp trên mã CCCD không hợp lệ', en: 'The issue date on the ID card QR is invalid' },
  'cccd.issue-before-birth': { vi: 'Ngày cấp trên mã CCCD trước ngày sinh', en: 'The issue date on the ID card QR is before the birth date' },
} as const;

export type CccdErrorCode = keyof typeof CCCD_ERRORS;

const parseError = (code: CccdErrorCode): ParseError => errorFrom(CCCD_ERRORS, code, { credentialKind: 'cccd-qr' });

// C0 and C1 controls and DEL: a printed name never has them, and a name is shown on screen.
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001F\u007F-\u009F]/;

/**
 * The QR printed on a chip citizen ID card (CCCD 2021, Căn cước 2024):
 * `id12|oldId9|full name|birth ddmmyyyy|sex|address|issue ddmmyyyy`, UTF-8.
 * Newer cards append fields; they are kept, not rejected. The address is read
 * only to skip it: the kiosk never keeps or shows addresses.
 *
 * Checks run from the shape of each field to the agreement between fields, so the code
 * of the first failure says which one is wrong. Never throws.
 */
export function parseCccdQr(text: string): CccdQrCredential | ParseError {
  // Bound the work before splitting: a QR code holds at most 7 089 characters.
  if (text.length > MAX_SCAN_CHARS) return parseError('cccd.too-long');
  const fields = text.split('|');
  if (fields.length < 7) return parseError('cccd.field-count');
  const [id12, oldId9, rawName, birth, rawSex, , issue, ...extraFields] = fields.map((field) => field.trim()) as [
    string, string, string, string, string, string, string, ...string[],
  ];

  if (!ID12_PATTERN.test(id12)) return parseError('cccd.id-format');
  const id = citizenIdParts(id12);
  if (!hasKnownProvince(id)) return parseError('cccd.province-code');
  if (oldId9 !== '' && !OLD_ID9_PATTERN.test(oldId9)) return parseError('cccd.old-id-format');

  if (rawName === '') return parseError('cccd.name-missing');
  if (CONTROL_CHARACTERS.test(rawName)) return parseError('cccd.name-format');
  const name = rawName.normalize('NFC');

  const birthDate = parseDdMmYyyy(birth);
  if (birthDate === null) return parseError('cccd.birth-date');
  const sex = rawSex.normalize('NFC');
  if (sex !== 'Nam' && sex !== 'Nữ') return parseError('cccd.sex');

  const birthYear = Number(birthDate.slice(0, 4));
  if (birthYear - (birthYear % 100) !== id.centuryStart || sex !== id.sex) return parseError('cccd.century-sex-digit');
  if (birthYear % 100 !== id.yearDigits) return parseError('cccd.birth-year-digits');

  const issueDate = parseDdMmYyyy(issue);
  if (issueDate === null) return parseError('cccd.issue-date');
  // ISO dates of the same width compare correctly as strings.
  if (issueDate < birthDate) return parseError('cccd.issue-before-birth');

  return {
    kind: 'cccd-qr',
    authenticity: 'unsigned',
    identifiers: oldId9 === '' ? { id12 } : { id12, oldId9 },
    subject: { name, birthDate, sex },
    issueDate,
    extraFields,
    problems: [],
  };
}
