import { MAX_SCAN_CHARS } from '../scan/scan-event.js';
import { hasLetter, visibleText } from '../text/visible-text.js';
import { parseDdMmYyyy, vietnamDateOf } from '../time/calendar-date.js';
import { citizenIdParts, hasPlausibleCentury, ID12_PATTERN, OLD_ID9_PATTERN } from './citizen-id.js';
import type { CccdQrCredential, CredentialProblem, ParseError } from './credential.js';
import { errorFrom } from './parse-errors.js';

export const CCCD_ERRORS = {
  'cccd.too-long': { vi: 'Mã CCCD quá dài, không phải mã hợp lệ', en: 'The ID card QR is too long to be valid' },
  'cccd.field-count': { vi: 'Mã CCCD thiếu trường dữ liệu', en: 'The ID card QR has too few fields' },
  'cccd.id-format': { vi: 'Số CCCD phải có đúng 12 chữ số', en: 'The ID number must be exactly 12 digits' },
  'cccd.old-id-format': { vi: 'Số CMND cũ phải có 9 chữ số', en: 'The old ID number must be 9 digits' },
  'cccd.name-missing': { vi: 'Mã CCCD thiếu họ tên', en: 'The ID card QR has no name' },
  'cccd.name-format': { vi: 'Họ tên trên mã CCCD chứa ký tự không hợp lệ', en: 'The name on the ID card QR contains invalid characters' },
  'cccd.birth-date': { vi: 'Ngày sinh trên mã CCCD không hợp lệ', en: 'The birth date on the ID card QR is invalid' },
  'cccd.birth-in-future': { vi: 'Ngày sinh trên mã CCCD ở tương lai', en: 'The birth date on the ID card QR is in the future' },
  'cccd.sex': { vi: 'Giới tính trên mã CCCD không hợp lệ', en: 'The sex on the ID card QR is invalid' },
  'cccd.century-digit': {
    vi: 'Chữ số thứ 4 của số CCCD không hợp lệ (phải từ 0 đến 3)',
    en: 'The fourth digit of the ID number is invalid (it must be 0 to 3)',
  },
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

/**
 * Damage a keyboard-wedge scanner does to the letters of a card (it sends key positions, and
 * an input method or a code page rewrites them: "NguyÔn", "Nguyeenx", "Nuwx"). The digits —
 * the ID, the dates — survive, and identity rests on them, so the card still decides; the
 * problem is kept on the credential so the damage is on record. Its text is read by the public
 * at the gate, so it is plain (no scanner jargon); how to switch the scanner is staff's, on the
 * operator and diagnostics screens (renderer/wedge/wedge-damage.ts).
 */
export const CCCD_PROBLEMS = {
  'cccd.name-damaged': {
    vi: 'Không đọc được họ tên trên mã; kết quả theo số CCCD',
    en: 'The name on the code could not be read; decided by the ID number',
  },
  'cccd.sex-damaged': {
    vi: 'Không đọc được giới tính trên mã; lấy theo số CCCD',
    en: 'The sex on the code could not be read; taken from the ID number',
  },
} as const;

const problem = (code: keyof typeof CCCD_PROBLEMS): CredentialProblem => ({ code, message: CCCD_PROBLEMS[code] });

// Characters no Vietnamese name has: symbols and digits a code page or VNI keys leave behind.
const NOT_IN_A_NAME = /[^\p{L}\p{M}\s'.-]/u;
// An accented capital right after a lower-case letter: TCVN3 read as code page 1252 ("NguyÔn").
const CAPITAL_AFTER_LOWER = /[a-z\u00e0-\u00ff][\u00c0-\u00de]/u;
// Telex keys left in place: no Vietnamese syllable has these (see wedge-damage.ts).
const TELEX_MARK = /aa|ee|oo|aw|ow|uw|dd/i;
const TELEX_TONE_END = /[aeiouy][sfrxj]$/i;

function looksDamaged(name: string): boolean {
  if (NOT_IN_A_NAME.test(name) || CAPITAL_AFTER_LOWER.test(name)) return true;
  const words = name.split(/\s+/).filter((word) => /^[A-Za-z]+$/.test(word));
  return words.some((word) => TELEX_MARK.test(word)) || words.filter((word) => TELEX_TONE_END.test(word)).length >= 2;
}

/**
 * "Nữ" is the only sex value with a letter a keyboard wedge damages ("Nam" is plain ASCII):
 * a short field that starts with N and is neither is a damaged "Nữ". Anything else ("Male",
 * "nam") is not damage but a wrong field, refused as before.
 */
const DAMAGED_NU = /^N[^\s|]{0,5}$/u;

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
 * of the first failure says which one is wrong. `nowMs` is the evaluation clock: nobody
 * scanned today was born after today. Never throws.
 */
export function parseCccdQr(text: string, nowMs: number): CccdQrCredential | ParseError {
  // Bound the work before splitting: a QR code holds at most 7 089 characters.
  if (text.length > MAX_SCAN_CHARS) return parseError('cccd.too-long');
  const fields = text.split('|');
  if (fields.length < 7) return parseError('cccd.field-count');
  const [id12, oldId9, rawName, birth, rawSex, , issue, ...extraFields] = fields.map((field) => field.trim()) as [
    string,
    string,
    string,
    string,
    string,
    string,
    string,
    ...string[],
  ];

  if (!ID12_PATTERN.test(id12)) return parseError('cccd.id-format');
  const id = citizenIdParts(id12);
  // A province code off the 2021 list is no refusal: newer numbers may carry one (citizen-id.ts).
  // The same rule as a typed number's (manual-entry.ts): a birth date on the card does not
  // make a 22nd-century birth any more possible.
  if (!hasPlausibleCentury(id)) return parseError('cccd.century-digit');
  if (oldId9 !== '' && !OLD_ID9_PATTERN.test(oldId9)) return parseError('cccd.old-id-format');

  if (rawName === '') return parseError('cccd.name-missing');
  const problems: CredentialProblem[] = [];
  let name = rawName.normalize('NFC');
  if (CONTROL_CHARACTERS.test(name)) {
    // UTF-8 read as code page 1252 turns some bytes into C1 controls ("ờ" → "á»\u009d"): that
    // is wedge damage, shown as U+FFFD. A control character in an otherwise clean name is not.
    const shown = name.replace(new RegExp(CONTROL_CHARACTERS.source, 'gu'), '\ufffd');
    if (!looksDamaged(name.replace(new RegExp(CONTROL_CHARACTERS.source, 'gu'), ''))) return parseError('cccd.name-format');
    name = shown;
  }
  if (looksDamaged(name)) problems.push(problem('cccd.name-damaged'));
  // Shown to staff: no bidi override or zero-width character may change how it reads, and
  // what remains must have a letter (a name of combining marks alone renders as nothing).
  name = visibleText(name);
  if (!hasLetter(name)) return parseError('cccd.name-format');

  const birthDate = parseDdMmYyyy(birth);
  if (birthDate === null) return parseError('cccd.birth-date');
  // ISO dates of the same width compare correctly as strings.
  if (birthDate > vietnamDateOf(nowMs)) return parseError('cccd.birth-in-future');
  let sex = rawSex.normalize('NFC');
  if (sex !== 'Nam' && sex !== 'Nữ') {
    if (!DAMAGED_NU.test(sex) || sex.toUpperCase() === 'NAM' || sex.toUpperCase() === 'NỮ') return parseError('cccd.sex');
    sex = 'Nữ';
    problems.push(problem('cccd.sex-damaged'));
  }

  const birthYear = Number(birthDate.slice(0, 4));
  if (birthYear - (birthYear % 100) !== id.centuryStart || sex !== id.sex) return parseError('cccd.century-sex-digit');
  if (birthYear % 100 !== id.yearDigits) return parseError('cccd.birth-year-digits');

  const issueDate = parseDdMmYyyy(issue);
  if (issueDate === null) return parseError('cccd.issue-date');
  if (issueDate < birthDate) return parseError('cccd.issue-before-birth');

  return {
    kind: 'cccd-qr',
    authenticity: 'unsigned',
    identifiers: oldId9 === '' ? { id12 } : { id12, oldId9 },
    subject: { name, birthDate, sex },
    issueDate,
    extraFields,
    problems,
  };
}
