import { describe, expect, it } from 'vitest';
import { CCCD_ERRORS, parseCccdQr as parseCccdQrAt } from '../../../../domain/credentials/cccd-qr.js';
import type { CccdQrCredential, ParseError } from '../../../../domain/credentials/credential.js';
import { PROVINCE_CODES } from '../../../../domain/credentials/province-codes.js';

// The evaluation clock the cards are read at (the parser refuses what is after it).
const NOW = Date.parse('2026-01-15T08:00:00+07:00');
const parseCccdQr = (text: string) => parseCccdQrAt(text, NOW);

const ADDRESS = 'Số 1 Trần Phú, Nha Trang';
const VALID = `056089001234|225123456|Nguyễn Văn An|15031989|Nam|${ADDRESS}|10072021`;

/** A QR with the given fields replaced (0 id12, 1 old ID, 2 name, 3 birth, 4 sex, 5 address, 6 issue). */
const withFields = (changes: Record<number, string>, base = VALID): string =>
  base
    .split('|')
    .map((field, index) => changes[index] ?? field)
    .join('|');

const read = (text: string): CccdQrCredential => {
  const result = parseCccdQr(text);
  if (result.kind === 'error') throw new Error(`expected a credential, got ${result.code}`);
  return result;
};

const codeOf = (text: string): string | undefined => {
  const result = parseCccdQr(text);
  return result.kind === 'error' ? result.code : undefined;
};

describe('parseCccdQr: valid cards', () => {
  it('reads every field but the address', () => {
    expect(parseCccdQr(VALID)).toEqual({
      kind: 'cccd-qr',
      authenticity: 'unsigned',
      identifiers: { id12: '056089001234', oldId9: '225123456' },
      subject: { name: 'Nguyễn Văn An', birthDate: '1989-03-15', sex: 'Nam' },
      issueDate: '2021-07-10',
      extraFields: [],
      problems: [],
    } satisfies CccdQrCredential);
  });

  it('never keeps the address', () => {
    expect(JSON.stringify(parseCccdQr(VALID))).not.toContain('Trần Phú');
  });

  it('accepts an empty old ID and keeps extra trailing fields', () => {
    const result = read('079195004321||Trần Thị Bình|02091995|Nữ|12 Lê Lợi|01012022|extra1|extra2');
    expect(result.identifiers).toEqual({ id12: '079195004321' });
    expect(result.extraFields).toEqual(['extra1', 'extra2']);
  });

  it('keeps empty trailing fields too', () => {
    expect(read(`${VALID}||`).extraFields).toEqual(['', '']);
  });

  it('normalises a decomposed name and sex to NFC', () => {
    const result = read(withFields({ 2: 'Nguyễn Thị Hà'.normalize('NFD'), 4: 'Nữ'.normalize('NFD') }, '056189001234||x|15031989|Nữ|x|10072021'));
    expect(result.subject.name).toBe('Nguyễn Thị Hà'.normalize('NFC'));
    expect(result.subject.sex).toBe('Nữ');
  });

  it('trims blanks around fields', () => {
    expect(read(' 056089001234 | 225123456 | Nguyễn Văn An |15031989| Nam |x| 10072021 ').subject.name).toBe('Nguyễn Văn An');
  });

  it.each([
    ['male, 1900s (digit 0)', '001000000001||A|01011900|Nam|x|01012021', '1900-01-01'],
    ['female, 1900s (digit 1)', '096199000001||A|31121999|Nữ|x|01012021', '1999-12-31'],
    ['male, 2000s (digit 2)', '031200000001||A|01012000|Nam|x|01012024', '2000-01-01'],
    ['female, 2000s (digit 3), leap day', '001304012345||A|29022004|Nữ|x|15032022', '2004-02-29'],
    ['issued on the day of birth', '079323000001||A|05062023|Nữ|x|05062023', '2023-06-05'],
  ])('accepts %s', (_label, text, birthDate) => {
    expect(read(text).subject.birthDate).toBe(birthDate);
  });

  it('accepts a birth on the evaluation day itself (Vietnam time)', () => {
    expect(read('056226001234||A|15012026|Nam|x|15012026').subject.birthDate).toBe('2026-01-15');
  });

  it.each([
    ['a right-to-left override', 'Nguyễn\u202E Văn An'],
    ['zero-width characters', '\u200BNguyễn\u200C Văn\uFEFF An'],
    ['bidi isolates', '\u2067Nguyễn Văn An\u2069'],
  ])('shows a name with %s without them', (_label, name) => {
    expect(read(withFields({ 2: name })).subject.name).toBe('Nguyễn Văn An');
  });

  it('accepts every official province code', () => {
    for (const code of PROVINCE_CODES.keys()) {
      expect(read(withFields({ 0: `${code}089001234` })).identifiers.id12.slice(0, 3)).toBe(code);
    }
    expect(PROVINCE_CODES.size).toBe(63);
  });

  it.each([
    ['000', '000089001234'],
    ['003 (a gap in the list)', '003089001234'],
    ['097 (after Cà Mau)', '097089001234'],
    ['999', '999089001234'],
  ])('reads an ID whose province code %s is off the 2021 list: newer numbers may carry one', (_label, id12) => {
    const card = read(withFields({ 0: id12 }));
    expect(card.identifiers.id12).toBe(id12);
    // The parser refuses nothing and adds nothing: the verdict says it (assess-credential.ts).
    expect(card.problems).toEqual([]);
  });
});

