import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CertLogicDateTime, compile, evaluate, validate } from '../../../../../domain/rules/certlogic/index.js';
import { resolvePointer } from './json-pointer.js';

/**
 * Properties over random expressions and data: evaluation never throws and always answers
 * within a bound; validation problems always point at what they report; date-times compare
 * as instants whatever offset they were written in.
 *
 * The expressions are mostly CertLogic-shaped (known operators, plausible operand counts,
 * real and broken dates, paths that hit the data) so that most runs get past validation and
 * exercise evaluation; the rest are arbitrary JSON.
 */

const RUNS = 100_000;
const PER_CALL_BOUND_MS = 250;
const TIMEOUT_MS = 180_000;

const OPERATORS = [
  'if',
  'and',
  '===',
  '<',
  '>',
  '<=',
  '>=',
  'in',
  '+',
  '!',
  'after',
  'before',
  'not-after',
  'not-before',
  'reduce',
  'extractFromUVCI',
  'dccDateOfBirth',
  'plusTime',
  '!!',
  'or',
  'var',
];
const PATHS = [
  '',
  'x',
  'y',
  'n',
  'd',
  'a',
  'a.0',
  'a.1',
  'a.0.d',
  'current',
  'accumulator',
  'current.d',
  'payload.v.0.dt',
  'payload.v',
  '0',
  '1',
  'x.y.z',
  'a.-1',
];

const dateText = fc.oneof(
  fc.constantFrom(
    '2021-10-01',
    '2004',
    '2004-02',
    '2021-10-01T00:00:00+07:00',
    '2021-06-02T15:59:59.999999Z',
    '2021-02-29',
    '2021-10-01T08:00:00+7',
    'not a date',
    '',
  ),
  fc.date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString()),
);
const scalar = fc.oneof(fc.integer({ min: -5, max: 5 }), fc.integer(), fc.boolean(), fc.string({ maxLength: 6 }), dateText, fc.double(), fc.constant(null));

const { expr } = fc.letrec<{ expr: unknown; operation: unknown }>((tie) => ({
  expr: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalar,
    fc.constantFrom(...PATHS).map((path) => ({ var: path })),
    tie('operation'),
    fc.array(tie('expr'), { maxLength: 3 }),
  ),
  operation: fc.oneof(
    fc.tuple(fc.constantFrom(...OPERATORS), fc.array(tie('expr'), { maxLength: 4 })).map(([operator, operands]) => ({ [operator]: operands })),
    fc
      .tuple(tie('expr'), fc.oneof(fc.integer({ min: -400, max: 400 }), fc.integer(), scalar), fc.constantFrom('year', 'month', 'day', 'hour', 'week'))
      .map((operands) => ({ plusTime: operands })),
    fc.tuple(fc.constantFrom(...OPERATORS), scalar).map(([operator, operand]) => ({ [operator]: operand })),
  ),
}));

const jsonish = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  dateText,
  fc.array(fc.oneof(fc.integer({ min: -3, max: 3 }), dateText, fc.record({ d: dateText })), { maxLength: 5 }),
);
const data = fc.oneof(
  fc.record(
    {
      x: jsonish,
      y: jsonish,
      n: fc.integer(),
      d: dateText,
      a: fc.array(jsonish, { maxLength: 4 }),
      payload: fc.record({ v: fc.array(fc.record({ dt: dateText }), { maxLength: 3 }) }),
    },
    { requiredKeys: [] },
  ),
  fc.jsonValue({ maxDepth: 3 }),
);

describe('CertLogic properties', () => {
  it(
    `never throws and answers within ${PER_CALL_BOUND_MS} ms (${RUNS} random expressions over random data)`,
    () => {
      let slowest = 0;
      fc.assert(
        fc.property(fc.oneof({ weight: 4, arbitrary: expr }, { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 4 }) }), data, (expression, context) => {
          const start = performance.now();
          const result = evaluate(expression, context);
          const elapsed = performance.now() - start;
          slowest = Math.max(slowest, elapsed);
          if (elapsed > PER_CALL_BOUND_MS) return false;
          return result.ok ? result.value !== undefined : typeof result.error.message === 'string' && typeof result.error.path === 'string';
        }),
        { numRuns: RUNS },
      );
      expect(slowest).toBeLessThan(PER_CALL_BOUND_MS);
    },
    TIMEOUT_MS,
  );

  it('a valid expression evaluates the same through compile and evaluate', () => {
    fc.assert(
      fc.property(expr, data, (expression, context) => {
        const compiled = compile(expression);
        if (!compiled.ok) return true;
        expect(compiled.compiled.evaluate(context)).toStrictEqual(evaluate(expression, context));
        return true;
      }),
      { numRuns: 5_000 },
    );
  });

  it('every validation problem points at the sub-expression it reports', () => {
    fc.assert(
      fc.property(fc.oneof(expr, fc.jsonValue({ maxDepth: 4 })), (expression) => {
        for (const issue of validate(expression)) {
          expect(resolvePointer(expression, issue.path)).toStrictEqual({ found: true, value: issue.expr });
        }
      }),
      { numRuns: 10_000 },
    );
  });

  it('date-times compare as instants, whatever offset they are written in', () => {
    const instant = fc.integer({ min: Date.parse('1950-01-01T00:00:00Z'), max: Date.parse('2100-01-01T00:00:00Z') });
    const offset = fc.integer({ min: -23 * 60 - 59, max: 23 * 60 + 59 });
    const written = (epochMs: number, offsetMinutes: number): string => new CertLogicDateTime(epochMs, offsetMinutes).toISOString();
    fc.assert(
      fc.property(instant, instant, offset, offset, fc.integer({ min: -1000, max: 1000 }), (a, b, offsetA, offsetB, days) => {
        const expression = (operator: string) => ({ [operator]: [{ plusTime: [{ var: 'a' }, days, 'day'] }, { plusTime: [{ var: 'b' }, 0, 'hour'] }] });
        const context = { a: written(a, offsetA), b: written(b, offsetB) };
        const shifted = a + days * 86_400_000;
        expect(evaluate(expression('before'), context)).toStrictEqual({ ok: true, value: shifted < b });
        expect(evaluate(expression('not-after'), context)).toStrictEqual({ ok: true, value: shifted <= b });
        expect(evaluate(expression('after'), { a: written(b, offsetB), b: written(b, offsetA) })).toStrictEqual({ ok: true, value: days > 0 });
      }),
      { numRuns: 2_000 },
    );
  });
});
