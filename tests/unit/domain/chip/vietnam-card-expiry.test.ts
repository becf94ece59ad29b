import { describe, expect, it } from 'vitest';
import { canFromId12, expiryCandidates, mrzCandidatesFromPrintedCard, NO_EXPIRY_ENCODINGS } from '../../../../domain/chip/vietnam-card-expiry.js';

/**
 * The expiry a Vietnamese chip ID card prints follows its holder's age (Luật Căn cước công
 * dân 2014 and Luật Căn cước 2023, Article 21): renewed at 14, 25, 40 and 60, valid until the
 * next of those ages when issued within 2 years before one, no expiry when issued at 58 or later.
 */
describe('expiry candidates of a Vietnamese chip ID card', () => {
  it.each([
    // [birth, issue, the ruled expiry first, then its neighbours]
    ['issued at 20: valid until 25', '1990-05-17', '2010-06-01', ['150517', '300517']],
    ['issued at 23 (within 2 years of 25): valid until 40', '1990-05-17', '2013-06-01', ['300517', '500517', '150517']],
    ['issued the day before turning 23: still until 25', '1990-05-17', '2013-05-16', ['150517', '300517']],
    ['issued at 26 (the emulator sample): valid until 40', '1995-08-10', '2022-01-01', ['350810', '550810']],
    ['issued at 38: valid until 60', '1970-03-02', '2008-04-01', ['300302', ...NO_EXPIRY_ENCODINGS, '100302']],
    ['issued at 45: valid until 60', '1970-03-02', '2015-04-01', ['300302', ...NO_EXPIRY_ENCODINGS]],
    ['issued at 58: no expiry', '1950-01-20', '2008-02-01', [...NO_EXPIRY_ENCODINGS, '100120']],
    ['issued at 70: no expiry', '1940-12-31', '2010-12-31', [...NO_EXPIRY_ENCODINGS, '001231']],
    ['a child issued at 8 (2023 law): valid until 14', '2016-02-29', '2024-07-15', ['300228', '410228']],
  ])('%s', (_label, birthDate, issueDate, expected) => {
    expect(expiryCandidates({ birthDate, issueDate })).toEqual(expected);
  });

  it('proposes nothing from dates that are not YYYY-MM-DD', () => {
    expect(expiryCandidates({ birthDate: '1990', issueDate: '2010-06-01' })).toEqual([]);
  });

  it('builds the MRZ keys: the last 9 digits of the ID, the birth date and each expiry candidate', () => {
    expect(mrzCandidatesFromPrintedCard({ id12: '001095000225', birthDate: '1995-08-10', issueDate: '2022-01-01' })).toEqual([
      { documentNumber: '095000225', dateOfBirth: '950810', dateOfExpiry: '350810' },
      { documentNumber: '095000225', dateOfBirth: '950810', dateOfExpiry: '550810' },
    ]);
    expect(mrzCandidatesFromPrintedCard({ id12: '12345', birthDate: '1995-08-10', issueDate: '2022-01-01' })).toEqual([]);
  });

  it('takes the card access number from the last 6 digits of the ID', () => {
    expect(canFromId12('001095000225')).toBe('000225');
    expect(canFromId12('0010950002')).toBeUndefined();
  });
});
