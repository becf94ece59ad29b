/**
 * What every on-screen digit keypad of the staff side does with keys and typed text (the CAN,
 * the staff PIN, a typed ID): DOM-free, so the rules are tested once and shared by every use.
 */

/** A key of the keypad: a digit, delete the last one, or clear all. */
export type DigitKey = '0' | '1' | '2' | '3' | '4' | '5' | '6' | '7' | '8' | '9' | 'back' | 'clear';

/** A phone's layout, the one staff know: 1–9, then clear, 0, delete. */
export const KEYPAD_LAYOUT: readonly DigitKey[] = ['1', '2', '3', '4', '5', '6', '7', '8', '9', 'clear', '0', 'back'];

/**
 * The digits of whatever reached the field — typed, pasted, or a Vietnamese input method's
 * full-width digits (NFKC folds them) — at most `maxDigits`: the field never holds anything
 * but digits, nor more than the entry can have.
 */
export function digitsOf(text: string, maxDigits: number): string {
  return text
    .normalize('NFKC')
    .replace(/[^0-9]/g, '')
    .slice(0, maxDigits);
}

/** The field after one keypad press. */
export function pressDigitKey(current: string, key: DigitKey, maxDigits: number): string {
  if (key === 'clear') return '';
  if (key === 'back') return current.slice(0, -1);
  return digitsOf(current + key, maxDigits);
}
