import { describe, expect, it } from 'vitest';
import type { ManualCredential, ParseError } from '../../../../domain/credentials/credential.js';
import { MANUAL_ERRORS, parseManualEntry } from '../../../../domain/credentials/manual-entry.js';

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
    ['province 000', 'manual.province-code', '000089001234'],
    ['province 097', 'manual.province-code', '097089001234'],
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
