import { describe, expect, it } from 'vitest';
import { BHYT_ERRORS, parseBhytQr as parseBhytQrAt } from '../../../../domain/credentials/bhyt-qr.js';
import type { BhytQrCredential, ParseError } from '../../../../domain/credentials/credential.js';
import { encodeHexUtf8 as hex } from '../../../../domain/text/hex-utf8.js';

// The evaluation clock the cards are read at.
const NOW = Date.parse('2021-10-20T08:00:00+07:00');
const parseBhytQr = (text: string) => parseBhytQrAt(text, NOW);

/** Old card (15 fields): see the field table in domain/credentials/bhyt-qr.ts. */
const OLD_FIELDS: readonly string[] = [
  'GD4797931775688',
  hex('Nguyễn Văn An'),
  '15/03/1989',
  '1',
  hex('Số 1 Trần Phú, Quận 1'),
  '79 - 033',
  '01/01/2021',
  '31/12/2021',
  '01/01/2021',
  '79079',
  '-',
  '4',
  '01/01/2025',
  '7f3a9c01b2',
  '$',
];

/** Card since 2021 (17 fields): the 10-digit number first, the issuing office in field 15. */
const NEW_FIELDS: readonly string[] = [
  '7931775688',
  hex('Trần Thị Bình'),
  '1995',
  '2',
  '-',
  '01 - 002',
  '01/04/2021',
  '31/03/2022',
  '01/04/2021',
  '01001',
  hex('Trần Văn Cha'),
  '4',
  '-',
  'c0ffee',
  '-',
  hex('BHXH Thành phố Hà Nội'),
  '$',
];

const qr = (base: readonly string[], changes: Record<number, string> = {}): string => base.map((field, index) => changes[index] ?? field).join('|');

const OLD = qr(OLD_FIELDS);
const NEW = qr(NEW_FIELDS);

const read = (text: string): BhytQrCredential => {
  const result = parseBhytQr(text);
  if (result.kind === 'error') throw new Error(`expected a credential, got ${result.code}`);
  return result;
};

const codeOf = (text: string): string | undefined => {
  const result = parseBhytQr(text);
  return result.kind === 'error' ? result.code : undefined;
};

describe('parseBhytQr: valid cards', () => {
  it('reads an old card (15 fields, 15-character number)', () => {
    expect(parseBhytQr(OLD)).toEqual({
      kind: 'bhyt-qr',
      authenticity: 'unsigned',
      identifiers: { bhytNumber: 'GD4797931775688', bhxh: '7931775688' },
      subject: { name: 'Nguyễn Văn An', birthDate: '1989-03-15', sex: 'Nam' },
      layout: 'old-15-fields',
      validFrom: '2021-01-01',
      validTo: '2021-12-31',
      clinicCode: '79033',
      checkField: '7f3a9c01b2',
      problems: [],
    } satisfies BhytQrCredential);
  });

  it('reads a card since 2021 (17 fields, 10-digit number, issuing office)', () => {
    expect(parseBhytQr(NEW)).toEqual({
      kind: 'bhyt-qr',
      authenticity: 'unsigned',
      identifiers: { bhytNumber: '7931775688', bhxh: '7931775688' },
      subject: { name: 'Trần Thị Bình', birthDate: '1995', sex: 'Nữ' },
      layout: 'new-17-fields',
      validFrom: '2021-04-01',
      validTo: '2022-03-31',
      clinicCode: '01002',
      issuingOffice: 'BHXH Thành phố Hà Nội',
      checkField: 'c0ffee',
      problems: [],
    } satisfies BhytQrCredential);
  });

  it('never keeps the address or the guardian name', () => {
    expect(JSON.stringify(parseBhytQr(OLD))).not.toMatch(/Trần Phú|Quận/);
    expect(JSON.stringify(parseBhytQr(NEW))).not.toContain('Cha');
  });

  it('decodes upper-case hex and normalises the name to NFC', () => {
    const name = 'Nguyễn Thị Hà'.normalize('NFD');
    expect(read(qr(OLD_FIELDS, { 1: hex(name).toUpperCase() })).subject.name).toBe(name.normalize('NFC'));
  });

  it('keeps the check field as is, whatever it holds', () => {
    expect(read(qr(OLD_FIELDS, { 13: 'not-a-real-hash!' })).checkField).toBe('not-a-real-hash!');
    expect(read(qr(OLD_FIELDS, { 13: '' })).checkField).toBeUndefined();
  });

  it.each([
    ['a year-only birth date as partial YYYY', { 2: '1950' }, { birthDate: '1950' }],
    ['a leap day', { 2: '29/02/2000' }, { birthDate: '2000-02-29' }],
    ['a clinic code without blanks', { 5: '79033' }, { clinicCode: '79033' }],
    ['a clinic code with letters', { 5: '01 - K01' }, { clinicCode: '01K01' }],
    ['no clinic code', { 5: '-' }, { clinicCode: undefined }],
    ['an open-ended card', { 7: '-' }, { validTo: undefined }],
    ['a card valid for one day', { 6: '31/12/2021' }, { validFrom: '2021-12-31', validTo: '2021-12-31' }],
    ['a guardian name', { 10: hex('Nguyễn Văn Bố') }, {}],
  ])('accepts %s', (_label, changes: Record<number, string>, expected: Record<string, string | undefined>) => {
    const result = read(qr(OLD_FIELDS, changes));
    const flat: Record<string, unknown> = { ...result, ...result.subject };
    for (const [key, value] of Object.entries(expected)) expect(flat[key]).toBe(value);
  });

  it('ignores the scanner suffix and blanks around fields', () => {
    const padded = OLD_FIELDS.map((field, index) => (index < OLD_FIELDS.length - 1 ? ` ${field} ` : field));
    expect(read(` ${qr(padded)}\r\n`).identifiers.bhxh).toBe('7931775688');
  });

  it('reads a new card without an issuing office', () => {
    expect(read(qr(NEW_FIELDS, { 15: '-' })).issuingOffice).toBeUndefined();
  });
});

