import { describe, expect, it } from 'vitest';
import { CertLogicDateTime, compile, evaluate, MAX_DEPTH, type EvaluationResult } from '../../../../../domain/rules/certlogic/index.js';

/** Our own cases for the points the official suite leaves thin: time zones, truthiness, errors. */

const plus = (date: unknown, amount: number, unit: string) => ({ plusTime: [date, amount, unit] });
const v = (path: string) => ({ var: path });

function valueOf(result: EvaluationResult): unknown {
  if (!result.ok) throw new Error(`expected a value, got ${result.error.kind} at ${result.error.path}: ${result.error.message}`);
  return result.value;
}

function isoOf(expression: unknown, data: unknown = null): string {
  const value = valueOf(evaluate(expression, data));
  if (!(value instanceof CertLogicDateTime)) throw new Error('expected a date-time');
  return value.toISOString();
}

describe('date-times across time zones (Vietnam is UTC+7, no DST)', () => {
  const scan = '2021-10-14T17:00:00Z'; // = 2021-10-15T00:00:00+07:00
  it.each([
    ['not-after', true],
    ['not-before', true],
    ['after', false],
    ['before', false],
  ])('2021-10-01T00:00:00+07:00 plusTime 14 day %s %s: instants compare, not strings', (operator, expected) => {
    const expression = { [operator]: [plus(v('dose'), 14, 'day'), plus(v('scan'), 0, 'day')] };
    expect(evaluate(expression, { dose: '2021-10-01T00:00:00+07:00', scan })).toStrictEqual({ ok: true, value: expected });
  });

  it('keeps the written offset for display, and compares the instant', () => {
    expect(isoOf(plus('2021-10-01T00:00:00+07:00', 14, 'day'))).toBe('2021-10-15T00:00:00.000+07:00');
    expect(isoOf(plus('2021-10-14T17:00:00Z', 0, 'hour'))).toBe('2021-10-14T17:00:00.000Z');
    expect(JSON.stringify(valueOf(evaluate(plus('2021-10-01T08:30:00-03:30', 1, 'hour'), null)))).toBe('"2021-10-01T09:30:00.000-03:30"');
  });

  it('reads a date without time as midnight UTC (07:00 in Vietnam), as the spec says', () => {
    const expression = { 'not-after': [plus(v('dose'), 14, 'day'), plus(v('scan'), 0, 'day')] };
    expect(valueOf(evaluate(expression, { dose: '2021-10-01', scan: '2021-10-15T06:59:59+07:00' }))).toBe(false);
    expect(valueOf(evaluate(expression, { dose: '2021-10-01', scan: '2021-10-15T07:00:00+07:00' }))).toBe(true);
  });

  it('adds months and years on the UTC calendar (setUTCMonth), as the spec prescribes', () => {
    // 03:00 in Vietnam on 1 March is still 28 February in UTC: one month later is 28 March UTC.
    expect(isoOf(plus('2021-03-01T03:00:00+07:00', 1, 'month'))).toBe('2021-03-29T03:00:00.000+07:00');
    expect(isoOf(plus('2021-03-01T12:00:00+07:00', 1, 'month'))).toBe('2021-04-01T12:00:00.000+07:00');
  });

  it.each([
    ['2020-02-29', 1, 'day', '2020-03-01T00:00:00.000Z'],
    ['2020-02-29', 1, 'month', '2020-03-29T00:00:00.000Z'],
    ['2020-02-29', 1, 'year', '2021-03-01T00:00:00.000Z'],
    ['2021-01-31', 1, 'month', '2021-03-03T00:00:00.000Z'],
    ['2021-03-28T00:30:00+01:00', 24, 'hour', '2021-03-29T00:30:00.000+01:00'],
    ['2021-06-01T00:00:00+00:00', 40, 'hour', '2021-06-02T16:00:00.000Z'],
    ['2004', 18, 'year', '2022-12-31T00:00:00.000Z'],
    ['2004-02', 0, 'day', '2004-02-29T00:00:00.000Z'],
    ['2021-10-01T00:00:00', -1, 'day', '2021-09-30T00:00:00.000Z'],
  ])('plusTime(%s, %i, %s) = %s (leap days as in the spec table)', (date, amount, unit, expected) => {
    expect(isoOf(plus(date, amount, unit))).toBe(expected);
  });

  it.each([
    ['2021-10-01T08:00:00+7', '2021-10-01T01:00:00.000Z'],
    ['2021-10-01T08:00:00+07', '2021-10-01T01:00:00.000Z'],
    ['2021-10-01T08:00:00+700', '2021-10-01T01:00:00.000Z'],
    ['2021-10-01T08:00:00+0700', '2021-10-01T01:00:00.000Z'],
    ['2021-10-01T08:00:00+7:00', '2021-10-01T01:00:00.000Z'],
    ['2021-10-01T08:00:00.5+07:00', '2021-10-01T01:00:00.500Z'],
    ['2021-10-01T08:00:00.123999Z', '2021-10-01T08:00:00.123Z'],
    ['2021-10-01T08:00:00-0230', '2021-10-01T10:30:00.000Z'],
    ['2021-10-01T08:00:00-00:00', '2021-10-01T08:00:00.000Z'],
    ['0000-03-01T00:00:00Z', '0000-03-01T00:00:00.000Z'],
    ['0099-12-31', '0099-12-31T00:00:00.000Z'],
  ])('parses %s as the instant %s (all offset forms; decimals cut to ms)', (text, utc) => {
    const value = valueOf(evaluate(plus(v(''), 0, 'day'), text));
    expect(new Date((value as CertLogicDateTime).epochMs).toISOString()).toBe(utc);
  });

  it.each([
    '2021-02-29',
    '2021-13',
    '2021-01-01T24:00:00Z',
    '2021-01-01T10:00Z',
    '2021-01-01T10:00:00+25:00',
    '2021-01-01T10:00:00+070',
    '2021-01-01T10:00:00.',
    '2021-01-01T10:00:00z',
    '2021-01-01T10:00:00Z ',
    '2021-01-01 10:00:00Z',
    '2021-1-01',
    '',
    ' 2021-01-01',
  ])('reports %j as an evaluation error, not a guess', (text) => {
    const result = evaluate({ 'not-before': [plus(v('d'), 0, 'day'), plus('2000-01-01', 0, 'day')] }, { d: text });
    expect(result).toMatchObject({ ok: false, error: { kind: 'evaluation', path: '/not-before/0/plusTime/0' } });
  });

  it('dccDateOfBirth takes the last day consistent with a partial date', () => {
    expect(isoOf({ dccDateOfBirth: ['2004'] })).toBe('2004-12-31T00:00:00.000Z');
    expect(isoOf({ dccDateOfBirth: ['2000-02'] })).toBe('2000-02-29T00:00:00.000Z');
    expect(isoOf({ dccDateOfBirth: ['1900-02'] })).toBe('1900-02-28T00:00:00.000Z');
    expect(evaluate({ dccDateOfBirth: [v('dob')] }, { dob: '2004-02-30' })).toMatchObject({ ok: false, error: { path: '/dccDateOfBirth/0' } });
  });

  it('ternary date comparison is "between", inclusive for not-after', () => {
    const expression = { 'not-after': [plus(v('dt'), 14, 'day'), plus(v('now'), 0, 'day'), plus(v('dt'), 365, 'day')] };
    expect(valueOf(evaluate(expression, { dt: '2021-05-01', now: '2021-05-15T00:00:00+00:00' }))).toBe(true);
    expect(valueOf(evaluate(expression, { dt: '2021-05-01', now: '2021-05-15T06:59:59+07:00' }))).toBe(false);
  });
});

