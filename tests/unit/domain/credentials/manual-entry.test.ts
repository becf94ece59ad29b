import { describe, expect, it } from 'vitest';
import { isParseError, type ManualCredential, type ParseError } from '../../../../domain/credentials/credential.js';
import { MANUAL_ERRORS, parseManualEntry, typedIdProblem } from '../../../../domain/credentials/manual-entry.js';

const codeOf = (text: string): string | undefined => {
  const result = parseManualEntry(text);
  return result.kind === 'error' ? result.code : undefined;
};

describe('parseManualEntry', () => {
  it('reads a typed 12-digit ID as a manual credential: a bare number, authenticity `manual`', () => {
    expect(parseManualEntry('056089001234')).toEqual({
      kind: 'manual',
      authenticity: 'manual',
      identifiers: { id12: '056089001234' },
      subject: {},
      problems: [],
    } satisfies ManualCredential);
  });

  it('reads an old 9-digit ID', () => {
    expect((parseManualEntry('225123456') as ManualCredential).identifiers).toEqual({ oldId9: '225123456' });
  });

  it.each([
    ['typed in groups', '056 089 001 234', { id12: '056089001234' }],
    ['with blanks around it', '  079195004321\n', { id12: '079195004321' }],
    ['the first province, century digit 0', '001000000001', { id12: '001000000001' }],
    ['the last province, century digit 3', '096399000001', { id12: '096399000001' }],
    ['an old ID in groups', '225 123 456', { oldId9: '225123456' }],
    ['whose province code 097 is off the 2021 list (newer numbers may carry one)', '097089001234', { id12: '097089001234' }],
    ['whose province code is 000', '000089001234', { id12: '000089001234' }],
  ])('accepts an ID %s', (_label, text, identifiers) => {
    expect((parseManualEntry(text) as ManualCredential).identifiers).toEqual(identifiers);
  });

  it.each([
    ['nothing', 'manual.empty', ''],
    ['only blanks', 'manual.empty', ' \t '],
    ['5 digits', 'manual.format', '12345'],
    ['10 digits', 'manual.format', '7931775688'],
    ['11 digits', 'manual.format', '05608900123'],
    ['13 digits', 'manual.format', '0560890012345'],
    ['a letter', 'manual.format', '05608900123X'],
    ['a dash', 'manual.format', '056-089-001-234'],
    ['a BHYT card number', 'manual.format', 'GD4797931775688'],
    ['century digit 4 (2100s)', 'manual.century-digit', '056489001234'],
    ['century digit 9', 'manual.century-digit', '056989001234'],
    ['more than anyone types', 'manual.too-long', '1'.repeat(65)],
  ])('refuses %s with %s', (_label, code, text) => {
    expect(codeOf(text)).toBe(code);
  });

  it('marks errors as manual, with Vietnamese and English text', () => {
    const result = parseManualEntry('nope') as ParseError;
    expect(result.credentialKind).toBe('manual');
    expect(result.message).toEqual(MANUAL_ERRORS['manual.format']);
    for (const message of Object.values(MANUAL_ERRORS)) {
      expect(message.vi.length).toBeGreaterThan(0);
      expect(message.en.length).toBeGreaterThan(0);
    }
  });
});

describe('typedIdProblem: the keypad’s check, by the parser’s rules', () => {
  it('says nothing while the digits may still become an ID', () => {
    for (const digits of ['', '9', '999', '99989', '999890012']) expect(typedIdProblem(digits, false)).toBeUndefined();
    expect(typedIdProblem('0560890', false)).toBeUndefined();
    expect(typedIdProblem('0560890012', false)).toBeUndefined();
  });

  it('says at once what no further digit can mend: past 9 digits, a century digit a 12-digit ID cannot have', () => {
    expect(typedIdProblem('0569890012', false)?.code).toBe('manual.century-digit');
    expect(typedIdProblem('05698900123', false)?.code).toBe('manual.century-digit');
    // A province code off the list is not a problem to type: the verdict says it.
    expect(typedIdProblem('9990890012', false)).toBeUndefined();
    expect(typedIdProblem('999089001234', true)).toBeUndefined();
  });

  it('at Enter: anything but 12 or 9 digits of an ID, worded as the parser words it', () => {
    expect(typedIdProblem('', true)?.code).toBe('manual.empty');
    expect(typedIdProblem('0560890', true)?.code).toBe('manual.format');
    expect(typedIdProblem('0560890012', true)?.message).toEqual(MANUAL_ERRORS['manual.format']);
    expect(typedIdProblem('056089001234', true)).toBeUndefined();
    expect(typedIdProblem('225123456', true)).toBeUndefined();
    // The same verdict as the parser's, digit string by digit string.
    for (const digits of ['999089001234', '056489001234', '056089001234', '123456789']) {
      const parsed = parseManualEntry(digits);
      expect(typedIdProblem(digits, true)?.code).toBe(isParseError(parsed) ? parsed.code : undefined);
    }
  });
});
