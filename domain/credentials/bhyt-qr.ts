import { MAX_SCAN_CHARS } from '../scan/scan-event.js';
import { decodeHexUtf8 } from '../text/hex-utf8.js';
import { hasLetter, visibleText } from '../text/visible-text.js';
import { isRealDate, parseDdMmYyyy, vietnamDateOf } from '../time/calendar-date.js';
import type { BhytQrCredential, CredentialProblem, ParseError } from './credential.js';
import { errorFrom } from './parse-errors.js';

export const BHYT_ERRORS = {
  'bhyt.too-long': { vi: 'Mã thẻ BHYT quá dài, không phải mã hợp lệ', en: 'The health-insurance QR is too long to be valid' },
  'bhyt.end-marker': {
    vi: 'Mã thẻ BHYT không kết thúc bằng "|$", có thể bị quét thiếu',
    en: 'The health-insurance QR does not end with "|$" and may be cut short',
  },
  'bhyt.field-count': {
    vi: 'Mã thẻ BHYT phải có 15 trường (thẻ cũ) hoặc 17 trường (thẻ từ 2021)',
    en: 'The health-insurance QR must have 15 fields (old cards) or 17 fields (cards since 2021)',
  },
  'bhyt.card-number': {
    vi: 'Mã số thẻ BHYT không hợp lệ (2 chữ cái và 13 chữ số, hoặc 10 chữ số)',
    en: 'The health-insurance card number is invalid (2 letters and 13 digits, or 10 digits)',
  },
  'bhyt.card-number-layout': {
    vi: 'Mã số thẻ BHYT không khớp với kiểu thẻ (thẻ cũ 15 ký tự, thẻ mới 10 chữ số)',
    en: 'The health-insurance card number does not fit the card layout (15 characters on old cards, 10 digits on new ones)',
  },
  'bhyt.name-missing': { vi: 'Mã thẻ BHYT thiếu họ tên', en: 'The health-insurance QR has no name' },
  'bhyt.name-hex': { vi: 'Họ tên trên mã thẻ BHYT không phải chuỗi hex', en: 'The name on the health-insurance QR is not hex-encoded' },
  'bhyt.name-text': {
    vi: 'Họ tên trên mã thẻ BHYT không phải văn bản UTF-8 hợp lệ',
    en: 'The name on the health-insurance QR is not valid UTF-8 text',
  },
  'bhyt.birth-date': { vi: 'Ngày sinh trên mã thẻ BHYT không hợp lệ', en: 'The birth date on the health-insurance QR is invalid' },
  'bhyt.sex': { vi: 'Giới tính trên mã thẻ BHYT phải là 1 (Nam) hoặc 2 (Nữ)', en: 'The sex on the health-insurance QR must be 1 (male) or 2 (female)' },
  'bhyt.clinic-code': {
    vi: 'Mã nơi đăng ký khám chữa bệnh ban đầu không hợp lệ',
    en: 'The code of the registered first-contact clinic is invalid',
  },
  'bhyt.valid-from': { vi: 'Ngày thẻ BHYT bắt đầu có giá trị không hợp lệ', en: 'The date the health-insurance card is valid from is invalid' },
  'bhyt.valid-to': {
    vi: 'Ngày thẻ BHYT hết giá trị không hợp lệ hoặc trước ngày bắt đầu',
    en: 'The date the health-insurance card is valid to is invalid or before the start date',
  },
  'bhyt.guardian-name-hex': {
    vi: 'Tên cha, mẹ hoặc người giám hộ trên mã thẻ BHYT không phải chuỗi hex UTF-8',
    en: 'The parent or guardian name on the health-insurance QR is not hex-encoded UTF-8',
  },
  'bhyt.issuing-office-hex': {
    vi: 'Tên cơ quan cấp thẻ BHYT không phải chuỗi hex UTF-8',
    en: 'The issuing office on the health-insurance QR is not hex-encoded UTF-8',
  },
} as const;

export type BhytErrorCode = keyof typeof BHYT_ERRORS;

/**
 * A card outside its validity at the evaluation clock. Not refused: the BHXH number on it
 * is the person's for life, so the card still identifies them, and the colour comes from
 * their health facts, which an expired insurance does not change. The verdict says it
 * (a reason beside the colour) and the entry is logged with it, so staff can ask for
 * another document where insurance matters.
 */
export const BHYT_PROBLEMS = {
  'bhyt.expired': { vi: 'Thẻ BHYT đã hết hạn sử dụng', en: 'The health-insurance card has expired' },
  'bhyt.not-yet-valid': { vi: 'Thẻ BHYT chưa đến ngày có giá trị', en: 'The health-insurance card is not valid yet' },
} as const;

const problem = (code: keyof typeof BHYT_PROBLEMS): CredentialProblem => ({ code, message: BHYT_PROBLEMS[code] });

