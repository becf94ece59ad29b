import { CHIP_CAN_PATTERN } from '../../domain/contract/chip-reading.js';
import type { Bilingual } from '../../domain/text/bilingual.js';

/** The card access number printed on the card: always 6 digits. */
export const CAN_LENGTH = 6;

/** A key of the on-screen keypad: a digit, delete the last one, or clear all. */
export type CanKey = '0' | '1' | '2' | '3' | '4' | '5' | '6' | '7' | '8' | '9' | 'back' | 'clear';

export const CAN_KEYPAD_LAYOUT: readonly CanKey[] = ['1', '2', '3', '4', '5', '6', '7', '8', '9', 'clear', '0', 'back'];

/**
 * The digits of whatever reached the field — typed, pasted, or a Vietnamese input method's
 * full-width digits (NFKC folds them) — at most six: the field never holds anything the core
 * would refuse as a CAN except a short one.
 */
export function canDigitsOf(text: string): string {
  return text
    .normalize('NFKC')
    .replace(/[^0-9]/g, '')
    .slice(0, CAN_LENGTH);
}

/** The field after one keypad press. */
export function pressCanKey(current: string, key: CanKey): string {
  if (key === 'clear') return '';
  if (key === 'back') return current.slice(0, -1);
  return canDigitsOf(current + key);
}

const CAN_INCOMPLETE: Bilingual = { vi: 'Số CAN gồm 6 chữ số in trên thẻ', en: 'The CAN is the 6 digits printed on the card' };

/** Why the field cannot be sent yet, or undefined when it is a CAN (the core checks the same pattern). */
export const canProblem = (can: string): Bilingual | undefined => (CHIP_CAN_PATTERN.test(can) ? undefined : CAN_INCOMPLETE);
