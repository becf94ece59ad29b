import { describe, expect, it } from 'vitest';
import { hasInvisibleCharacters, hasLetter, visibleText } from '../../../../domain/text/visible-text.js';

describe('visibleText: what outside text may show', () => {
  it.each([
    ['right-to-left override', 'Nguyễn \u202EVăn An', 'Nguyễn Văn An'],
    ['embeddings and pop', '\u202ANguyễn\u202C Văn \u202BAn\u202C', 'Nguyễn Văn An'],
    ['isolates', '\u2066Nguyễn\u2069 \u2067Văn\u2069 \u2068An\u2069', 'Nguyễn Văn An'],
    ['marks', 'Nguyễn\u200E Văn\u200F An\u061C', 'Nguyễn Văn An'],
    ['zero-width space, joiners, word joiner, BOM', '\uFEFFNguy\u200Bễn\u200C Văn\u200D An\u2060', 'Nguyễn Văn An'],
    ['soft hyphen and Hangul filler', 'Ngu\u00ADyễn \u3164Văn An', 'Nguyễn Văn An'],
    ['C0 and C1 controls and DEL', 'Nguyễn\u0000 Văn\u001B[31m An\u009B\u007F', 'Nguyễn Văn[31m An'],
    ['line and paragraph separators, tabs and new lines', 'Nguyễn\u2028Văn\u2029An\tB\r\nC', 'Nguyễn Văn An B C'],
  ])('drops %s', (_label, input, shown) => {
    expect(visibleText(input)).toBe(shown);
    expect(hasInvisibleCharacters(input)).toBe(true);
    expect(hasInvisibleCharacters(shown)).toBe(false);
  });

  it('keeps Vietnamese letters and normalises to NFC', () => {
    expect(visibleText('Nguyễn Thị Hà'.normalize('NFD'))).toBe('Nguyễn Thị Hà');
    expect(hasInvisibleCharacters('Đặng Thu Hà')).toBe(false);
  });

  it('a name needs a letter: combining marks alone are not one', () => {
    expect(hasLetter('\u0301\u0300\u0303')).toBe(false);
    expect(hasLetter(visibleText('\u202E\u200B'))).toBe(false);
    expect(hasLetter('Ê')).toBe(true);
  });
});