const parseError = (code: BhytErrorCode): ParseError => errorFrom(BHYT_ERRORS, code, { credentialKind: 'bhyt-qr' });

/**
 * Field positions in the QR printed on the health-insurance (BHYT) card. No official
 * specification is public; this is the order commonly published by hospital-software
 * vendors and integrators, checked against open-source readers (e.g. GitHub projects
 * reading BHYT QR over serial scanners agree on fields 0–4: card number, hex name,
 * dd/mm/yyyy-or-yyyy birth date, sex 1/2, hex-or-`-` address). Fields we do not use are
 * neither validated nor kept, so a card that fills them differently is still read.
 *
 * | #  | old card (15 fields)                   | card since 2021 (17 fields)   |
 * |----|----------------------------------------|-------------------------------|
 * | 0  | card number, 2 letters + 13 digits     | 10-digit BHXH number          |
 * | 1  | full name, hex UTF-8                   | same                          |
 * | 2  | birth date dd/mm/yyyy, or yyyy         | same                          |
 * | 3  | sex: 1 Nam, 2 Nữ                       | same                          |
 * | 4  | address, hex UTF-8 (never kept)        | same                          |
 * | 5  | first-contact clinic, e.g. `79 - 033`  | same                          |
 * | 6  | valid from dd/mm/yyyy                  | same                          |
 * | 7  | valid to dd/mm/yyyy                    | same                          |
 * | 8  | issue date (not used)                  | same                          |
 * | 9  | manager code (not used)                | same                          |
 * | 10 | parent/guardian name, hex or `-`       | same                          |
 * | 11 | unknown (not used)                     | same                          |
 * | 12 | five-year continuous date (not used)   | same                          |
 * | 13 | check field, kept as is                | same                          |
 * | 14 | `$`                                    | unknown (not used)            |
 * | 15 |                                        | issuing office, hex UTF-8     |
 * | 16 |                                        | `$`                           |
 *
 * `-` stands for an empty field.
 */
const FIELD = {
  cardNumber: 0,
  name: 1,
  birthDate: 2,
  sex: 3,
  clinic: 5,
  validFrom: 6,
  validTo: 7,
  guardianName: 10,
  checkField: 13,
  issuingOffice: 15,
} as const;

const OLD_FIELD_COUNT = 15;
const NEW_FIELD_COUNT = 17;

// Old cards: object code (2 letters), benefit level (1–5), province (2 digits), then the
// 10-digit BHXH number (Decision 1351/QĐ-BHXH). Fixed-width patterns: no backtracking.
const OLD_CARD_NUMBER = /^[A-Z]{2}[1-5]\d{12}$/;
const NEW_CARD_NUMBER = /^\d{10}$/;
const CLINIC_CODE = /^(\d{2})-?([0-9A-Z]{3})$/;
const DATE_SLASHED = /^\d{2}\/\d{2}\/\d{4}$/;
const YEAR_ONLY = /^\d{4}$/;
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001F\u007F-\u009F]/;

/** Longest hex field we decode: 500 bytes is far beyond any name or office on a card. */
const MAX_HEX_FIELD_CHARS = 1000;

const EMPTY = '-';

/**
 * The QR printed on a health-insurance (BHYT) card: `|`-separated fields ending in `|$`,
 * names hex-encoded UTF-8. Reads identifiers, name, birth date, sex, validity and the
 * registered clinic; skips the address. The check field is kept as is: its algorithm is
 * not public, so the card is not rejected on it. `nowMs` is the evaluation clock the
 * validity dates are checked at (BHYT_PROBLEMS). Never throws.
 */
