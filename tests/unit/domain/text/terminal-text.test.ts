import { describe, expect, it } from 'vitest';
import { terminalJson, terminalLines, terminalText } from '../../../../domain/text/terminal-text.js';

// What a terminal obeys: nothing of it may reach one unescaped.
// eslint-disable-next-line no-control-regex -- the controls are what is looked for
const OBEYED = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u200B-\u200F\u202A-\u202E\u2066-\u2069\u2028\u2029\uFEFF]/u;

describe('terminal output of outside text', () => {
  it.each([
    ['ESC sequences', 'x\u001B[2J\u001B]0;owned\u0007y', 'x\\x1b[2J\\x1b]0;owned\\x07y'],
    ['NUL and backspace', 'a\u0000b\u0008c', 'a\\x00b\\x08c'],
    ['a C1 CSI and DEL', 'a\u009B31mb\u007F', 'a\\x9b31mb\\x7f'],
    ['bidi overrides and isolates', 'abc\u202Edef\u2066g\u2069', 'abc\\u{202e}def\\u{2066}g\\u{2069}'],
    ['new lines, returns and tabs', 'a\nline 9: ok\rb\tc', 'a\\nline 9: ok\\rb\\tc'],
    ['zero-width and BOM', '\uFEFFa\u200Bb', '\\u{feff}a\\u{200b}b'],
  ])('terminalText escapes %s', (_label, input, output) => {
    expect(terminalText(input)).toBe(output);
    expect(OBEYED.test(terminalText(input))).toBe(false);
  });

  it('leaves Vietnamese text and ordinary punctuation as they are', () => {
    expect(terminalText('Chợ Đầm — cổng 2, "Nguyễn Văn An"')).toBe('Chợ Đầm — cổng 2, "Nguyễn Văn An"');
  });

  it('terminalLines keeps the message’s own line breaks and escapes the rest', () => {
    expect(terminalLines('refused:\n  line 2: id "\u001B[31m" is bad')).toBe('refused:\n  line 2: id "\\x1b[31m" is bad');
  });

  it('terminalJson escapes what JSON.stringify leaves raw, and parses back to the same value', () => {
    const value = { name: 'An\u202E\u009B\u007F\u2028x\u{E0001}', nul: '\u0000', ok: 'Nguyễn' };
    const json = terminalJson(value);
    expect(OBEYED.test(json)).toBe(false);
    expect(json).not.toMatch(/[\u{E0000}-\u{E007F}]/u);
    expect(JSON.parse(json)).toEqual(value);
    expect(JSON.parse(terminalJson(value, 2))).toEqual(value);
  });
});
