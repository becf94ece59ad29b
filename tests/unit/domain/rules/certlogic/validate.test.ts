import { describe, expect, it } from 'vitest';
import { MAX_NODES, validate } from '../../../../../domain/rules/certlogic/index.js';
import { pointerToken } from '../../../../../domain/rules/certlogic/validate.js';
import { resolvePointer } from './json-pointer.js';

/** Static validation beyond the official suite: paths, arity, and operand kinds known before any data. */

const v = (path: string) => ({ var: path });
const plus = (date: unknown, amount: unknown, unit: unknown) => ({ plusTime: [date, amount, unit] });

describe('validate', () => {
  it.each<[string, unknown, readonly (readonly [string, string])[]]>([
    [
      'a realistic rule',
      {
        if: [
          v('payload.v.0'),
          { and: [{ '>=': [v('payload.v.0.dn'), 2] }, { 'not-after': [plus(v('payload.v.0.dt'), 14, 'day'), plus(v('external.validationClock'), 0, 'day')] }] },
          false,
        ],
      },
      [],
    ],
    ['a non-integer literal deep inside', { if: [true, { '===': [3.5, 1] }, 0] }, [['/if/1/===/0', '3.5 is a non-integer number']]],
    ['a null literal', { in: [null, ['a']] }, [['/in/0', 'invalid CertLogic expression']]],
    ['"!!" (a Chốt extension) with one operand', { '!!': [v('x')] }, []],
    ['"!!" with two operands', { '!!': [v('x'), 1] }, [['', 'a !!-operation (logical double negation) must have exactly 1 operand, but it has 2']]],
    ['"or", which CertLogic does not have', { or: [true, false] }, [['', 'unrecognised operator: "or"']]],
    ['"var" with a default', { var: ['x', 0] }, [['', 'not of the form { "var": "<path>" }']]],
    ['"var" with an empty fragment', { if: [v('a..b'), 1, 2] }, [['/if/0', "data access path doesn't have a valid format: a..b"]]],
    ['"if" with two operands', { if: [true, 1] }, [['', 'an "if"-operation must have exactly 3 values/operands, but it has 2']]],
    ['"and" with one operand', { and: [true] }, [['', 'an "and" operation must have at least 2 operands, but it has 1']]],
    ['a comparison with four operands', { '<': [1, 2, 3, 4] }, [['', 'an operation with operator "<" must have 2 or 3 operands, but it has 4']]],
    ['"===" with three operands', { '===': [1, 2, 3] }, [['', 'an operation with operator "===" must have 2 operands, but it has 3']]],
    ['"!" with two operands', { '!': [true, false] }, [['', 'a !-operation (logical not/negation) must have exactly 1 operand, but it has 2']]],
    ['"+" on a string literal', { '+': ['a', 1] }, [['/+/0', 'operand #1 of "+" must be an integer, but it can only be a string']]],
    ['"<" on a boolean result', { '<': [{ '!': [true] }, 1] }, [['/</0', 'operand #1 of "<" must be an integer, but it can only be a boolean']]],
    [
      '"after" on a literal',
      { after: [plus(v('d'), 0, 'day'), '2021-01-01'] },
      [['/after/1', 'operand #2 of "after" must be a date-time, but it can only be a string']],
    ],
    ['"in" on a string literal', { in: ['a', 'abc'] }, [['/in/1', 'operand #2 of "in" must be an array, but it can only be a string']]],
    ['"===" on two arrays', { '===': [['a'], ['a']] }, [['', '"===" compares strings, integers, booleans or null, but these operands can only be an array']]],
    [
      'plusTime of a plusTime (invalid per the spec)',
      plus(plus(v('d'), 0, 'day'), 1, 'day'),
      [['/plusTime/0', 'operand #1 of "plusTime" must be a string with a date or date-time, but it can only be a date-time']],
    ],
    ['plusTime of an impossible date', plus('2021-02-29', 0, 'day'), [['/plusTime/0', 'not an allowed date or date-time format: 2021-02-29']]],
    [
      'plusTime with a bad amount and unit',
      plus(v('d'), 1.5, 'week'),
      [
        ['/plusTime/1', '"amount" argument (#2) of "plusTime" must be an integer, but it is: 1.5'],
        ['/plusTime/2', '"unit" argument (#3) of "plusTime" must be a string equal to one of year, month, day, hour, but it is: week'],
      ],
    ],
    [
      'plusTime with a computed amount',
      plus(v('d'), v('n'), 'day'),
      [['/plusTime/1', '"amount" argument (#2) of "plusTime" must be an integer, but it is: {"var":"n"}']],
    ],
    [
      'a date-time as a guard',
      { if: [plus(v('d'), 0, 'day'), 1, 2] },
      [['/if/0', 'operand #1 of "if" must be truthy or falsy, but it can only be a date-time']],
    ],
    [
      'a date-time under "!"',
      { '!': [{ dccDateOfBirth: [v('dob')] }] },
      [['/!/0', 'operand #1 of "!" must be truthy or falsy, but it can only be a date-time']],
    ],
    [
      'reduce over a literal integer',
      { reduce: [5, v('current'), 0] },
      [['/reduce/0', 'operand #1 of "reduce" must be an array or null, but it can only be an integer']],
    ],
    [
      'extractFromUVCI with a string index',
      { extractFromUVCI: [v('u'), '1'] },
      [['/extractFromUVCI/1', '"index" argument (#2) of "extractFromUVCI" must be an integer, but it is: 1']],
    ],
    [
      'extractFromUVCI of an integer',
      { extractFromUVCI: [5, 1] },
      [['/extractFromUVCI/0', 'operand #1 of "extractFromUVCI" must be a string or null, but it can only be an integer']],
    ],
    ['dccDateOfBirth of an impossible month', { dccDateOfBirth: ['2004-13'] }, [['/dccDateOfBirth/0', 'can\'t parse "2004-13" as an EU DCC date-of-birth']]],
    [
      'dccDateOfBirth with two operands',
      { dccDateOfBirth: ['2004', '2005'] },
      [['', 'a "dccDateOfBirth"-operation must have exactly 1 operand, but it has 2']],
    ],
    [
      'an if whose branches may be a date-time is fine as an operand',
      { after: [{ if: [v('x'), plus(v('a'), 0, 'day'), plus(v('b'), 0, 'day')] }, plus(v('c'), 0, 'day')] },
      [],
    ],
    ['undefined in an array', [1, undefined], [['/1', 'invalid CertLogic expression']]],
  ])('%s', (_title, expression, expected) => {
    const issues = validate(expression);
    expect(issues.map((issue) => [issue.path, issue.message])).toStrictEqual(expected);
    for (const issue of issues) expect(resolvePointer(expression, issue.path)).toStrictEqual({ found: true, value: issue.expr });
  });

  it('escapes "~" and "/" in JSON Pointer tokens (RFC 6901)', () => {
    expect(pointerToken('a/b~c')).toBe('a~1b~0c');
    expect(pointerToken(3)).toBe('3');
  });

  it('reports every problem, not just the first', () => {
    const issues = validate({ and: [{ '+': ['a', 1] }, { plusTime: [v('d'), 1.5, 'day'] }, { foo: [] }] });
    expect(issues.map((issue) => issue.path)).toStrictEqual(['/and/0/+/0', '/and/1/plusTime/1', '/and/1', '/and/2']);
  });

  it(`stops at ${MAX_NODES} nodes with one problem`, () => {
    const issues = validate(Array.from({ length: MAX_NODES + 10 }, () => 1));
    expect(issues).toHaveLength(1);
    expect(issues[0]?.message).toContain(String(MAX_NODES));
  });

  it('never throws, whatever it is given', () => {
    const hostile = new Proxy(
      {},
      {
        ownKeys: () => {
          throw new Error('no keys');
        },
      },
    );
    expect(validate(hostile)).toMatchObject([{ path: '', message: expect.stringContaining('could not be read') }]);
    expect(validate(() => 1)).toMatchObject([{ message: 'invalid CertLogic expression' }]);
    expect(validate(10n)).toMatchObject([{ message: 'invalid CertLogic expression' }]);
  });
});
