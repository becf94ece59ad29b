import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ManualCredential } from '../../../../domain/credentials/credential.js';
import { MANUAL_ERRORS, parseManualEntry } from '../../../../domain/credentials/manual-entry.js';
import { FUZZ_RUNS, FUZZ_TIMEOUT_MS, isWellFormedError, measureHugeInput, mutationsOf, randomText, timedCall, totalOf } from './fuzz-inputs.js';

const SAMPLES = ['056089001234', '225123456', '056 089 001 234', ' 001399000001 ', '096 2000 00001'];

function isWellFormedCredential(result: ManualCredential): boolean {
  const { id12, oldId9 } = result.identifiers;
  return (
    result.kind === 'manual' &&
    result.authenticity === 'manual' &&
    // Exactly one identifier, of the right shape.
    (id12 === undefined) !== (oldId9 === undefined) &&
    (id12 === undefined || /^\d{12}$/.test(id12)) &&
    (oldId9 === undefined || /^\d{9}$/.test(oldId9)) &&
    result.problems.length === 0
  );
}

function checker(outcomes: Map<string, number>) {
  return (text: string): boolean => {
    const result = timedCall(parseManualEntry, text);
    const outcome = result.kind === 'error' ? result.code : result.kind;
    outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
    return result.kind === 'error' ? isWellFormedError(result, MANUAL_ERRORS, 'manual') : isWellFormedCredential(result);
  };
}

describe('parseManualEntry fuzz', () => {
  it('reads every sample', () => {
    for (const sample of SAMPLES) expect(parseManualEntry(sample).kind).toBe('manual');
  });

  it(
    `never throws and answers well-formed within the bound: ${FUZZ_RUNS} random inputs`,
    () => {
      const outcomes = new Map<string, number>();
      fc.assert(fc.property(randomText, checker(outcomes)), { numRuns: FUZZ_RUNS });
      expect(totalOf(outcomes)).toBe(FUZZ_RUNS);
      expect(outcomes.get('manual.format')).toBeGreaterThan(0);
    },
    FUZZ_TIMEOUT_MS,
  );

  it(
    `never throws and answers well-formed within the bound: ${FUZZ_RUNS} mutated entries`,
    () => {
      const outcomes = new Map<string, number>();
      fc.assert(fc.property(mutationsOf(SAMPLES), checker(outcomes)), { numRuns: FUZZ_RUNS });
      expect(totalOf(outcomes)).toBe(FUZZ_RUNS);
      for (const code of ['manual', ...Object.keys(MANUAL_ERRORS)]) expect(outcomes.get(code) ?? 0, code).toBeGreaterThan(0);
    },
    FUZZ_TIMEOUT_MS,
  );

  it('refuses a 1 MB input in under 5 ms', () => {
    const { ms, code } = measureHugeInput(parseManualEntry, '1'.repeat(1024 * 1024));
    expect(code).toBe('manual.too-long');
    expect(ms).toBeLessThan(5);
  });
});