describe('parseBhytQr: validity at the evaluation clock, and what is shown', () => {
  const at = (iso: string): BhytQrCredential => {
    const result = parseBhytQrAt(OLD, Date.parse(iso));
    if (result.kind === 'error') throw new Error(result.code);
    return result;
  };

  it('valid from its first day to its last day, both included, in Vietnam time', () => {
    expect(at('2021-01-01T00:00:00+07:00').problems).toEqual([]);
    expect(at('2021-12-31T23:59:00+07:00').problems).toEqual([]);
  });

  it('past its "valid to": still identifies the person, with the problem bhyt.expired', () => {
    const card = at('2022-01-01T00:00:00+07:00');
    expect(card.identifiers.bhxh).toBe('7931775688');
    expect(card.problems.map((p) => p.code)).toEqual(['bhyt.expired']);
    expect(card.problems[0]?.message.vi).toMatch(/hết hạn/);
  });

  it('before its "valid from": the problem bhyt.not-yet-valid (Vietnam date: 31 Dec 17:00 UTC is already 1 Jan)', () => {
    expect(at('2020-12-31T16:59:00Z').problems.map((p) => p.code)).toEqual(['bhyt.not-yet-valid']);
    expect(at('2020-12-31T17:00:00Z').problems).toEqual([]);
  });

  it.each([
    ['a right-to-left override', 'Nguyễn\u202E Văn An'],
    ['zero-width spaces and joiners', '\u200BNguyễn\u200D Văn\u2060 An\uFEFF'],
    ['bidi isolates and a soft hyphen', '\u2066Nguyễn\u2069 Văn\u00AD An'],
  ])('a name with %s is shown without them', (_label, name) => {
    expect(read(qr(OLD_FIELDS, { 1: hex(name) })).subject.name).toBe('Nguyễn Văn An');
  });

  it('an issuing office with a bidi override is shown without it', () => {
    expect(read(qr(NEW_FIELDS, { 15: hex('BHXH \u202EHà Nội') })).issuingOffice).toBe('BHXH Hà Nội');
  });

  it.each([
    ['combining marks only', '\u0301\u0300'],
    ['invisible characters only', '\u202E\u200B'],
  ])('a name of %s is refused', (_label, name) => {
    expect(codeOf(qr(OLD_FIELDS, { 1: hex(name) }))).toBe('bhyt.name-text');
  });
});

