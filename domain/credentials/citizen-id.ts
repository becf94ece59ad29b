import type { CredentialProblem } from './credential.js';
import { isProvinceCode, PROVINCE_LIST_AS_OF } from './province-codes.js';

/**
 * The structure of the 12-digit personal identification number printed on CCCD and
 * Căn cước cards (Decree 137/2015/NĐ-CP, art. 7; Circular 07/2016/TT-BCA):
 *
 *   PPP  C  YY  NNNNNN
 *   │    │  │   └ serial number
 *   │    │  └ last two digits of the birth year
 *   │    └ century of birth and sex: 0/1 = 1900s male/female, 2/3 = 2000s, 4/5 = 2100s,
 *   │      6/7 = 2200s, 8/9 = 2300s (the decree's 24th century)
 *   └ province of birth registration (province-codes.ts)
 *
 * Only the structure can be checked: the number has no check digit. The province code is
 * not a reason to refuse a number: since Law 26/2023/QH15 on identification and the 2025
 * province merger, new numbers may not follow the 2021 list (province-codes.ts), so a code
 * off the list is a warning on the verdict (UNLISTED_PROVINCE) and a rule input
 * (`person.idProvinceKnown`), and the phase's rule set decides whether it matters.
 */
export const ID12_PATTERN = /^\d{12}$/;
export const OLD_ID9_PATTERN = /^\d{9}$/;

export interface CitizenIdParts {
  readonly provinceCode: string;
  /** First year of the century of birth the fourth digit encodes, e.g. 1900. */
  readonly centuryStart: number;
  readonly sex: 'Nam' | 'Nữ';
  /** Fifth and sixth digits: the birth year modulo 100. */
  readonly yearDigits: number;
}

/** Splits a number already known to match ID12_PATTERN. */
export function citizenIdParts(id12: string): CitizenIdParts {
  const centurySexDigit = Number(id12[3]);
  return {
    provinceCode: id12.slice(0, 3),
    centuryStart: 1900 + 100 * Math.floor(centurySexDigit / 2),
    sex: centurySexDigit % 2 === 0 ? 'Nam' : 'Nữ',
    yearDigits: Number(id12.slice(4, 6)),
  };
}

export function hasKnownProvince(parts: CitizenIdParts): boolean {
  return isProvinceCode(parts.provinceCode);
}

/** Said beside the verdict of an ID whose first three digits are not on the province list. */
export const UNLISTED_PROVINCE: CredentialProblem = {
  code: 'id.province-unlisted',
  message: {
    vi: `Mã tỉnh (3 chữ số đầu của số định danh) không có trong danh sách ${PROVINCE_LIST_AS_OF} — kiểm tra giấy tờ`,
    en: `The province code (the ID number's first three digits) is not on the ${PROVINCE_LIST_AS_OF} list — check the card`,
  },
};

/** Whether a 12-digit ID's province code is on the list; undefined for anything that is not a 12-digit ID. */
export function idProvinceKnown(id12: string | undefined): boolean | undefined {
  return id12 === undefined || !ID12_PATTERN.test(id12) ? undefined : hasKnownProvince(citizenIdParts(id12));
}

/**
 * Nobody alive today was born outside the 1900s or 2000s: the one rule for the century
 * digit, for a typed number (which has no birth date to compare) and for a card's QR alike
 * (whose birth date, 2189 say, makes a 22nd-century digit no more possible).
 */
export function hasPlausibleCentury(parts: CitizenIdParts): boolean {
  return parts.centuryStart === 1900 || parts.centuryStart === 2000;
}
