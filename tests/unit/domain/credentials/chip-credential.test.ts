import { describe, expect, it } from 'vitest';
import { parseMrz } from '../../../../domain/chip/lds/mrz.js';
import type { VietnameseDg13 } from '../../../../domain/chip/lds/dg13-vietnam.js';
import { passiveAuthReason } from '../../../../domain/chip/passive-auth-reasons.js';
import type { PassiveAuthOutcome } from '../../../../domain/chip/passive-auth.js';
import type { ChipReadResult } from '../../../../domain/chip/read-chip.js';
import { chipCredential, isoBirthDate } from '../../../../domain/credentials/chip-credential.js';

/** The card emulator's sample MRZ (make_vn_sample.py): ID 001095000225, born 1995-08-10, expiry 2035-08-10. */
const SAMPLE_MRZ = parseMrz('IDVNM0950002257001095000225<<8' + '9508107M3508105VNM<<<<<<<<<<<2' + 'NGUYEN<<VAN<A<<<<<<<<<<<<<<<<<');
const SAMPLE_DG13: VietnameseDg13 = {
  id12: '001095000225',
  fullName: 'Nguyễn Văn A',
  birthDate: '10/08/1995',
  sex: 'Nam',
  issueDate: '01/01/2022',
  expiryDate: '10/08/2035',
  oldId9: '225123456',
  unknownFields: [],
};

const REASON_CODE: Record<PassiveAuthOutcome, Parameters<typeof passiveAuthReason>[0]> = {
  'chip-verified': 'chip.pa.verified',
  'chip-integrity-only': 'chip.pa.csca-unknown',
  'chip-altered': 'chip.pa.dg-hash-mismatch',
  'chip-unverified': 'chip.pa.sod-unreadable',
};

function readResult(outcome: PassiveAuthOutcome, changes: Partial<ChipReadResult> = {}): ChipReadResult {
  return {
    access: 'pace-can',
    passive: { outcome, reason: passiveAuthReason(REASON_CODE[outcome]), checkedDataGroups: [1, 13] },
    dataGroups: [1, 13],
    mrz: SAMPLE_MRZ,
    dg13: SAMPLE_DG13,
    timings: [],
    ...changes,
  };
}

describe('the credential a chip read gives', () => {
  it('a verified chip: identifiers and printed facts from DG13, chip-verified, no problem', () => {
    expect(SAMPLE_MRZ.failedCheckDigits).toEqual([]);
    expect(chipCredential(readResult('chip-verified'))).toEqual({
      kind: 'chip',
      authenticity: 'chip-verified',
      identifiers: { id12: '001095000225', oldId9: '225123456' },
      subject: { name: 'Nguyễn Văn A', birthDate: '1995-08-10', sex: 'Nam' },
      problems: [],
      chip: { accessPath: 'pace-can', passive: 'chip-verified' },
    });
  });

  it('the document signer named in EF.SOD, as the entry log keeps it (issuer and serial, nothing of the person)', () => {
    const credential = chipCredential(readResult('chip-verified', { documentSigner: { issuer: 'C=VN, O=Bo Cong an, CN=DS 3', serialNumber: '0A1B' } }));
    expect(credential.documentSigner).toBe('C=VN, O=Bo Cong an, CN=DS 3#0a1b');
    expect(chipCredential(readResult('chip-verified')).documentSigner).toBeUndefined();
  });

  it.each([
    ['chip-integrity-only', 'unsigned', 'chip.pa.csca-unknown'],
    ['chip-unverified', 'unsigned', 'chip.pa.sod-unreadable'],
    ['chip-altered', 'invalid', 'chip.pa.dg-hash-mismatch'],
  ] as const)('passive authentication %s → %s, with its reason as the problem', (outcome, authenticity, code) => {
    const credential = chipCredential(readResult(outcome));
    expect(credential.authenticity).toBe(authenticity);
    expect(credential.problems).toEqual([{ code, message: { vi: passiveAuthReason(code).vi, en: passiveAuthReason(code).en } }]);
    expect(credential.chip.passive).toBe(outcome);
  });

  it('active authentication: passed is said; failed makes a verified chip no better than the printed card', () => {
    const genuine = { outcome: 'chip-genuine' as const, reason: { code: 'chip.aa.genuine', vi: 'v', en: 'e' } };
    const copy = { outcome: 'chip-not-genuine' as const, reason: { code: 'chip.aa.signature-invalid', vi: 'v2', en: 'e2' } };
    const unsupported = { outcome: 'chip-aa-unsupported' as const, reason: { code: 'chip.aa.unsupported', vi: 'v3', en: 'e3' } };
    const passed = chipCredential(readResult('chip-verified', { active: genuine }));
    expect([passed.authenticity, passed.chip.active, passed.problems]).toEqual(['chip-verified', 'passed', []]);
    const failed = chipCredential(readResult('chip-verified', { active: copy }));
    expect([failed.authenticity, failed.chip.active, failed.problems]).toEqual([
      'unsigned',
      'failed',
      [{ code: 'chip.aa.signature-invalid', message: { vi: 'v2', en: 'e2' } }],
    ]);
    const unchecked = chipCredential(readResult('chip-verified', { active: unsupported }));
    expect([unchecked.authenticity, unchecked.chip.active, unchecked.problems]).toEqual(['chip-verified', undefined, []]);
  });

  it('without DG13: the 12-digit ID from the MRZ optional data, no printed facts', () => {
    const { dg13: _omitted, ...withoutDg13 } = readResult('chip-verified', { access: 'bac' });
    const credential = chipCredential(withoutDg13);
    expect(credential.identifiers).toEqual({ id12: '001095000225' });
    expect(credential.subject).toEqual({});
    expect(credential.chip.accessPath).toBe('bac');
  });

  it('a DG13 ID that is not 12 digits falls back to the MRZ; an old ID that is not 9 digits is left out', () => {
    const credential = chipCredential(readResult('chip-verified', { dg13: { ...SAMPLE_DG13, id12: '00109500022X', oldId9: '12345' } }));
    expect(credential.identifiers).toEqual({ id12: '001095000225' });
  });

  it('a passport MRZ (no Vietnamese ID) and no DG13: no identifier', () => {
    const passport = parseMrz('P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<' + 'L898902C36UTO7408122F1204159ZE184226B<<<<<10');
    const { dg13: _omitted, ...rest } = readResult('chip-integrity-only', { mrz: passport });
    expect(chipCredential(rest).identifiers).toEqual({});
  });

  it('sex other than Nam / Nữ, and a name of no letter, are not shown', () => {
    const credential = chipCredential(readResult('chip-verified', { dg13: { ...SAMPLE_DG13, sex: 'M', fullName: '...' } }));
    expect(credential.subject).toEqual({ birthDate: '1995-08-10' });
  });

  it.each([
    ['10/08/1995', '1995-08-10'],
    ['31/02/1995', undefined],
    ['08/1995', '1995-08'],
    ['1995', '1995'],
    ['1995-08-10', undefined],
  ])('birth date %s → %s', (printed, iso) => {
    expect(isoBirthDate(printed)).toBe(iso);
  });
});