export function parseBhytQr(input: string, nowMs: number): BhytQrCredential | ParseError {
  if (input.length > MAX_SCAN_CHARS) return parseError('bhyt.too-long');
  const text = input.trim();
  if (!text.endsWith('|$')) return parseError('bhyt.end-marker');
  const fields = text.split('|').map((field) => field.trim());
  if (fields.length !== OLD_FIELD_COUNT && fields.length !== NEW_FIELD_COUNT) return parseError('bhyt.field-count');
  const layout = fields.length === OLD_FIELD_COUNT ? 'old-15-fields' : 'new-17-fields';
  const field = (index: number): string => fields[index] ?? '';

  const cardNumber = field(FIELD.cardNumber);
  const isOldNumber = OLD_CARD_NUMBER.test(cardNumber);
  const isNewNumber = NEW_CARD_NUMBER.test(cardNumber);
  if (!isOldNumber && !isNewNumber) return parseError('bhyt.card-number');
  if (isOldNumber !== (layout === 'old-15-fields')) return parseError('bhyt.card-number-layout');
  // The BHXH number is the person's lifelong social-insurance number: the last ten
  // characters of an old card number, the whole of a new one.
  const bhxh = cardNumber.slice(-10);

  const name = decodeName(field(FIELD.name));
  if (typeof name !== 'string') return name;

  const birthDate = parseBirthDate(field(FIELD.birthDate));
  if (birthDate === null) return parseError('bhyt.birth-date');

  const sexCode = field(FIELD.sex);
  if (sexCode !== '1' && sexCode !== '2') return parseError('bhyt.sex');

  const clinicCode = parseClinicCode(field(FIELD.clinic));
  if (clinicCode === null) return parseError('bhyt.clinic-code');

  const validFrom = parseOptionalDate(field(FIELD.validFrom));
  if (validFrom === null) return parseError('bhyt.valid-from');
  const validTo = parseOptionalDate(field(FIELD.validTo));
  if (validTo === null || (validFrom !== undefined && validTo !== undefined && validTo < validFrom)) {
    return parseError('bhyt.valid-to');
  }

  // Decoded only to check it is well formed: the credential has no place for it.
  if (decodeOptionalHex(field(FIELD.guardianName)) === null) return parseError('bhyt.guardian-name-hex');

  let issuingOffice: string | undefined;
  if (layout === 'new-17-fields') {
    const office = decodeOptionalHex(field(FIELD.issuingOffice));
    if (office === null) return parseError('bhyt.issuing-office-hex');
    issuingOffice = office;
  }

  // Valid from the first day to the last day, both included, in Vietnam's calendar.
  const today = vietnamDateOf(nowMs);
  const problems: CredentialProblem[] = [];
  if (validTo !== undefined && today > validTo) problems.push(problem('bhyt.expired'));
  if (validFrom !== undefined && today < validFrom) problems.push(problem('bhyt.not-yet-valid'));

  const checkField = field(FIELD.checkField);
  return {
    kind: 'bhyt-qr',
    authenticity: 'unsigned',
    identifiers: { bhytNumber: cardNumber, bhxh },
    subject: { name, birthDate, sex: sexCode === '1' ? 'Nam' : 'Nữ' },
    layout,
    ...(validFrom === undefined ? {} : { validFrom }),
    ...(validTo === undefined ? {} : { validTo }),
    ...(clinicCode === undefined ? {} : { clinicCode }),
    ...(issuingOffice === undefined ? {} : { issuingOffice }),
    ...(checkField === '' ? {} : { checkField }),
    problems,
  };
}

function decodeName(hex: string): string | ParseError {
  if (hex === '' || hex === EMPTY) return parseError('bhyt.name-missing');
  if (hex.length > MAX_HEX_FIELD_CHARS) return parseError('bhyt.name-hex');
  const decoded = decodeHexUtf8(hex);
  if (!decoded.ok) return parseError(decoded.reason === 'not-hex' ? 'bhyt.name-hex' : 'bhyt.name-text');
  if (CONTROL_CHARACTERS.test(decoded.text)) return parseError('bhyt.name-text');
  // Shown to staff: bidi overrides (U+202E) and zero-width characters are dropped, and what
  // remains must have a letter.
  const name = visibleText(decoded.text);
  if (!hasLetter(name)) return parseError('bhyt.name-text');
  return name;
}

/** Absent (`-`) → undefined; decoded text; or null when it is not hex-encoded UTF-8 text. */
function decodeOptionalHex(hex: string): string | undefined | null {
  if (hex === '' || hex === EMPTY) return undefined;
  if (hex.length > MAX_HEX_FIELD_CHARS) return null;
  const decoded = decodeHexUtf8(hex);
  if (!decoded.ok || CONTROL_CHARACTERS.test(decoded.text)) return null;
  const text = visibleText(decoded.text);
  return text === '' ? undefined : text;
}

/** `15/03/1989` → `1989-03-15`; `1989` → `1989` (some cards print only the year). */
function parseBirthDate(text: string): string | null {
  if (YEAR_ONLY.test(text)) {
    return isRealDate(Number(text), 1, 1) ? text : null;
  }
  return parseSlashedDate(text);
}

function parseSlashedDate(text: string): string | null {
  return DATE_SLASHED.test(text) ? parseDdMmYyyy(text.replaceAll('/', '')) : null;
}

/** Absent (`-`) → undefined; a real date → ISO; anything else → null. */
function parseOptionalDate(text: string): string | undefined | null {
  if (text === '' || text === EMPTY) return undefined;
  return parseSlashedDate(text);
}

/** `79 - 033` or `79033` → `79033`, the 5-character code hospitals exchange. */
function parseClinicCode(text: string): string | undefined | null {
  if (text === '' || text === EMPTY) return undefined;
  if (text.length > 16) return null;
  const match = CLINIC_CODE.exec(text.replaceAll(' ', ''));
  return match === null ? null : `${match[1] ?? ''}${match[2] ?? ''}`;
}
