import type { MrzKeyFields } from './mrz-key.js';
import { vietnameseDocumentNumber } from './mrz-key.js';

/**
 * The MRZ keys a kiosk can propose for a Vietnamese chip ID card from what its printed QR
 * says (the 12-digit ID, the birth date, the issue date): BAC, and PACE with the MRZ, need the
 * card's expiry date, which the QR does not carry. The expiry follows the holder's age:
 *
 * - Law on Citizen Identification 2014 (Luật Căn cước công dân, No. 59/2014/QH13), Article 21,
 *   and Law on Identification 2023 (Luật Căn cước, No. 26/2023/QH15), Article 21: a card is
 *   renewed when its holder turns 25, 40 and 60 (the 2023 law adds 14, for cards issued to
 *   children since 1 July 2024); a card issued or renewed within 2 years before one of those
 *   ages stays valid until the next one; a card issued at 58 or later (within 2 years of 60,
 *   or after) does not expire.
 * - The printed expiry ("Có giá trị đến") is the holder's birthday at that age.
 *
 * The MRZ of a card without expiry is not publicly documented for Vietnam. ICAO 9303-3 has
 * '<' for a date element that is not given, and TD1 ID cards of other states without expiry
 * print "<<<<<<" (with check digit 0, as Moldova's); the other encodings seen on cards of
 * states with life-long cards are "991231" and "999999". All three are proposed, the ICAO
 * one first. A wrong candidate costs one refused handshake, which the card answers at once.
 */
export const RENEWAL_AGES = [14, 25, 40, 60] as const;
/** A card issued this many years (or less) before a renewal age is valid until the next one. */
export const GRACE_YEARS = 2;
/** The encodings of "no expiry" tried, in order (see above). */
export const NO_EXPIRY_ENCODINGS = ['<<<<<<', '991231', '999999'] as const;

export interface PrintedCardFacts {
  /** The 12-digit personal identification number. */
  readonly id12: string;
  /** YYYY-MM-DD. */
  readonly birthDate: string;
  /** YYYY-MM-DD, the date the card was issued (the QR's last date). */
  readonly issueDate: string;
}

/**
 * The expiry dates (YYMMDD, as the MRZ prints them; '<<<<<<' and the others for "none") the
 * card may carry, the most likely first: the one the rule gives for the issue date, then the
 * neighbouring ones (an issue date near a boundary, or one the QR got from a re-issue).
 */
export function expiryCandidates(facts: Pick<PrintedCardFacts, 'birthDate' | 'issueDate'>): string[] {
  const birth = dateParts(facts.birthDate);
  const issue = dateParts(facts.issueDate);
  if (birth === undefined || issue === undefined) return [];
  const ageAtIssue = completedYears(birth, issue);
  // The first renewal age the card is not exempt from: more than GRACE_YEARS ahead of the issue.
  const ruled = RENEWAL_AGES.find((age) => ageAtIssue < age - GRACE_YEARS);
  const ordered: (number | 'none')[] = [ruled ?? 'none'];
  // The neighbours: the renewal age before and after the ruled one, and "none" last for someone near 58.
  const index = ruled === undefined ? RENEWAL_AGES.length : RENEWAL_AGES.indexOf(ruled);
  const after = RENEWAL_AGES[index + 1];
  const before = RENEWAL_AGES[index - 1];
  if (after !== undefined) ordered.push(after);
  else if (ruled !== undefined) ordered.push('none');
  if (before !== undefined && before > ageAtIssue) ordered.push(before);
  if (ruled === undefined) ordered.push(60);
  const candidates: string[] = [];
  for (const age of ordered) {
    if (age === 'none') candidates.push(...NO_EXPIRY_ENCODINGS);
    else candidates.push(yymmdd(birthdayAt(birth, age)));
  }
  return [...new Set(candidates)];
}

/** The MRZ keys to try for a card whose printed QR gave these facts, in order. */
export function mrzCandidatesFromPrintedCard(facts: PrintedCardFacts): MrzKeyFields[] {
  const birth = dateParts(facts.birthDate);
  if (birth === undefined || !/^\d{12}$/.test(facts.id12)) return [];
  const documentNumber = vietnameseDocumentNumber(facts.id12);
  const dateOfBirth = yymmdd(birth);
  return expiryCandidates(facts).map((dateOfExpiry) => ({ documentNumber, dateOfBirth, dateOfExpiry }));
}

/** The card access number a Vietnamese chip ID card prints: the last 6 digits of the 12-digit ID. */
export function canFromId12(id12: string): string | undefined {
  return /^\d{12}$/.test(id12) ? id12.slice(6) : undefined;
}

interface DateParts {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

function dateParts(iso: string): DateParts | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (match === null) return undefined;
  return { year: Number(match[1]), month: Number(match[2]), day: Number(match[3]) };
}

/** Whole years from `birth` to `on` (the age on that day). */
function completedYears(birth: DateParts, on: DateParts): number {
  const beforeBirthday = on.month < birth.month || (on.month === birth.month && on.day < birth.day);
  return on.year - birth.year - (beforeBirthday ? 1 : 0);
}

/** The birthday at `age`; someone born on 29 February has it on 28 February in a common year (the last day of the month). */
function birthdayAt(birth: DateParts, age: number): DateParts {
  const year = birth.year + age;
  const lastDay = new Date(Date.UTC(year, birth.month, 0)).getUTCDate();
  return { year, month: birth.month, day: Math.min(birth.day, lastDay) };
}

function yymmdd(date: DateParts): string {
  const two = (value: number): string => String(value % 100).padStart(2, '0');
  return `${two(date.year)}${two(date.month)}${two(date.day)}`;
}
