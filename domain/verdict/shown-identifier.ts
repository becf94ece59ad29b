import type { CredentialKind, PersonIdentifiers } from '../credentials/credential.js';
import type { Verdict } from './verdict.js';

/**
 * The identifier a verdict shows the last four digits of, and what staff call that number —
 * by the kind of number it is, not always "CCCD": a health-insurance card shows its BHXH
 * number as "BHYT ••••4309", an old ID card "CMND ••••3456". A bare number (typed, or a code
 * holding nothing else) is not a card, and its label says so.
 */
export interface ShownIdentifier {
  readonly label: string;
  readonly tail: string;
}

const TAIL_DIGITS = 4;

const labelOf = (credentialKind: CredentialKind | 'unknown', identifiers: PersonIdentifiers, value: string): string => {
  const isId12 = value === identifiers.id12;
  const isOldId9 = value === identifiers.oldId9;
  if (credentialKind === 'manual') return isOldId9 ? 'Số CMND / Old ID no.' : 'Số định danh / ID no.';
  if (isId12) return 'CCCD';
  if (isOldId9) return 'CMND';
  // The BHXH number is printed on the health-insurance card: staff match it there.
  return credentialKind === 'bhyt-qr' ? 'BHYT' : 'BHXH';
};

/** The number a verdict names (the citizen ID first, then the BHXH, then the old ID number), labelled by its kind. */
export function shownIdentifier(credentialKind: CredentialKind | 'unknown', identifiers: PersonIdentifiers): ShownIdentifier | undefined {
  const value = identifiers.id12 ?? identifiers.bhxh ?? identifiers.oldId9;
  return value === undefined ? undefined : { label: labelOf(credentialKind, identifiers, value), tail: value.slice(-TAIL_DIGITS) };
}

/**
 * The same for a number the entry log kept (loggedIdentifier: a 12-digit ID, a 9-digit old ID
 * or a 10-digit BHXH number, told apart by their lengths), for a verdict made from a logged entry.
 */
export function shownLoggedIdentifier(credentialKind: CredentialKind | 'unknown', personId: string): ShownIdentifier | undefined {
  const identifiers: PersonIdentifiers = personId.length === 12 ? { id12: personId } : personId.length === 9 ? { oldId9: personId } : { bhxh: personId };
  return shownIdentifier(credentialKind, identifiers);
}

/** A verdict's number as the screens write it: "CCCD ••••1234", "BHYT ••••4309". */
export const idShown = (subject: Verdict['subject']): string | undefined =>
  subject?.idTail === undefined ? undefined : [subject.idLabel, `••••${subject.idTail}`].filter((part) => part !== undefined).join(' ');
