import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BHYT_ERRORS, BHYT_PROBLEMS, parseBhytQr as parseBhytQrAt } from '../../../../domain/credentials/bhyt-qr.js';
import type { BhytQrCredential } from '../../../../domain/credentials/credential.js';
import { encodeHexUtf8 as hex } from '../../../../domain/text/hex-utf8.js';
import { FUZZ_RUNS, FUZZ_TIMEOUT_MS, isShowable, isWellFormedError, measureHugeInput, mutationsOf, randomText, timedCall, totalOf } from './fuzz-inputs.js';

// The evaluation clock the cards are read at.
const NOW = Date.parse('2021-10-20T08:00:00+07:00');
const parseBhytQr = (text: string) => parseBhytQrAt(text, NOW);
const TODAY = '2021-10-20';

const SAMPLES = [
  [
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
  ],
  ['TE1010123456789', hex('Lê Bé Na'), '2019', '2', '-', '01033', '05/06/2019', '04/06/2025', '05/06/2019', '01001', hex('Lê Văn Bố'), '-', '-', '-', '$'],
  [
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
  ],
  ['0123456789', hex('Đỗ Minh Ê'), '29/02/2000', '1', hex('Cần Thơ'), '92 - 001', '01/01/2022', '-', '01/01/2022', '92001', '-', '-', '-', '-', '-', '-', '$'],
].map((fields) => fields.join('|'));

const ISO_OR_YEAR = /^\d{4}(?:-\d{2}-\d{2})?$/;

function isWellFormedCredential(result: BhytQrCredential): boolean {
  const { identifiers, subject } = result;
  return (
    result.kind === 'bhyt-qr' &&
    result.authenticity === 'unsigned' &&
    (result.layout === 'old-15-fields' ? /^[A-Z]{2}\d{13}$/ : /^\d{10}$/).test(identifiers.bhytNumber) &&
    identifiers.bhxh === identifiers.bhytNumber.slice(-10) &&
    subject.name !== undefined &&
    subject.name !== '' &&
    subject.name === subject.name.normalize('NFC') &&
    ISO_OR_YEAR.test(subject.birthDate ?? '') &&
    (subject.sex === 'Nam' || subject.sex === 'Nữ') &&
    (result.validFrom === undefined || result.validTo === undefined || result.validFrom <= result.validTo) &&
    (result.clinicCode === undefined || result.clinicCode.length === 5) &&
    isShowable(subject.name, result.issuingOffice) &&
    // Outside its validity at the clock: said, not refused.
    result.problems.every((problem) => problem.code in BHYT_PROBLEMS) &&
    result.problems.some((p) => p.code === 'bhyt.expired') === (result.validTo !== undefined && result.validTo < TODAY) &&
    result.problems.some((p) => p.code === 'bhyt.not-yet-valid') === (result.validFrom !== undefined && result.validFrom > TODAY)
  );
}

function checker(outcomes: Map<string, number>) {
  return (text: string): boolean => {
    const result = timedCall(parseBhytQr, text);
    const outcome = result.kind === 'error' ? result.code : result.kind;
    outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
    return result.kind === 'error' ? isWellFormedError(result, BHYT_ERRORS, 'bhyt-qr') : isWellFormedCredential(result);
  };
}

describe('parseBhytQr fuzz', () => {
  it('reads every sample', () => {
    for (const sample of SAMPLES) expect(parseBhytQr(sample).kind).toBe('bhyt-qr');
  });

  it(
    `never throws and answers well-formed within the bound: ${FUZZ_RUNS} random inputs`,
    () => {
      const outcomes = new Map<string, number>();
      fc.assert(fc.property(randomText, checker(outcomes)), { numRuns: FUZZ_RUNS });
      expect(totalOf(outcomes)).toBe(FUZZ_RUNS);
      expect(outcomes.get('bhyt.end-marker')).toBeGreaterThan(0);
    },
    FUZZ_TIMEOUT_MS,
  );

  it(
    `never throws and answers well-formed within the bound: ${FUZZ_RUNS} mutated cards`,
    () => {
      const outcomes = new Map<string, number>();
      fc.assert(fc.property(mutationsOf(SAMPLES), checker(outcomes)), { numRuns: FUZZ_RUNS });
      expect(totalOf(outcomes)).toBe(FUZZ_RUNS);
      // The mutations must exercise the whole parser, not just its first check.
      expect(outcomes.get('bhyt-qr')).toBeGreaterThan(0);
      for (const code of Object.keys(BHYT_ERRORS)) expect(outcomes.get(code) ?? 0, code).toBeGreaterThan(0);
    },
    FUZZ_TIMEOUT_MS,
  );

  it('refuses a 1 MB input in under 5 ms', () => {
    const { ms, code } = measureHugeInput(parseBhytQr, `${'41'.repeat(512 * 1024)}|$`);
    expect(code).toBe('bhyt.too-long');
    expect(ms).toBeLessThan(5);
  });
});