describe('truthiness (spec 1.3.3: narrower than JavaScript, and some values are neither)', () => {
  it.each([
    [[], 'F'],
    [{}, 'F'],
    [[0], 'T'],
    [{ a: null }, 'T'],
    ['', 'F'],
    ['0', 'T'],
    [0, 'F'],
    [-1, 'T'],
    [null, 'F'],
    [false, 'F'],
  ])('if %j → %s', (guard, expected) => {
    expect(evaluate({ if: [v(''), 'T', 'F'] }, guard)).toStrictEqual({ ok: true, value: expected });
  });

  it.each([[1.5], [-0.25]])('a non-integer number (%s) is neither: error at the guard', (guard) => {
    expect(evaluate({ if: [v(''), 'T', 'F'] }, guard)).toMatchObject({ ok: false, error: { kind: 'evaluation', path: '/if/0' } });
    expect(evaluate({ '!': [v('')] }, guard)).toMatchObject({ ok: false, error: { path: '/!/0' } });
  });

  it('a date-time is neither truthy nor falsy, in every operation that needs one', () => {
    const dateTime = plus(v('d'), 0, 'day');
    const data = { d: '2021-01-01' };
    expect(evaluate({ if: [{ if: [true, dateTime, 0] }, 1, 2] }, data)).toMatchObject({ ok: false, error: { path: '/if/0' } });
    expect(evaluate({ and: [true, { if: [true, dateTime, 0] }] }, data)).toMatchObject({ ok: false, error: { path: '/and/1' } });
  });

  it('and: first falsy operand, else the last; lazily', () => {
    expect(valueOf(evaluate({ and: [v('a'), v('b')] }, { a: [], b: 'never read' }))).toStrictEqual([]);
    expect(valueOf(evaluate({ and: [v('a'), v('b')] }, { a: 1, b: { k: 1 } }))).toStrictEqual({ k: 1 });
    // The second operand would fail (no date); it is never evaluated.
    const failing = { after: [plus(v('missing'), 0, 'day'), plus('2000-01-01', 0, 'day')] };
    expect(valueOf(evaluate({ and: [v('a'), failing] }, { a: {} }))).toStrictEqual({});
    expect(evaluate({ and: [v('a'), failing] }, { a: 1 })).toMatchObject({ ok: false, error: { path: '/and/1/after/0/plusTime/0' } });
  });
});

