import { describe, expect, it } from 'vitest';
import { factsFromHcert, subjectFromHcert } from '../../../../domain/credentials/dcc/dcc-facts.js';

const vaccination = { tg: '840539006', vp: '1119349007', mp: 'EU/1/20/1528', ma: 'ORG-100030215', dn: 2, sd: 2, dt: '2021-10-01', co: 'VN', is: 'Bộ Y tế', ci: 'URN:UVCI:01:VN:X' };
const test = { tg: '840539006', tt: 'LP6464-4', sc: '2021-10-01T08:30:00+07:00', tr: '260415000', tc: 'CDC Khánh Hòa', co: 'VN', is: 'Bộ Y tế', ci: 'URN:UVCI:01:VN:Y' };
const recovery = { tg: '840539006', fr: '2021-08-01', co: 'VN', is: 'Bộ Y tế', df: '2021-08-12', du: '2022-01-27', ci: 'URN:UVCI:01:VN:Z' };

describe('health certificate → facts', () => {
  it('maps a vaccination: dose, series size, date, product', () => {
    expect(factsFromHcert({ ver: '1.3.0', v: [vaccination] })).toEqual({ doses: [{ dose: 2, totalDoses: 2, date: '2021-10-01', product: 'EU/1/20/1528' }], tests: [], quarantine: [] });
  });

  it('takes the date part of a vaccination date written as a date-time', () => {
    expect(factsFromHcert({ v: [{ ...vaccination, dt: '2021-10-01T00:00:00Z' }] }).doses[0]?.date).toBe('2021-10-01');
  });

  it.each([
    ['LP6464-4', '260415000', 'pcr', 'negative'],
    ['LP6464-4', '260373001', 'pcr', 'positive'],
    ['LP217198-3', '260415000', 'rapid', 'negative'],
    ['LP217198-3', '260373001', 'rapid', 'positive'],
  ] as const)('maps a test %s / %s to %s %s, sampled at an instant', (tt, tr, kind, result) => {
    expect(factsFromHcert({ t: [{ ...test, tt, tr }] }).tests).toEqual([{ takenAt: '2021-10-01T01:30:00.000Z', kind, result }]);
  });

  it('maps a recovery to the date of the first positive test, the latest one when several', () => {
    expect(factsFromHcert({ r: [recovery] }).recoveredOn).toBe('2021-08-01');
    expect(factsFromHcert({ r: [recovery, { ...recovery, fr: '2021-09-02' }, { ...recovery, fr: '2021-01-01' }] }).recoveredOn).toBe('2021-09-02');
  });

  it.each([
    ['a dose number that is not a positive integer', { v: [{ ...vaccination, dn: 0 }] }],
    ['a dose number as text', { v: [{ ...vaccination, dn: '2' }] }],
    ['an impossible date', { v: [{ ...vaccination, dt: '2021-02-30' }] }],
    ['no product', { v: [{ ...vaccination, mp: '' }] }],
    ['an unknown test type', { t: [{ ...test, tt: 'LP0000-0' }] }],
    ['an unknown test result', { t: [{ ...test, tr: '1' }] }],
    ['no sample time', { t: [{ ...test, sc: 'soon' }] }],
    ['a recovery without a date', { r: [{ ...recovery, fr: undefined }] }],
    ['entries that are not objects', { v: [null, 1, 'x'], t: 'x', r: {} }],
  ])('leaves out %s', (_name, hcert) => {
    expect(factsFromHcert(hcert)).toEqual({ doses: [], tests: [], quarantine: [] });
  });

  it('keeps a sensible series size only', () => {
    expect(factsFromHcert({ v: [{ ...vaccination, sd: 0 }] }).doses[0]).toEqual({ dose: 2, date: '2021-10-01', product: 'EU/1/20/1528' });
  });

  it('returns no facts for something that is not a certificate', () => {
    expect(factsFromHcert(null)).toEqual({ doses: [], tests: [], quarantine: [] });
    expect(factsFromHcert([1])).toEqual({ doses: [], tests: [], quarantine: [] });
  });
});

describe('health certificate → what staff see', () => {
  it('shows surname then given name, in the national script', () => {
    expect(subjectFromHcert({ nam: { fn: 'Nguyễn', fnt: 'NGUYEN', gn: 'Văn An', gnt: 'VAN<AN' }, dob: '1989-03-15' })).toEqual({ name: 'Nguyễn Văn An', birthDate: '1989-03-15' });
  });

  it('falls back to the transliteration, with its filler turned into spaces', () => {
    expect(subjectFromHcert({ nam: { fnt: 'MUSTERFRAU<GOESSINGER', gnt: 'GABRIELE' }, dob: '1998-02-26' })).toEqual({ name: 'MUSTERFRAU GOESSINGER GABRIELE', birthDate: '1998-02-26' });
    expect(subjectFromHcert({ nam: { fn: 'Nguyễn', gnt: 'VAN<<AN' } }).name).toBe('Nguyễn VAN AN');
  });

  it('shows only the surname when there is no given name', () => {
    expect(subjectFromHcert({ nam: { fnt: 'TRAN' } })).toEqual({ name: 'TRAN' });
  });

  it('drops bidi overrides, isolates and zero-width characters from the name shown', () => {
    expect(subjectFromHcert({ nam: { fn: 'Nguyễn\u202E', gn: '\u2066Văn\u200B An\u2069' } }).name).toBe('Nguyễn Văn An');
  });

  it('normalises decomposed letters to NFC', () => {
    expect(subjectFromHcert({ nam: { fn: 'Nguyễn'.normalize('NFD') } }).name).toBe('Nguyễn');
  });

  it.each([
    ['1989-03-15', '1989-03-15'],
    ['1989-03', '1989-03'],
    ['1989', '1989'],
    ['1989-XX-XX', '1989'],
    ['1989-03-XX', '1989-03'],
    ['1989-03-15T00:00:00', '1989-03-15'],
    ['', undefined],
    ['1989-13', undefined],
    ['1989-02-30', undefined],
    ['15.03.1989', undefined],
    [19890315, undefined],
  ])('birth date %j → %j', (dob, birthDate) => {
    expect(subjectFromHcert({ nam: { fn: 'A' }, dob }).birthDate).toBe(birthDate);
  });

  it('shows nothing for a certificate without a name', () => {
    expect(subjectFromHcert({ nam: {} })).toEqual({});
    expect(subjectFromHcert({ nam: 'Nguyễn' })).toEqual({});
    expect(subjectFromHcert(7)).toEqual({});
  });
});