describe('parseBhytQr: refusals, each with its own code', () => {
  it.each([
    ['no |$ end', 'bhyt.end-marker', OLD.slice(0, -2)],
    ['$ without its separator', 'bhyt.end-marker', `${OLD.slice(0, -2)}$`],
    ['cut short in the middle', 'bhyt.end-marker', OLD.slice(0, 40)],
    ['14 fields', 'bhyt.field-count', qr(OLD_FIELDS.slice(1))],
    ['16 fields', 'bhyt.field-count', qr(['x', ...OLD_FIELDS])],
    ['18 fields', 'bhyt.field-count', qr(['x', ...NEW_FIELDS])],
    ['just |$', 'bhyt.field-count', '|$'],
    ['lower-case letters', 'bhyt.card-number', qr(OLD_FIELDS, { 0: 'gd4797931775688' })],
    ['benefit level 6', 'bhyt.card-number', qr(OLD_FIELDS, { 0: 'GD6797931775688' })],
    ['benefit level 0', 'bhyt.card-number', qr(OLD_FIELDS, { 0: 'GD0797931775688' })],
    ['14-character number', 'bhyt.card-number', qr(OLD_FIELDS, { 0: 'GD479793177568' })],
    ['11-digit number', 'bhyt.card-number', qr(NEW_FIELDS, { 0: '79317756881' })],
    ['empty number', 'bhyt.card-number', qr(NEW_FIELDS, { 0: '' })],
    ['10-digit number on an old card', 'bhyt.card-number-layout', qr(OLD_FIELDS, { 0: '7931775688' })],
    ['15-character number on a new card', 'bhyt.card-number-layout', qr(NEW_FIELDS, { 0: 'GD4797931775688' })],
    ['no name', 'bhyt.name-missing', qr(OLD_FIELDS, { 1: '-' })],
    ['empty name', 'bhyt.name-missing', qr(OLD_FIELDS, { 1: '' })],
    ['a plain-text name', 'bhyt.name-hex', qr(OLD_FIELDS, { 1: 'Nguyen Van An' })],
    ['a Vietnamese plain-text name', 'bhyt.name-hex', qr(OLD_FIELDS, { 1: 'Nguyễn' })],
    ['an odd number of hex digits', 'bhyt.name-hex', qr(OLD_FIELDS, { 1: `${hex('An')}0` })],
    ['hex with a blank inside', 'bhyt.name-hex', qr(OLD_FIELDS, { 1: '4e67 7579' })],
    ['a huge hex name', 'bhyt.name-hex', qr(OLD_FIELDS, { 1: '41'.repeat(600) })],
    ['bytes that are not UTF-8', 'bhyt.name-text', qr(OLD_FIELDS, { 1: 'ff41' })],
    ['a truncated UTF-8 sequence', 'bhyt.name-text', qr(OLD_FIELDS, { 1: '4ee1bb' })],
    ['a control character in the name', 'bhyt.name-text', qr(OLD_FIELDS, { 1: '410042' })],
    ['a blank decoded name', 'bhyt.name-text', qr(OLD_FIELDS, { 1: '2020' })],
    ['31 February', 'bhyt.birth-date', qr(OLD_FIELDS, { 2: '31/02/1989' })],
    ['an ISO birth date', 'bhyt.birth-date', qr(OLD_FIELDS, { 2: '1989-03-15' })],
    ['a single-digit month', 'bhyt.birth-date', qr(OLD_FIELDS, { 2: '15/3/1989' })],
    ['an undelimited birth date', 'bhyt.birth-date', qr(OLD_FIELDS, { 2: '15031989' })],
    ['year 1899', 'bhyt.birth-date', qr(OLD_FIELDS, { 2: '1899' })],
    ['no birth date', 'bhyt.birth-date', qr(OLD_FIELDS, { 2: '-' })],
    ['sex 0', 'bhyt.sex', qr(OLD_FIELDS, { 3: '0' })],
    ['sex 3', 'bhyt.sex', qr(OLD_FIELDS, { 3: '3' })],
    ['sex as a word', 'bhyt.sex', qr(OLD_FIELDS, { 3: 'Nam' })],
    ['a short clinic code', 'bhyt.clinic-code', qr(OLD_FIELDS, { 5: '7 - 033' })],
    ['a clinic code with two dashes', 'bhyt.clinic-code', qr(OLD_FIELDS, { 5: '79 -- 033' })],
    ['an invalid start date', 'bhyt.valid-from', qr(OLD_FIELDS, { 6: '32/01/2021' })],
    ['an invalid end date', 'bhyt.valid-to', qr(OLD_FIELDS, { 7: '31/04/2021' })],
    ['an end before the start', 'bhyt.valid-to', qr(OLD_FIELDS, { 7: '31/12/2020' })],
    ['a guardian name that is not hex', 'bhyt.guardian-name-hex', qr(OLD_FIELDS, { 10: 'Nguyễn Văn Bố' })],
    ['a guardian name that is not UTF-8', 'bhyt.guardian-name-hex', qr(OLD_FIELDS, { 10: 'c3' })],
    ['an issuing office that is not hex', 'bhyt.issuing-office-hex', qr(NEW_FIELDS, { 15: 'BHXH Hà Nội' })],
    ['longer than any QR', 'bhyt.too-long', `${'0'.repeat(8192)}|$`],
  ])('%s → %s', (_label, code, text) => {
    expect(codeOf(text)).toBe(code);
  });

  it('marks every error as a BHYT one, with Vietnamese and English text', () => {
    const result = parseBhytQr(qr(OLD_FIELDS, { 1: 'zz' })) as ParseError;
    expect(result.credentialKind).toBe('bhyt-qr');
    expect(result.message).toEqual(BHYT_ERRORS['bhyt.name-hex']);
  });

  it('has distinct, non-empty texts in both languages for every code', () => {
    for (const [code, message] of Object.entries(BHYT_ERRORS)) {
      expect(code).toMatch(/^bhyt\.[a-z0-9-]+$/);
      expect(message.vi.length).toBeGreaterThan(0);
      expect(message.en.length).toBeGreaterThan(0);
      expect(message.vi).not.toBe(message.en);
    }
  });
});