describe('comparisons', () => {
  it.each([
    [{ '<': [1, 2, 3] }, true],
    [{ '<': [1, 2, 2] }, false],
    [{ '<=': [1, 1, 1] }, true],
    [{ '>': [3, 2, 1] }, true],
    [{ '>=': [3, 3, 4] }, false],
    [{ '<=': [0, v('n'), 10] }, true],
  ])('%j → %s', (expression, expected) => {
    expect(evaluate(expression, { n: 10 })).toStrictEqual({ ok: true, value: expected });
  });

  it('evaluates every operand and reports the first that is no integer, by path', () => {
    expect(evaluate({ '<': [1, v('s'), 3] }, { s: '2' })).toMatchObject({ ok: false, error: { path: '/</1' } });
    expect(evaluate({ '<': [1, 2, v('x')] }, { x: null })).toMatchObject({ ok: false, error: { path: '/</2' } });
    expect(evaluate({ after: [plus('2021-01-01', 0, 'day'), v('s')] }, { s: '2021-01-01' })).toMatchObject({ ok: false, error: { path: '/after/1' } });
  });
});

describe('var', () => {
  const data = { a: [{ b: 1 }, [10, 20]], s: 'abc', o: { '0': 'zero', 'k.j': 1 } };
  it.each([
    ['a.0.b', 1],
    ['a.1.1', 20],
    ['a.01.0', 10],
    ['a.2', null],
    ['a.-1', null],
    ['a.length', null],
    ['a.0.b.c', null],
    ['s.0', null],
    ['s.length', null],
    ['o.0', 'zero'],
    ['constructor', null],
    ['__proto__', null],
    ['o.toString', null],
    ['missing.deeper.still', null],
  ])('%s → %j', (path, expected) => {
    expect(evaluate(v(path), data)).toStrictEqual({ ok: true, value: expected });
  });

  it('"" is the whole data context, and undefined data reads as null', () => {
    expect(valueOf(evaluate(v(''), data))).toBe(data);
    expect(valueOf(evaluate(v('x'), undefined))).toBeNull();
    expect(valueOf(evaluate(v(''), undefined))).toBeNull();
  });

  it('has no default-value form (not allowed by the spec)', () => {
    expect(evaluate({ var: ['x', 0] }, {})).toMatchObject({ ok: false, error: { kind: 'invalid-expression', path: '' } });
  });
});

