import { describe, expect, it } from 'vitest';
import type { CccdQrCredential, ParseError } from '../../../domain/credentials/credential.js';
import { parseScan } from '../../../domain/credentials/parse-scan.js';
import type { VerificationContext } from '../../../domain/credentials/verification.js';

/** No trust lists: these inputs are neither DCCs nor passes, so nothing is verified. */
const CONTEXT: VerificationContext = { now: Date.UTC(2021, 9, 15) };

const VALID = '056089001234|225123456|Nguyễn Văn An|15031989|Nam|Số 1 Trần Phú, Nha Trang|10072021';

const errorCode = (input: string | Uint8Array): string | undefined => {
  const result = parseScan(input, CONTEXT);
  return result.kind === 'error' ? (result as ParseError).code : undefined;
};

describe('parseScan: CCCD QR (foundation parser)', () => {
  it('reads a chip ID card QR', () => {
    expect(parseScan(VALID, CONTEXT)).toEqual({
      kind: 'cccd-qr',
      authenticity: 'unsigned',
      identifiers: { id12: '056089001234', oldId9: '225123456' },
      subject: { name: 'Nguyễn Văn An', birthDate: '1989-03-15', sex: 'Nam' },
      issueDate: '2021-07-10',
      extraFields: [],
      problems: [],
    } satisfies CccdQrCredential);
  });

  it('decodes UTF-8 bytes itself, never through a keyboard layout', () => {
    const result = parseScan(new TextEncoder().encode(VALID), CONTEXT) as CccdQrCredential;
    expect(result.subject.name).toBe('Nguyễn Văn An');
  });

  it('normalises decomposed Vietnamese letters to NFC', () => {
    const result = parseScan(VALID.normalize('NFD'), CONTEXT) as CccdQrCredential;
    expect(result.subject.name).toBe('Nguyễn Văn An');
    expect(result.subject.name?.normalize('NFC')).toBe(result.subject.name);
  });

  it('accepts an empty old ID and keeps extra trailing fields', () => {
    const result = parseScan('079195004321||Trần Thị Bình|02091995|Nữ|12 Lê Lợi|01012022|extra1|extra2', CONTEXT) as CccdQrCredential;
    expect(result.identifiers).toEqual({ id12: '079195004321' });
    expect(result.extraFields).toEqual(['extra1', 'extra2']);
  });

  it('ignores the scanner suffix and surrounding blanks', () => {
    expect(parseScan(`  ${VALID}\r\n`, CONTEXT).kind).toBe('cccd-qr');
  });

  it.each([
    ['', 'scan.empty'],
    ['   \r\n', 'scan.empty'],
    ['HELLO WORLD', 'scan.unrecognised'],
    ['a|b|c', 'cccd.field-count'],
    ['05608900123|225123456|An|15031989|Nam|x|10072021', 'cccd.id-format'],
    ['05608900123X|225123456|An|15031989|Nam|x|10072021', 'cccd.id-format'],
    ['056089001234|22512345|An|15031989|Nam|x|10072021', 'cccd.old-id-format'],
    ['056089001234|225123456||15031989|Nam|x|10072021', 'cccd.name-missing'],
    ['056089001234|225123456|An|31021989|Nam|x|10072021', 'cccd.birth-date'],
    ['056089001234|225123456|An|1503198|Nam|x|10072021', 'cccd.birth-date'],
    ['056089001234|225123456|An|15031989|Male|x|10072021', 'cccd.sex'],
    ['056089001234|225123456|An|15031989|Nam|x|00072021', 'cccd.issue-date'],
    ['056089001234|225123456|An\u0007|15031989|Nam|x|10072021', 'scan.control-characters'],
    ['x'.repeat(8193), 'scan.too-long'],
  ])('%j is refused with %s', (input, code) => {
    expect(errorCode(input)).toBe(code);
  });

  it('every error carries Vietnamese and English text', () => {
    const result = parseScan('nope', CONTEXT) as ParseError;
    expect(result.message.vi.length).toBeGreaterThan(0);
    expect(result.message.en.length).toBeGreaterThan(0);
  });

  it('refuses a 1 MB input without decoding all of it', () => {
    expect(errorCode(new Uint8Array(1024 * 1024).fill(0x41))).toBe('scan.too-long');
    expect(errorCode('|'.repeat(1024 * 1024))).toBe('scan.too-long');
  });
});
