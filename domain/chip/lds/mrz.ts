import { mrzCheckDigit, vietnameseDocumentNumber } from '../mrz-key.js';
import { readTlv, requireTlv } from '../tlv.js';
import { LdsError, parsingFile } from './lds-error.js';

/**
 * DG1 (ICAO 9303-10 §4.7.1): tag 61 holding the machine-readable zone in tag 5F1F, as printed
 * on the document — TD1 (3 × 30 characters, ID cards such as the Vietnamese CCCD), TD2
 * (2 × 36) or TD3 (2 × 44, passports) — laid out by ICAO 9303-4/5/6.
 */
export type MrzFormat = 'TD1' | 'TD2' | 'TD3';
/** Fields that carry a check digit (the composite one covers the others together). */
export type MrzCheckedField = 'documentNumber' | 'birthDate' | 'expiryDate' | 'personalNumber' | 'composite';

export interface Mrz {
  readonly format: MrzFormat;
  /** The MRZ as read, lines joined without separators. */
  readonly text: string;
  /** "ID", "P", "I<"… with fillers removed. */
  readonly documentCode: string;
  readonly issuingState: string;
  /** Without fillers; for a number longer than 9 characters, the whole number (9303-5 §4.2.4). */
  readonly documentNumber: string;
  /** YYMMDD as printed ("<" for an unknown part). */
  readonly birthDate: string;
  readonly sex: 'male' | 'female' | 'unspecified';
  /** YYMMDD as printed. */
  readonly expiryDate: string;
  readonly nationality: string;
  /** Primary identifier (surname) and secondary identifier (given names), fillers as spaces. */
  readonly primaryName: string;
  readonly secondaryName: string;
  /** The optional data fields as printed (TD1 has two, TD2 and TD3 one), fillers kept. */
  readonly optionalData: readonly string[];
  /** Check digits that do not match their field: empty when the MRZ is consistent. */
  readonly failedCheckDigits: readonly MrzCheckedField[];
  /**
   * The 12-digit personal identification number of a Vietnamese ID card: its TD1 MRZ
   * carries the last 9 digits as the document number and the whole number at the start of
   * the optional data (as on printed cards and the test card emulator's sample).
   */
  readonly vietnameseId12?: string;
}

export function parseDg1(bytes: Uint8Array): Mrz {
  return parsingFile('DG1', () => {
    const outer = readTlv(bytes);
    if (outer.tag !== 0x61) throw new LdsError('DG1', `starts with tag ${outer.tag.toString(16)}, not 61`);
    return parseMrz(String.fromCharCode(...requireTlv(outer.value, 0x5f1f, 'DG1 MRZ').value));
  });
}

/** An MRZ given as its characters, with or without line breaks between the lines. */
export function parseMrz(input: string): Mrz {
  const text = input.replace(/\r?\n/g, '');
  if (!/^[0-9A-Z<]*$/.test(text)) throw new LdsError('DG1', 'the MRZ holds characters other than 0–9, A–Z and <');
  if (text.length === 90) return parseTd1(text);
  if (text.length === 72) return parseTwoLine(text, 'TD2', 36);
  if (text.length === 88) return parseTwoLine(text, 'TD3', 44);
  throw new LdsError('DG1', `an MRZ of ${text.length} characters is neither TD1 (90), TD2 (72) nor TD3 (88)`);
}

function parseTd1(text: string): Mrz {
  const line1 = text.slice(0, 30);
  const line2 = text.slice(30, 60);
  const line3 = text.slice(60, 90);
  const failed: MrzCheckedField[] = [];
  const number = documentNumber(line1.slice(5, 14), line1[14] as string, line1.slice(15, 30), failed);
  check(line2.slice(0, 6), line2[6], 'birthDate', failed);
  check(line2.slice(8, 14), line2[14], 'expiryDate', failed);
  check(line1.slice(5, 30) + line2.slice(0, 7) + line2.slice(8, 15) + line2.slice(18, 29), line2[29], 'composite', failed);
  const optionalData = [line1.slice(15, 30), line2.slice(18, 29)];
  const mrz = {
    format: 'TD1' as const,
    text,
    documentCode: trim(line1.slice(0, 2)),
    issuingState: trim(line1.slice(2, 5)),
    documentNumber: number,
    birthDate: line2.slice(0, 6),
    sex: sexOf(line2[7]),
    expiryDate: line2.slice(8, 14),
    nationality: trim(line2.slice(15, 18)),
    ...names(line3),
    optionalData,
    failedCheckDigits: failed,
  };
  const id12 = vietnameseId12(mrz.issuingState, number, optionalData[0] as string);
  return id12 === undefined ? mrz : { ...mrz, vietnameseId12: id12 };
}

