import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CCCD_ERRORS, CCCD_PROBLEMS, parseCccdQr as parseCccdQrAt } from '../../../../domain/credentials/cccd-qr.js';
import type { CccdQrCredential, ParseError } from '../../../../domain/credentials/credential.js';
import { FUZZ_RUNS, FUZZ_TIMEOUT_MS, isShowable, isWellFormedError, measureHugeInput, mutationsOf, randomText, timedCall, totalOf } from './fuzz-inputs.js';

// The evaluation clock the cards are read at (the parser refuses what is after it).
const NOW = Date.parse('2026-01-15T08:00:00+07:00');
const parseCccdQr = (text: string) => parseCccdQrAt(text, NOW);

const SAMPLES = [
  '056089001234|225123456|Nguyễn Văn An|15031989|Nam|Số 1 Trần Phú, Nha Trang|10072021',
  '079195004321||Trần Thị Bình|02091995|Nữ|12 Lê Lợi, Quận 1|01012022|extra1|extra2',
  '001304012345||Lê Thị Cúc|29022004|Nữ|Hà Nội|15032022',
  '096200000001|381234567|Phạm Minh Đức|01012000|Nam|Cà Mau|01012024||',
  // Issued on the day of birth: one changed digit makes the issue date come first.
  '079323000001||Võ Thị Én|05062023|Nữ|Huế|05062023',
];

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

function isWellFormedCredential(result: CccdQrCredential): boolean {
  const { identifiers, subject } = result;
  return (
    result.kind === 'cccd-qr' &&
    result.authenticity === 'unsigned' &&
    /^\d{12}$/.test(identifiers.id12) &&
    (identifiers.oldId9 === undefined || /^\d{9}$/.test(identifiers.oldId9)) &&
    subject.name !== undefined &&
    subject.name !== '' &&
    subject.name === subject.name.normalize('NFC') &&
    ISO_DATE.test(subject.birthDate ?? '') &&
    (subject.birthDate ?? '') <= '2026-01-15' &&
    isShowable(subject.name) &&
    /\p{L}/u.test(subject.name) &&
    ISO_DATE.test(result.issueDate) &&
    result.issueDate >= (subject.birthDate ?? '') &&
    (subject.sex === 'Nam' || subject.sex === 'Nữ') &&
    // A garbled name or sex (keyboard-wedge damage) is tolerated and recorded, nothing else.
    result.problems.every((problem) => problem.code in CCCD_PROBLEMS)
  );
}

/** Tallies outcomes, so the test can show that mutations reach past the first checks. */
function checker(outcomes: Map<string, number>) {
  return (text: string): boolean => {
    const result = timedCall(parseCccdQr, text);
    const outcome = result.kind === 'error' ? result.code : result.kind;
    outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
    return result.kind === 'error' ? isWellFormedError(result, CCCD_ERRORS, 'cccd-qr') : isWellFormedCredential(result);
  };
}

describe('parseCccdQr fuzz', () => {
  it('reads every sample', () => {
    for (const sample of SAMPLES) expect(parseCccdQr(sample).kind).toBe('cccd-qr');
  });

  it(
    `never throws and answers well-formed within the bound: ${FUZZ_RUNS} random inputs`,
    () => {
      const outcomes = new Map<string, number>();
      fc.assert(fc.property(randomText, checker(outcomes)), { numRuns: FUZZ_RUNS });
      expect(totalOf(outcomes)).toBe(FUZZ_RUNS);
      expect(outcomes.get('cccd.field-count')).toBeGreaterThan(0);
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
      expect(outcomes.get('cccd-qr')).toBeGreaterThan(0);
      for (const code of Object.keys(CCCD_ERRORS)) expect(outcomes.get(code) ?? 0, code).toBeGreaterThan(0);
    },
    FUZZ_TIMEOUT_MS,
  );

  it('refuses a 1 MB input in under 5 ms', () => {
    const { ms, code } = measureHugeInput(parseCccdQr, `${SAMPLES[0]}|${'x|'.repeat(512 * 1024)}`);
    expect(code).toBe('cccd.too-long');
    expect(ms).toBeLessThan(5);
    expect((parseCccdQr('|'.repeat(1024 * 1024)) as ParseError).code).toBe('cccd.too-long');
  });
});
