import { describe, expect, it } from 'vitest';
import { CHIP_CAN_PATTERN } from '../../../../domain/contract/chip-reading.js';
import { CAN_KEYPAD_LAYOUT, canDigitsOf, canProblem, pressCanKey, type CanKey } from '../../../../renderer/operator/chip-can-entry.js';

const press = (keys: readonly CanKey[], start = ''): string => keys.reduce(pressCanKey, start);

describe('the CAN keypad', () => {
  it('takes digits up to six, and no more', () => {
    expect(press(['1', '2', '3'])).toBe('123');
    expect(press(['1', '2', '3', '4', '5', '6', '7', '8'])).toBe('123456');
  });

  it('deletes the last digit, and clears all', () => {
    expect(press(['1', '2', '3', 'back'])).toBe('12');
    expect(press(['back'])).toBe('');
    expect(press(['1', '2', 'clear', '9'])).toBe('9');
  });

  it('offers every digit, delete and clear, each once', () => {
    expect([...CAN_KEYPAD_LAYOUT].sort()).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'back', 'clear']);
  });
});

describe('what the CAN field keeps of typed or pasted text', () => {
  it.each([
    ['123 456', '123456'],
    ['12-34-56', '123456'],
    ['１２３４５６', '123456'],
    ['abc', ''],
    ['1234567890', '123456'],
  ])('%j → %j', (typed, kept) => {
    expect(canDigitsOf(typed)).toBe(kept);
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
