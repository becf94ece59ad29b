import { describe, expect, it } from 'vitest';
import { factsFromHcert, subjectFromHcert } from '../../../../../domain/credentials/dcc/dcc-facts.js';
import { TEST_TYPE, VACCINE_PROPHYLAXIS, type ValueSet } from '../../../../../domain/credentials/dcc/dcc-value-sets.js';

const vaccination = {
  tg: '840539006',
  vp: '1119349007',
  mp: 'EU/1/20/1528',
  ma: 'ORG-100030215',
  dn: 2,
  sd: 2,
  dt: '2021-10-01',
  co: 'VN',
  is: 'Bộ Y tế',
  ci: 'URN:UVCI:01:VN:X',
};
const test = {
  tg: '840539006',
  tt: 'LP6464-4',
  sc: '2021-10-01T08:30:00+07:00',
  tr: '260415000',
  tc: 'CDC Khánh Hòa',
  co: 'VN',
  is: 'Bộ Y tế',
  ci: 'URN:UVCI:01:VN:Y',
};
const recovery = { tg: '840539006', fr: '2021-08-01', co: 'VN', is: 'Bộ Y tế', df: '2021-08-12', du: '2022-01-27', ci: 'URN:UVCI:01:VN:Z' };

describe('health certificate → facts', () => {
  it('maps a vaccination: dose, series size, date, product', () => {
    expect(factsFromHcert({ ver: '1.3.0', v: [vaccination] })).toEqual({
      doses: [{ dose: 2, totalDoses: 2, date: '2021-10-01', product: 'EU/1/20/1528' }],
      tests: [],
      quarantine: [],
    });
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

  it('maps a recovery to the certificate as issued: first positive result and validity window; the first entry when several', () => {
    expect(factsFromHcert({ r: [recovery] })).toEqual({
      doses: [],
      tests: [],
      quarantine: [],
      recoveryCertificate: { positiveOn: '2021-08-01', validFrom: '2021-08-12', validUntil: '2022-01-27' },
    });
    // As the EU business rules read a certificate (`payload.r.0`): the others are listed, not counted.
    const several = factsFromHcert({ r: [recovery, { ...recovery, fr: '2021-09-02' }, { ...recovery, fr: '2021-01-01' }] });
    expect(several.recoveryCertificate?.positiveOn).toBe('2021-08-01');
    expect(several.notCounted).toEqual([
      { kind: 'recovery', why: 'not-first-entry' },
      { kind: 'recovery', why: 'not-first-entry' },
    ]);
  });

  it('never makes a certificate of recovery a recovery date: its first positive result is not the day the person recovered', () => {
    expect(factsFromHcert({ r: [recovery] }).recoveredOn).toBeUndefined();
  });

  it('maps a product by the code the EU renamed it from, and keeps codes the EU deprecated after issuing them', () => {
    expect(factsFromHcert({ v: [{ ...vaccination, mp: 'NVX-CoV2373', vp: 'J07BX03' }] }).doses[0]?.product).toBe('EU/1/21/1618');
  });

  it.each([
    ['a dose number that is not a positive integer', { v: [{ ...vaccination, dn: 0 }] }, 'vaccination', 'incomplete'],
    ['a dose number as text', { v: [{ ...vaccination, dn: '2' }] }, 'vaccination', 'incomplete'],
    ['an impossible date', { v: [{ ...vaccination, dt: '2021-02-30' }] }, 'vaccination', 'incomplete'],
    ['no product', { v: [{ ...vaccination, mp: '' }] }, 'vaccination', 'vaccine-product'],
    ['a product outside the value set', { v: [{ ...vaccination, mp: 'NOT-A-VACCINE' }] }, 'vaccination', 'vaccine-product'],
    ['a product name instead of its code', { v: [{ ...vaccination, mp: 'Pfizer' }] }, 'vaccination', 'vaccine-product'],
    ['a value-set product not recognised here', { v: [{ ...vaccination, mp: 'EpiVacCorona' }] }, 'vaccination', 'vaccine-product'],
    ['an inherited property name as product', { v: [{ ...vaccination, mp: 'constructor' }] }, 'vaccination', 'vaccine-product'],
    ['a vaccine type outside the value set', { v: [{ ...vaccination, vp: 'J07BX99' }] }, 'vaccination', 'vaccine-type'],
    ['a vaccination against another disease', { v: [{ ...vaccination, tg: '14189004' }] }, 'vaccination', 'disease'],
    ['a vaccination without a disease', { v: [{ ...vaccination, tg: undefined }] }, 'vaccination', 'disease'],
    ['an unknown test type', { t: [{ ...test, tt: 'LP0000-0' }] }, 'test', 'test-type'],
    ['an unknown test result', { t: [{ ...test, tr: '1' }] }, 'test', 'test-result'],
    ['a test for another disease', { t: [{ ...test, tg: 840539006 }] }, 'test', 'disease'],
    ['no sample time', { t: [{ ...test, sc: 'soon' }] }, 'test', 'incomplete'],
    ['a recovery without a date', { r: [{ ...recovery, fr: undefined }] }, 'recovery', 'incomplete'],
    ['a recovery without its validity window', { r: [{ ...recovery, du: '2022-02-30' }] }, 'recovery', 'incomplete'],
    ['a recovery from another disease', { r: [{ ...recovery, tg: '14189004' }] }, 'recovery', 'disease'],
  ])('leaves out %s, and says so', (_name, hcert, kind, why) => {
    expect(factsFromHcert(hcert)).toEqual({ doses: [], tests: [], quarantine: [], notCounted: [{ kind, why }] });
  });

  it('counts no entry that is not an object, and no group that is not a list', () => {
    expect(factsFromHcert({ v: [null, 1, 'x'], t: 'x', r: {} })).toEqual({
      doses: [],
      tests: [],
      quarantine: [],
      notCounted: [
        { kind: 'vaccination', why: 'incomplete' },
        { kind: 'vaccination', why: 'not-first-entry' },
        { kind: 'vaccination', why: 'not-first-entry' },
      ],
    });
  });

  it('counts the first vaccination and the first test only, as the EU business rules read v.0 and t.0', () => {
    const first = factsFromHcert({ v: [vaccination, { ...vaccination, dn: 1, dt: '2021-09-01' }] });
    expect(first.doses).toEqual([{ dose: 2, totalDoses: 2, date: '2021-10-01', product: 'EU/1/20/1528' }]);
    expect(first.notCounted).toEqual([{ kind: 'vaccination', why: 'not-first-entry' }]);
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
    expect(subjectFromHcert({ nam: { fn: 'Nguyễn', fnt: 'NGUYEN', gn: 'Văn An', gnt: 'VAN<AN' }, dob: '1989-03-15' })).toEqual({
      name: 'Nguyễn Văn An',
      birthDate: '1989-03-15',
    });
  });

  it('falls back to the transliteration, with its filler turned into spaces', () => {
    expect(subjectFromHcert({ nam: { fnt: 'MUSTERFRAU<GOESSINGER', gnt: 'GABRIELE' }, dob: '1998-02-26' })).toEqual({
      name: 'MUSTERFRAU GOESSINGER GABRIELE',
      birthDate: '1998-02-26',
    });
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

  it('uses the hub’s value sets in place of the built-in ones of the same id, and guesses no test kind', () => {
    const newType = { ...vaccination, vp: '9999999999' };
    expect(factsFromHcert({ v: [newType] }).notCounted).toEqual([{ kind: 'vaccination', why: 'vaccine-type' }]);
    const hubTypes: ValueSet = {
      ...VACCINE_PROPHYLAXIS,
      date: '2024-01-01',
      values: { ...VACCINE_PROPHYLAXIS.values, '9999999999': { display: 'A new platform' } },
    };
    expect(factsFromHcert({ v: [newType] }, new Map([[hubTypes.id, hubTypes]])).doses).toHaveLength(1);
    // A hub set without a code takes it out: the hub's set is the whole set, not an addition.
    const withoutMrna: ValueSet = { ...VACCINE_PROPHYLAXIS, values: { '1119305005': { display: 'SARS-CoV-2 antigen vaccine' } } };
    expect(factsFromHcert({ v: [vaccination] }, new Map([[withoutMrna.id, withoutMrna]])).notCounted).toEqual([{ kind: 'vaccination', why: 'vaccine-type' }]);
    // A test type the hub adds is a member, but whether it is PCR or rapid is not guessed.
    const hubTests: ValueSet = { ...TEST_TYPE, values: { ...TEST_TYPE.values, 'LP9999-9': { display: 'A new test' } } };
    expect(factsFromHcert({ t: [{ ...test, tt: 'LP9999-9' }] }, new Map([[hubTests.id, hubTests]])).notCounted).toEqual([{ kind: 'test', why: 'test-type' }]);
  });
});