describe('in, ===, +, reduce, extractFromUVCI', () => {
  it('in: a member test on an array; anything else on the right is an error', () => {
    expect(valueOf(evaluate({ in: [v('x'), ['a', 'b']] }, { x: 'a' }))).toBe(true);
    expect(valueOf(evaluate({ in: [v('x'), ['a', 'b']] }, { x: ['a'] }))).toBe(false);
    expect(valueOf(evaluate({ in: [v('x'), v('y')] }, { x: 1, y: [[1], 1] }))).toBe(true);
    expect(evaluate({ in: [v('x'), v('y')] }, { x: 'a', y: null })).toMatchObject({ ok: false, error: { kind: 'evaluation', path: '/in/1' } });
    expect(evaluate({ in: [v('x'), v('y')] }, { x: 'a', y: 'abc' })).toMatchObject({ ok: false, error: { path: '/in/1' } });
  });

  it('===: primitives without coercion; two arrays or objects have no reliable answer, so error', () => {
    expect(valueOf(evaluate({ '===': [v('x'), 1] }, { x: '1' }))).toBe(false);
    expect(valueOf(evaluate({ '===': [v('x'), v('y')] }, {}))).toBe(true);
    expect(valueOf(evaluate({ '===': [v('x'), 'a'] }, { x: ['a'] }))).toBe(false);
    expect(evaluate({ '===': [v('x'), v('x')] }, { x: { a: 1 } })).toMatchObject({ ok: false, error: { path: '' } });
  });

  it('+: integers only', () => {
    expect(valueOf(evaluate({ '+': [v('x'), 2] }, { x: -3 }))).toBe(-1);
    expect(evaluate({ '+': [v('x'), 2] }, { x: '1' })).toMatchObject({ ok: false, error: { path: '/+/0' } });
  });

  it('reduce: a left fold; null gives the initial value; the lambda sees current and accumulator only', () => {
    const count = { reduce: [v('xs'), { '+': [v('accumulator'), { if: [v('current.ok'), 1, 0] }] }, 0] };
    expect(valueOf(evaluate(count, { xs: [{ ok: true }, { ok: false }, { ok: 1 }] }))).toBe(2);
    expect(valueOf(evaluate(count, { xs: null }))).toBe(0);
    expect(valueOf(evaluate(count, {}))).toBe(0);
    expect(evaluate(count, { xs: 'abc' })).toMatchObject({ ok: false, error: { path: '/reduce/0' } });
    expect(valueOf(evaluate({ reduce: [v('xs'), v('data'), 'none'] }, { xs: [1], data: 'outer' }))).toBeNull();
  });

  it('reduce over huge data is bounded by a step budget', () => {
    const xs = Array.from({ length: 1000 }, (_, i) => i);
    const nested = { reduce: [v('xs'), { reduce: [v('current.xs'), { '+': [v('accumulator'), 1] }, v('accumulator')] }, 0] };
    const data = { xs: xs.map(() => ({ xs })) };
    expect(evaluate(nested, data, { maxSteps: 1e9 })).toStrictEqual({ ok: true, value: 1_000_000 });
    expect(evaluate(nested, data)).toMatchObject({ ok: false, error: { kind: 'evaluation', message: expect.stringContaining('budget') } });
  });

  it('extractFromUVCI: string or null; anything else is an error', () => {
    expect(valueOf(evaluate({ extractFromUVCI: [v('u'), 1] }, { u: 'URN:UVCI:01:VN:ABC#X' }))).toBe('VN');
    expect(valueOf(evaluate({ extractFromUVCI: [v('u'), 1] }, {}))).toBeNull();
    expect(evaluate({ extractFromUVCI: [v('u'), 1] }, { u: 7 })).toMatchObject({ ok: false, error: { path: '/extractFromUVCI/0' } });
  });
});

