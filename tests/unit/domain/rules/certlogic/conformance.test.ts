import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluate, validate } from '../../../../../domain/rules/certlogic/index.js';
import { resolvePointer } from './json-pointer.js';
import { repoRoot } from '../../../../support/kiosk-process.js';

/**
 * The official CertLogic conformance suites (../shared/test-data/certlogic, spec 1.3.3):
 * every evaluation assertion and every validation case is one test.
 *
 * Directives, as the suites' JSON schemas and the reference runners define them: `skip` on a
 * suite, case or assertion skips it; `only` on a suite or case runs just the focused ones
 * (none of the shipped files uses it); `only` on an assertion is not supported by the
 * reference runners and is ignored. Nothing else is skipped. The suites express no expected
 * errors: every assertion expects a value.
 */

type Directive = 'skip' | 'only' | undefined;
interface Assertion {
  readonly data: unknown;
  readonly expected: unknown;
  readonly directive?: Directive;
  readonly certLogicExpression?: unknown;
  readonly message?: string;
}
interface TestCase {
  readonly name: string;
  readonly directive?: Directive;
  readonly certLogicExpression?: unknown;
  readonly assertions: readonly Assertion[];
}
interface TestSuite {
  readonly name: string;
  readonly directive?: Directive;
  readonly cases: readonly TestCase[];
}
interface ValidationCase {
  readonly name?: string;
  readonly directive?: Directive;
  readonly certLogicExpression: unknown;
  readonly issues: readonly { readonly expr: unknown; readonly message: string }[];
}
interface ValidationSuite {
  readonly name: string;
  readonly directive?: Directive;
  readonly cases: readonly ValidationCase[];
}

const root = repoRoot();
const certlogicDir = join(root, '..', 'shared', 'test-data', 'certlogic');
const evaluationDir = join(certlogicDir, 'testSuite');
const validationDir = join(certlogicDir, 'validation-testSuite');
const available = existsSync(evaluationDir) && existsSync(validationDir);

if (!available) {
  process.stderr.write(`CertLogic conformance: skipped, ${certlogicDir} is absent (the shared test data is not checked out beside the project)\n`);
}

function readSuites<T>(dir: string): { file: string; suite: T }[] {
  if (!available) return [];
  return readdirSync(dir)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => ({ file, suite: JSON.parse(readFileSync(join(dir, file), 'utf8')) as T }));
}

const evaluationSuites = readSuites<TestSuite>(evaluationDir);
const validationSuites = readSuites<ValidationSuite>(validationDir);

/** Why a test is skipped, or null to run it. */
function skipReason(directives: readonly Directive[], focusing: boolean, focused: boolean): string | null {
  if (directives.includes('skip')) return 'skipped by the suite\'s "skip" directive';
  if (focusing && !focused) return 'not focused (another suite or case says "only")';
  return null;
}

interface Row {
  readonly title: string;
  readonly skip: string | null;
  readonly expression: unknown;
  readonly assertion: Assertion;
}

const evaluationFocusing = evaluationSuites.some(({ suite }) => suite.directive === 'only' || suite.cases.some((c) => c.directive === 'only'));
const evaluationRows: Row[] = evaluationSuites.flatMap(({ file, suite }) =>
  suite.cases.flatMap((testCase) =>
    testCase.assertions.map((assertion, index) => {
      const focused = suite.directive === 'only' || testCase.directive === 'only';
      const skip = skipReason([suite.directive, testCase.directive, assertion.directive], evaluationFocusing, focused);
      const note = assertion.message === undefined ? '' : ` (${assertion.message})`;
      return {
        title: `${file} — ${suite.name} — ${testCase.name} — assertion #${index + 1}${note}${skip === null ? '' : ` — ${skip}`}`,
        skip,
        // An assertion may carry its own expression; otherwise its case's applies.
        expression: 'certLogicExpression' in assertion ? assertion.certLogicExpression : testCase.certLogicExpression,
        assertion,
      };
    }),
  ),
);

const validationFocusing = validationSuites.some(({ suite }) => suite.directive === 'only' || suite.cases.some((c) => c.directive === 'only'));
const validationRows = validationSuites.flatMap(({ file, suite }) =>
  suite.cases.map((testCase, index) => {
    const focused = suite.directive === 'only' || testCase.directive === 'only';
    const skip = skipReason([suite.directive, testCase.directive], validationFocusing, focused);
    const name = testCase.name ?? JSON.stringify(testCase.certLogicExpression);
    return { title: `${file} — ${suite.name} — case #${index + 1} ${name}${skip === null ? '' : ` — ${skip}`}`, skip, testCase };
  }),
);

describe.skipIf(!available)('CertLogic conformance (../shared/test-data/certlogic)', () => {
  it('finds the suites', () => {
    expect(evaluationRows.length).toBeGreaterThan(0);
    expect(validationRows.length).toBeGreaterThan(0);
    expect(evaluationRows.every((row) => row.expression !== undefined)).toBe(true);
  });

  describe('evaluation (testSuite/)', () => {
    const run = evaluationRows.filter((row) => row.skip === null);
    const skipped = evaluationRows.filter((row) => row.skip !== null);
    it.each(run.map((row) => [row.title, row] as const))('%s', (_title, { expression, assertion }) => {
      // As the reference runners do: the expression must also pass static validation.
      expect(validate(expression)).toEqual([]);
      expect(evaluate(expression, assertion.data)).toStrictEqual({ ok: true, value: assertion.expected });
    });
    it.skip.each(skipped.map((row) => [row.title] as const))('%s', () => {});
  });

  describe('validation (validation-testSuite/)', () => {
    const run = validationRows.filter((row) => row.skip === null);
    const skipped = validationRows.filter((row) => row.skip !== null);
    it.each(run.map((row) => [row.title, row.testCase] as const))('%s', (_title, testCase) => {
      const issues = validate(testCase.certLogicExpression);
      expect(issues.map(({ expr, message }) => ({ expr, message }))).toStrictEqual(testCase.issues);
      // Our own addition: each issue's JSON Pointer leads to the expression it reports.
      for (const issue of issues) expect(resolvePointer(testCase.certLogicExpression, issue.path)).toStrictEqual({ found: true, value: issue.expr });
    });
    it.skip.each(skipped.map((row) => [row.title] as const))('%s', () => {});
  });
});