describe('parseCccdQr: refusals, each with its own code', () => {
  it.each([
    ['too few fields', 'cccd.field-count', '056089001234|225123456|An|15031989|Nam|x'],
    ['no separators', 'cccd.field-count', '056089001234'],
    ['11-digit ID', 'cccd.id-format', withFields({ 0: '05608900123' })],
    ['13-digit ID', 'cccd.id-format', withFields({ 0: '0560890012345' })],
    ['letter in the ID', 'cccd.id-format', withFields({ 0: '05608900123X' })],
    ['full-width digits', 'cccd.id-format', withFields({ 0: '０５６０８９００１２３４' })],
    ['empty ID', 'cccd.id-format', withFields({ 0: '' })],
    ['8-digit old ID', 'cccd.old-id-format', withFields({ 1: '22512345' })],
    ['empty name', 'cccd.name-missing', withFields({ 2: '' })],
    ['blank name', 'cccd.name-missing', withFields({ 2: '   ' })],
    ['control character in the name', 'cccd.name-format', withFields({ 2: 'An\u0007' })],
    ['31 February', 'cccd.birth-date', withFields({ 3: '31021989' })],
    ['29 February in a common year', 'cccd.birth-date', withFields({ 0: '056001001234', 3: '29022001' })],
    ['7-digit birth date', 'cccd.birth-date', withFields({ 3: '1503198' })],
    ['slashed birth date', 'cccd.birth-date', withFields({ 3: '15/03/1989' })],
    ['born in the 1800s', 'cccd.birth-date', withFields({ 3: '15031889' })],
    ['born after the evaluation day', 'cccd.birth-in-future', withFields({ 0: '056226001234', 3: '16012026', 6: '16012026' })],
    [
      '2100s digit 4 with a birth year of 2189, as a typed number is refused',
      'cccd.century-digit',
      withFields({ 0: '056489001234', 3: '15032189', 6: '15032189' }),
    ],
    ['a name of combining marks only', 'cccd.name-format', withFields({ 2: '\u0301\u0300\u0303' })],
    ['a name of invisible characters only', 'cccd.name-format', withFields({ 2: '\u202E\u200B\u2066' })],
    ['sex in English', 'cccd.sex', withFields({ 4: 'Male' })],
    ['sex in lower case', 'cccd.sex', withFields({ 4: 'nam' })],
    ['male digit 0 but born in 2001', 'cccd.century-sex-digit', withFields({ 0: '056001001234', 3: '15032001' })],
    ['2000s digit 2 but born in 1989', 'cccd.century-sex-digit', withFields({ 0: '056289001234' })],
    ['female digit 1 but the card says Nam', 'cccd.century-sex-digit', withFields({ 0: '056189001234' })],
    ['male digit 0 but the card says Nữ', 'cccd.century-sex-digit', withFields({ 4: 'Nữ' })],
    ['2100s digit 4', 'cccd.century-digit', withFields({ 0: '056489001234' })],
    ['digit 9', 'cccd.century-digit', withFields({ 0: '056989001234' })],
    ['year digits 88 for 1989', 'cccd.birth-year-digits', withFields({ 0: '056088001234' })],
    ['year digits 98 for 1989', 'cccd.birth-year-digits', withFields({ 0: '056098001234' })],
    ['issue day 00', 'cccd.issue-date', withFields({ 6: '00072021' })],
    ['empty issue date', 'cccd.issue-date', withFields({ 6: '' })],
    ['issued before birth', 'cccd.issue-before-birth', withFields({ 6: '14031989' })],
    ['longer than any QR', 'cccd.too-long', `${VALID}|${'x'.repeat(8192)}`],
  ])('%s → %s', (_label, code, text) => {
    expect(codeOf(text)).toBe(code);
  });

  it('marks every error as a CCCD one, with Vietnamese and English text', () => {
    const result = parseCccdQr(withFields({ 0: '056989001234' })) as ParseError;
    expect(result.credentialKind).toBe('cccd-qr');
    expect(result.message).toEqual(CCCD_ERRORS['cccd.century-digit']);
  });

  it('has distinct, non-empty texts in both languages for every code', () => {
    for (const [code, message] of Object.entries(CCCD_ERRORS)) {
      expect(code).toMatch(/^cccd\.[a-z0-9-]+$/);
      expect(message.vi.length).toBeGreaterThan(0);
      expect(message.en.length).toBeGreaterThan(0);
      expect(message.vi).not.toBe(message.en);
    }
  });
});