describe('errors and limits: never a throw', () => {
  it('names the sub-expression at fault by JSON Pointer', () => {
    const expression = { if: [true, { and: [true, { after: [plus(v('dt'), 14, 'day'), plus('2021-10-01', 0, 'day')] }] }, false] };
    expect(evaluate(expression, { dt: 20211001 })).toMatchObject({ ok: false, error: { kind: 'evaluation', path: '/if/1/and/1/after/0/plusTime/0' } });
  });

  it('keeps personal data out of error messages', () => {
    const result = evaluate({ dccDateOfBirth: [v('dob')] }, { dob: 'Nguyễn Văn An 1989' });
    expect(result.ok).toBe(false);
    expect(JSON.stringify(result)).not.toContain('Nguy');
  });

  it('rejects an invalid expression before reading any data', () => {
    let reads = 0;
    const data = {
      get x() {
        reads++;
        return 1;
      },
    };
    expect(evaluate({ and: [v('x'), { or: [1, 2] }] }, data)).toMatchObject({
      ok: false,
      error: { kind: 'invalid-expression', message: 'unrecognised operator: "or"', path: '/and/1' },
    });
    expect(reads).toBe(0);
  });

  it.each([
    [1, true],
    [0, false],
    ['x', true],
    ['', false],
    [[], false],
    [[0], true],
  ])('"!!" (a Chốt extension, as in JsonLogic) gives the truthiness of %j: %s', (value, expected) => {
    expect(evaluate({ '!!': [v('x')] }, { x: value })).toEqual({ ok: true, value: expected });
  });

  it('"!!" of a value that is neither truthy nor falsy is an evaluation error', () => {
    expect(evaluate({ '!!': [v('x')] }, { x: 1.5 })).toMatchObject({ ok: false, error: { kind: 'evaluation' } });
  });

  it(`bounds nesting at ${MAX_DEPTH} levels`, () => {
    const nest = (levels: number): unknown => (levels === 0 ? true : { '!': [nest(levels - 1)] });
    expect(evaluate(nest(MAX_DEPTH), {})).toStrictEqual({ ok: true, value: true });
    expect(evaluate(nest(MAX_DEPTH + 1), {})).toMatchObject({ ok: false, error: { kind: 'invalid-expression', message: expect.stringContaining('nested') } });
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(evaluate(deep, {})).toMatchObject({ ok: false, error: { kind: 'invalid-expression' } });
  });

  it('survives hostile data and expressions', () => {
    const throwing = {
      get x(): never {
        throw new Error('boom');
      },
    };
    expect(evaluate(v('x'), throwing)).toMatchObject({ ok: false, error: { kind: 'evaluation', message: expect.stringContaining('boom') } });
    const proxy = new Proxy(
      {},
      {
        ownKeys: () => {
          throw new Error('no keys');
        },
      },
    );
    expect(evaluate(proxy, {})).toMatchObject({ ok: false, error: { kind: 'invalid-expression' } });
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;
    expect(valueOf(evaluate(v('self.self.self'), cyclic))).toBe(cyclic);
    const cyclicExpression: Record<string, unknown[]> = { '!': [] };
    cyclicExpression['!']?.push(cyclicExpression);
    expect(evaluate(cyclicExpression, {})).toMatchObject({ ok: false, error: { kind: 'invalid-expression' } });
  });
});

describe('compile', () => {
  it('compiles once and evaluates many times; the expression object is not kept', () => {
    const expression = { in: [v('x'), ['a', 'b']] };
    const compiled = compile(expression);
    if (!compiled.ok) throw new Error('expected to compile');
    expression.in[1] = ['c'];
    expect(compiled.compiled.evaluate({ x: 'a' })).toStrictEqual({ ok: true, value: true });
    expect(compiled.compiled.evaluate({ x: 'c' })).toStrictEqual({ ok: true, value: false });
  });

  it('returns every problem of an invalid expression', () => {
    const compiled = compile({ and: [{ '+': ['a', 1] }, { plusTime: [v('d'), 1.5, 'week'] }] });
    expect(compiled.ok).toBe(false);
    expect(compiled.ok ? [] : compiled.problems.map((p) => p.path)).toStrictEqual(['/and/0/+/0', '/and/1/plusTime/1', '/and/1/plusTime/2', '/and/1']);
  });

  it('a literal array result cannot be changed by the caller', () => {
    const compiled = compile(['a', 1]);
    if (!compiled.ok) throw new Error('expected to compile');
    const first = compiled.compiled.evaluate(null);
    expect(() => (first.ok ? (first.value as unknown[]).push(2) : 0)).toThrow(TypeError);
    expect(compiled.compiled.evaluate(null)).toStrictEqual({ ok: true, value: ['a', 1] });
  });
});