function parseTwoLine(text: string, format: 'TD2' | 'TD3', width: number): Mrz {
  const line1 = text.slice(0, width);
  const line2 = text.slice(width);
  const failed: MrzCheckedField[] = [];
  // TD2 ends its optional data at 35 and has no personal-number check digit; TD3 has both.
  const optionalEnd = format === 'TD3' ? 42 : 35;
  const optional = line2.slice(28, optionalEnd);
  const number = format === 'TD2' ? documentNumber(line2.slice(0, 9), line2[9] as string, optional, failed) : checkedNumber(line2, failed);
  check(line2.slice(13, 19), line2[19], 'birthDate', failed);
  check(line2.slice(21, 27), line2[27], 'expiryDate', failed);
  if (format === 'TD3') {
    check(optional, line2[42], 'personalNumber', failed);
  }
  check(line2.slice(0, 10) + line2.slice(13, 20) + line2.slice(21, width - 1), line2[width - 1], 'composite', failed);
  return {
    format,
    text,
    documentCode: trim(line1.slice(0, 2)),
    issuingState: trim(line1.slice(2, 5)),
    documentNumber: number,
    birthDate: line2.slice(13, 19),
    sex: sexOf(line2[20]),
    expiryDate: line2.slice(21, 27),
    nationality: trim(line2.slice(10, 13)),
    ...names(line1.slice(5)),
    optionalData: [optional],
    failedCheckDigits: failed,
  };
}

function checkedNumber(line2: string, failed: MrzCheckedField[]): string {
  check(line2.slice(0, 9), line2[9], 'documentNumber', failed);
  return trim(line2.slice(0, 9));
}

/**
 * The document number of TD1 and TD2. A number over 9 characters (9303-5 §4.2.4) puts "<"
 * where its check digit would be and continues in the optional data, followed there by its
 * check digit (computed over the whole number) and a filler.
 */
function documentNumber(first9: string, digit: string, optional: string, failed: MrzCheckedField[]): string {
  if (digit !== '<') {
    check(first9, digit, 'documentNumber', failed);
    return trim(first9);
  }
  const rest = /^([0-9A-Z]*)([0-9])</.exec(optional);
  if (rest === null) {
    failed.push('documentNumber');
    return trim(first9);
  }
  const whole = first9 + (rest[1] as string);
  check(whole, rest[2], 'documentNumber', failed);
  return whole;
}

/**
 * A field made only of fillers — TD3's empty personal number (9303-4 §4.2.2), an expiry left
 * blank on a card without one — may carry "<" as its check digit instead of the computed 0.
 */
function check(field: string, digit: string | undefined, name: MrzCheckedField, failed: MrzCheckedField[]): void {
  if (digit === '<' && /^<+$/.test(field)) return;
  if (digit === undefined || mrzCheckDigit(field) !== digit) failed.push(name);
}

function vietnameseId12(issuingState: string, documentNumber: string, optional1: string): string | undefined {
  if (issuingState !== 'VNM') return undefined;
  const id12 = optional1.slice(0, 12);
  return /^[0-9]{12}$/.test(id12) && vietnameseDocumentNumber(id12) === documentNumber ? id12 : undefined;
}

function sexOf(char: string | undefined): Mrz['sex'] {
  return char === 'M' ? 'male' : char === 'F' ? 'female' : 'unspecified';
}

/** "NGUYEN<<VAN<A<<<" → primary "NGUYEN", secondary "VAN A". */
function names(field: string): { primaryName: string; secondaryName: string } {
  const [primary = '', ...rest] = field.split('<<');
  return { primaryName: trim(primary), secondaryName: trim(rest.join('<<')) };
}

function trim(field: string): string {
  return field.replace(/<+$/, '').replace(/^<+/, '').replace(/<+/g, ' ').trim();
}
