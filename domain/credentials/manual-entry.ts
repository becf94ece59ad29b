import { citizenIdParts, hasPlausibleCentury, ID12_PATTERN, OLD_ID9_PATTERN } from './citizen-id.js';
import { isParseError, type ManualCredential, type ParseError } from './credential.js';
import { errorFrom } from './parse-errors.js';

export const MANUAL_ERRORS = {
  'manual.empty': { vi: 'Chưa nhập số giấy tờ', en: 'No ID number was entered' },
  'manual.too-long': { vi: 'Số giấy tờ nhập vào quá dài', en: 'The ID number entered is too long' },
  'manual.format': {
    vi: 'Số giấy tờ phải có 12 chữ số (CCCD) hoặc 9 chữ số (CMND cũ)',
    en: 'The ID number must be 12 digits (citizen ID) or 9 digits (old ID card)',
  },
  'manual.century-digit': {
    vi: 'Chữ số thứ 4 của số CCCD không hợp lệ (phải từ 0 đến 3)',
    en: 'The fourth digit of the ID number is invalid (it must be 0 to 3)',
  },
} as const;

export type ManualErrorCode = keyof typeof MANUAL_ERRORS;

const parseError = (code: ManualErrorCode): ParseError => errorFrom(MANUAL_ERRORS, code, { credentialKind: 'manual' });

/** Room for a 12-digit number typed in groups with spaces; anything longer is not an ID. */
const MAX_MANUAL_CHARS = 64;

// Digits, typed in groups with spaces or not. One class, one quantifier: no backtracking.
const DIGITS_AND_SPACES = /^[0-9 ]+$/;

/** The number typed, without the spaces it was grouped with ("056 089 001 234" → "056089001234"). */
const typedDigits = (text: string): string => text.replaceAll(' ', '').trim();

/**
 * Whether a scan is a typed ID number, as parseScan recognises one: the very rule
 * parseManualEntry reads by (9 or 12 digits, spaces allowed), so a number the parser
 * accepts is never left unrecognised.
 */
export function isManualEntryCandidate(text: string): boolean {
  if (text.length > MAX_MANUAL_CHARS || !DIGITS_AND_SPACES.test(text)) return false;
  const digits = typedDigits(text);
  return digits.length === 12 || digits.length === 9;
}

/**
 * An ID number typed by staff: a 12-digit personal identification number or an old
 * 9-digit ID card number. Spaces are allowed (numbers are often read out and typed in
 * groups). With no birth date or sex to compare against, the 12-digit number is checked
 * as far as it can be alone: a century of birth a living person can have (a province code
 * off the list is a warning on the verdict, not a refusal: citizen-id.ts). Authenticity `manual`: nothing vouches for the number, whether staff
 * typed it or a scanner or camera read it off a code holding nothing else (anyone can make
 * a QR of a number they know). Never throws.
 */
export function parseManualEntry(text: string): ManualCredential | ParseError {
  if (text.length > MAX_MANUAL_CHARS) return parseError('manual.too-long');
  const digits = typedDigits(text);
  if (digits === '') return parseError('manual.empty');

  if (OLD_ID9_PATTERN.test(digits)) return credential({ oldId9: digits });
  if (!ID12_PATTERN.test(digits)) return parseError('manual.format');
  const id = citizenIdParts(digits);
  if (!hasPlausibleCentury(id)) return parseError('manual.century-digit');
  return credential({ id12: digits });
}

function credential(identifiers: ManualCredential['identifiers']): ManualCredential {
  return { kind: 'manual', authenticity: 'manual', identifiers, subject: {}, problems: [] };
}

/**
 * What is wrong with the digits staff typed on the keypad, by the very rules parseManualEntry
 * reads by, so the screen says it in words before anything is sent. `final` (Enter): anything
 * that is not an ID. While typing: only what no further digit can mend — past 9 digits only a
 * 12-digit ID is left, whose century digit (its fourth) must already hold; the digits still
 * to come are stood in by zeros, which the rule does not read.
 */
export function typedIdProblem(digits: string, final: boolean): ParseError | undefined {
  if (!final && digits.length <= OLD_ID9_DIGITS) return undefined;
  const parsed = parseManualEntry(final ? digits : digits.padEnd(ID12_DIGITS, '0'));
  return isParseError(parsed) ? parsed : undefined;
}

const OLD_ID9_DIGITS = 9;
const ID12_DIGITS = 12;
