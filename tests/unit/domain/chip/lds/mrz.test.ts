import { afterAll, describe, expect, it } from 'vitest';
import { LdsError } from '../../../../../domain/chip/lds/lds-error.js';
import { parseDg1, parseMrz } from '../../../../../domain/chip/lds/mrz.js';
import { mrzCheckDigit } from '../../../../../domain/chip/mrz-key.js';
import { chipSamplesUnavailable, makeVnSample, temporaryDirectory } from '../../../../support/chip-samples.js';

// ICAO 9303-3 §4.9 and 9303-5 Appendix A: the specimen TD1 (document number D23145890 with a
// long number's continuation, here the 9-character form) and 9303-4's TD3 specimen.
const TD1: readonly [string, string, string] = ['I<UTOD231458907<<<<<<<<<<<<<<<', '7408122F1204159UTO<<<<<<<<<<<6', 'ERIKSSON<<ANNA<MARIA<<<<<<<<<<'];
const TD3: readonly [string, string] = ['P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<', 'L898902C36UTO7408122F1204159ZE184226B<<<<<10'];
const TD2: readonly [string, string] = ['I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<', 'D231458907UTO7408122F1204159<<<<<<<6'];

describe('the MRZ of DG1', () => {
  it('reads a TD1 specimen field by field with every check digit good', () => {
    const mrz = parseMrz(TD1.join('\n'));
    expect(mrz).toMatchObject({
      format: 'TD1',
      documentCode: 'I',
      issuingState: 'UTO',
      documentNumber: 'D23145890',
      birthDate: '740812',
      sex: 'female',
      expiryDate: '120415',
      nationality: 'UTO',
      primaryName: 'ERIKSSON',
      secondaryName: 'ANNA MARIA',
      failedCheckDigits: [],
    });
    expect(mrz.vietnameseId12).toBeUndefined();
  });

  it('reads TD2 and TD3 specimens', () => {
    expect(parseMrz(TD2.join(''))).toMatchObject({
      format: 'TD2',
      documentNumber: 'D23145890',
      birthDate: '740812',
      secondaryName: 'ANNA MARIA',
      failedCheckDigits: [],
    });
    const td3 = parseMrz(TD3.join(''));
    expect(td3).toMatchObject({
      format: 'TD3',
      documentCode: 'P',
      documentNumber: 'L898902C3',
      nationality: 'UTO',
      optionalData: ['ZE184226B<<<<<'],
      failedCheckDigits: [],
    });
  });

  it('names each check digit that does not match', () => {
    const birthWrong = [TD1[0], '7408132F1204159UTO<<<<<<<<<<<6', TD1[2]].join('');
    expect(parseMrz(birthWrong).failedCheckDigits).toEqual(['birthDate', 'composite']);
    const numberWrong = ['I<UTOD231458908<<<<<<<<<<<<<<<', TD1[1], TD1[2]].join('');
    expect(parseMrz(numberWrong).failedCheckDigits).toEqual(['documentNumber', 'composite']);
    const td3PersonalWrong = TD3[0] + TD3[1].slice(0, 42) + '2' + TD3[1].slice(43);
    expect(parseMrz(td3PersonalWrong).failedCheckDigits).toContain('personalNumber');
  });

  it('accepts "<" as the check digit of a field of fillers only: an expiry left blank, an empty personal number', () => {
    const line2body = '7408122F<<<<<<<UTO<<<<<<<<<<<';
    const composite = mrzCheckDigit(TD1[0].slice(5, 30) + line2body.slice(0, 7) + line2body.slice(8, 15) + line2body.slice(18, 29));
    const mrz = parseMrz(TD1[0] + line2body + composite + TD1[2]);
    expect(mrz.expiryDate).toBe('<<<<<<');
    expect(mrz.failedCheckDigits).toEqual([]);
    const blankWithDigit = TD1[0] + '7408122F<<<<<<5UTO<<<<<<<<<<<' + composite + TD1[2];
    expect(parseMrz(blankWithDigit).failedCheckDigits).toContain('expiryDate');
    const td3 = TD3[1].slice(0, 28) + '<'.repeat(15) + '0';
    const td3Composite = TD3[0] + td3.slice(0, 43) + mrzCheckDigit(td3.slice(0, 10) + td3.slice(13, 20) + td3.slice(21, 43));
    expect(parseMrz(td3Composite).failedCheckDigits).toEqual([]);
  });

  it('reads a document number over 9 characters continued in the optional data (9303-5 §4.2.4)', () => {
    // D23145890 + 1234, check digit over all 13 characters, then a filler.
    const whole = 'D231458901234';
    const line1 = `I<UTOD23145890<1234${mrzCheckDigit(whole)}<<<<<<<<<<`;
    const line2body = '7408122F1204159UTO<<<<<<<<<<<';
    const composite = mrzCheckDigit(line1.slice(5, 30) + line2body.slice(0, 7) + line2body.slice(8, 15) + line2body.slice(18, 29));
    const mrz = parseMrz(line1 + line2body + composite + TD1[2]);
    expect(mrz.documentNumber).toBe(whole);
    expect(mrz.failedCheckDigits).toEqual([]);
  });

  it.each([
    ['a length no format has', 'I<UTO'],
    ['lower-case letters', TD1.join('').toLowerCase()],
  ])('refuses %s', (_case, text) => {
    expect(() => parseMrz(text)).toThrow(LdsError);
  });

  it('refuses a DG1 that is another file', () => {
    expect(() => parseDg1(Uint8Array.from([0x62, 0x03, 0x5f, 0x1f, 0x00]))).toThrow(/^DG1: /);
  });
});

const unavailable = chipSamplesUnavailable();
describe.skipIf(unavailable !== null)(`a Vietnamese TD1 from the card emulator's generator${unavailable === null ? '' : ` (skipped: ${unavailable})`}`, () => {
  const work = temporaryDirectory();
  afterAll(() => work.remove());

  it('gives the 12-digit ID from the optional data; the document number is its last 9 digits', () => {
    const sample = makeVnSample(work.dir);
    const mrz = parseDg1(sample.dg1);
    expect(mrz).toMatchObject({
      format: 'TD1',
      documentCode: 'ID',
      issuingState: 'VNM',
      documentNumber: '095000225',
      vietnameseId12: '001095000225',
      birthDate: '950810',
      sex: 'male',
      expiryDate: '350810',
      primaryName: 'NGUYEN',
      secondaryName: 'VAN A',
      failedCheckDigits: [],
    });
  });

  it('gives no 12-digit ID when the optional data does not end in the document number', () => {
    const line1 = 'IDVNM0950002254001095000226<<4';
    const sample = makeVnSample(work.dir);
    expect(parseMrz(line1 + sample.mrzLines.slice(1).join('')).vietnameseId12).toBeUndefined();
  });
});
