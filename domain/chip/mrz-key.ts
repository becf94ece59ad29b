import type { ChipCrypto } from './chip-crypto.js';

/** The MRZ fields BAC (and PACE with the MRZ as password) derive their keys from. */
export interface MrzKeyFields {
  /** As printed in the MRZ, without filler; shorter than 9 characters is padded with '<'. */
  readonly documentNumber: string;
  /** YYMMDD as printed, '<' for unknown parts. */
  readonly dateOfBirth: string;
  /** YYMMDD as printed, '<' when the document does not expire. */
  readonly dateOfExpiry: string;
}

export class MrzKeyError extends Error {
  override readonly name = 'MrzKeyError';
}

function characterValue(character: string): number {
  if (character === '<') return 0;
  const code = character.charCodeAt(0);
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  if (code >= 0x41 && code <= 0x5a) return code - 0x41 + 10;
  throw new MrzKeyError('MRZ field holds a character outside 0-9, A-Z and <');
}

/** ICAO 9303-3 §4.9: weights 7, 3, 1 repeating; digits as themselves, A–Z as 10–35, '<' as 0; sum mod 10. */
export function mrzCheckDigit(field: string): string {
  let sum = 0;
  for (let i = 0; i < field.length; i++) sum += characterValue(field.charAt(i)) * ([7, 3, 1][i % 3] ?? 0);
  return String(sum % 10);
}

/**
 * YYMMDD as printed, where '<' stands for what is unknown or absent (ICAO 9303-3): a birth date
 * known only to the year (common among older Vietnamese citizens) or a card without expiry (a
 * CCCD issued after 60). The key is derived from the MRZ characters, whatever they mean.
 */
const DATE = /^[0-9<]{6}$/;

/**
 * ICAO 9303-11 §9.7.2 "MRZ information": document number ‖ check digit ‖ birth date ‖ check
 * digit ‖ expiry ‖ check digit. A number under 9 characters is padded with '<' to 9 (the MRZ
 * field's width); a longer one (TD1's overflow into the optional data) is used whole.
 */
export function mrzInformation(fields: MrzKeyFields): string {
  const number = fields.documentNumber.toUpperCase();
  if (number.length === 0 || !/^[0-9A-Z<]+$/.test(number)) throw new MrzKeyError('document number must be 0-9, A-Z or <');
  for (const [name, date] of [
    ['birth', fields.dateOfBirth],
    ['expiry', fields.dateOfExpiry],
  ] as const) {
    if (!DATE.test(date)) throw new MrzKeyError(`date of ${name} must be 6 characters of 0-9 or <`);
  }
  const padded = number.padEnd(9, '<');
  return padded + mrzCheckDigit(padded) + fields.dateOfBirth + mrzCheckDigit(fields.dateOfBirth) + fields.dateOfExpiry + mrzCheckDigit(fields.dateOfExpiry);
}

/** K_seed = the first 16 bytes of SHA-1(MRZ information) (9303-11 §9.7.2 and Appendix D.2). */
export function bacKeySeed(fields: MrzKeyFields, crypto: ChipCrypto): Uint8Array {
  return crypto.hash('SHA-1', new TextEncoder().encode(mrzInformation(fields))).slice(0, 16);
}

/**
 * The MRZ document number of a Vietnamese chip ID card (CCCD / Căn cước): the last 9 digits
 * of the 12-digit personal ID number; the full number sits in the TD1 optional data. This is
 * the layout the issue describes and the chip emulator's make_vn_sample.py reproduces.
 */
export function vietnameseDocumentNumber(idNumber: string): string {
  if (!/^\d{12}$/.test(idNumber)) throw new MrzKeyError('a Vietnamese ID number has 12 digits');
  return idNumber.slice(3);
}
