import { describe, expect, it } from 'vitest';
import { CHIP_CAN_PATTERN } from '../../../../domain/contract/chip-reading.js';
import { canProblem } from '../../../../renderer/operator/chip-can-entry.js';
import { digitsOf, KEYPAD_LAYOUT, pressDigitKey, type DigitKey } from '../../../../renderer/view/digit-keys.js';

const press = (keys: readonly DigitKey[], maxDigits: number, start = ''): string => keys.reduce((field, key) => pressDigitKey(field, key, maxDigits), start);

describe('the staff digit keypad', () => {
  it('takes digits up to its length, and no more (a CAN: 6, a PIN or an ID: 12)', () => {
    expect(press(['1', '2', '3'], 6)).toBe('123');
    expect(press(['1', '2', '3', '4', '5', '6', '7', '8'], 6)).toBe('123456');
    expect(press(['0', '5', '6', '0', '8', '9', '0', '0', '1', '2', '3', '4', '5'], 12)).toBe('056089001234');
  });

  it('deletes the last digit, and clears all', () => {
    expect(press(['1', '2', '3', 'back'], 6)).toBe('12');
    expect(press(['back'], 6)).toBe('');
    expect(press(['1', '2', 'clear', '9'], 6)).toBe('9');
  });

  it('offers every digit, delete and clear, each once', () => {
    expect([...KEYPAD_LAYOUT].sort()).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'back', 'clear']);
  });
});

describe('what a keypad field keeps of typed or pasted text', () => {
  it.each([
    ['123 456', '123456'],
    ['12-34-56', '123456'],
    ['１２３４５６', '123456'],
    ['abc', ''],
    ['1234567890', '123456'],
  ])('%j → %j (six digits at most)', (typed, kept) => {
    expect(digitsOf(typed, 6)).toBe(kept);
  });
});

describe('when the CAN may be sent', () => {
  it('only six digits, as the core checks (CHIP_CAN_PATTERN)', () => {
    expect(canProblem('123456')).toBeUndefined();
    expect(canProblem('12345')).toEqual({ vi: 'Số CAN gồm 6 chữ số in trên thẻ', en: 'The CAN is the 6 digits printed on the card' });
    expect(canProblem('')).toBeDefined();
    for (const can of ['123456', '12345', '']) expect(canProblem(can) === undefined).toBe(CHIP_CAN_PATTERN.test(can));
  });
});
