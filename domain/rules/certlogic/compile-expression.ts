import { compileDataPath } from './data-access.js';
import { addTime, CertLogicDateTime, parseDateOfBirth, parseDateTime, type TimeUnit } from './date-time.js';
import { extractFromUvci } from './uvci.js';
import { pointerToken } from './validate.js';
import { isInteger, kindOf, strictEquality, truthinessOf } from './values.js';

/**
 * Turns a *validated* CertLogic expression into a tree of closures, once, so that each
 * evaluation only runs the operations: no re-reading of the JSON, no operator lookup, paths
 * already split, literal operands of `plusTime`/`dccDateOfBirth` already parsed, and a
 * literal array on the right of `in` already a Set.
 *
 * Evaluation errors (the spec's type mismatches at run time) are thrown as
 * `EvaluationFailure` with the JSON Pointer of the operand at fault; the public API in
 * evaluator.ts catches them, so nothing escapes to callers.
 */

/** Per-evaluation state: a budget of work, so nested `reduce`s over big data stay bounded. */
export interface Run {
  steps: number;
  readonly maxSteps: number;
}

export type Node = (data: unknown, run: Run) => unknown;

export class EvaluationFailure extends Error {
  constructor(
    message: string,
    /** JSON Pointer of the sub-expression at fault. */
    readonly path: string,
  ) {
    super(message);
    this.name = 'EvaluationFailure';
  }
}

function fail(path: string, message: string): never {
  throw new EvaluationFailure(message, path);
}

/** Number of nodes in an expression: the cost of one evaluation of it, for the step budget. */
function sizeOf(expr: unknown): number {
  if (Array.isArray(expr)) return expr.reduce((sum: number, item: unknown) => sum + sizeOf(item), 1);
  if (typeof expr !== 'object' || expr === null) return 1;
  const operands = Object.values(expr)[0];
  return Array.isArray(operands) ? sizeOf(operands) : 1;
}

function isLiteral(expr: unknown): expr is string | number | boolean {
  return typeof expr === 'string' || typeof expr === 'number' || typeof expr === 'boolean';
}

const constant =
  (value: unknown): Node =>
  () =>
    value;

/**
 * Constant folding of an operation on literals. When it fails, the failure belongs to the
 * evaluation — and only if that branch is ever reached — so the caller keeps the run-time node.
 */
function folded(compute: () => unknown): Node | null {
  try {
    return constant(compute());
  } catch (error) {
    if (error instanceof EvaluationFailure) return null;
    throw error;
  }
}

export function compileNode(expr: unknown, path: string): Node {
  if (isLiteral(expr)) return constant(expr);
  if (Array.isArray(expr)) return compileArray(expr, path);
  const [operator, operands] = Object.entries(expr as Record<string, unknown>)[0] as [string, unknown];
  if (operator === 'var') return compileDataPath(operands as string);
  const args = operands as unknown[];
  const at = `${path}/${pointerToken(operator)}`;
  const sub = (i: number): Node => compileNode(args[i], `${at}/${i}`);
  switch (operator) {
    case 'if':
      return compileIf(sub(0), sub(1), sub(2), `${at}/0`);
    case 'and':
      return compileAnd(
        args.map((_, i) => sub(i)),
        at,
      );
    case '===':
      return compileEquality(sub(0), sub(1), path);
    case 'in':
      return compileIn(sub(0), args[1], sub(1), `${at}/1`);
    case '+':
      return compilePlus(sub(0), sub(1), at);
    case '<':
    case '>':
    case '<=':
    case '>=':
      return compileComparison(
        operator,
        operator,
        args.map((_, i) => sub(i)),
        at,
        integerOperand,
      );
    case 'after':
    case 'before':
    case 'not-after':
    case 'not-before':
      return compileComparison(
        operator,
        DATE_OPERATORS[operator],
        args.map((_, i) => sub(i)),
        at,
        dateTimeOperand,
      );
    case '!':
      return compileNot(sub(0), `${at}/0`, false);
    case '!!':
      return compileNot(sub(0), `${at}/0`, true);
    case 'plusTime':
      return compilePlusTime(args[0], sub(0), args[1] as number, args[2] as TimeUnit, `${at}/0`);
    case 'dccDateOfBirth':
      return compileDateOfBirth(args[0], sub(0), `${at}/0`);
    case 'extractFromUVCI':
      return compileExtract(sub(0), args[1] as number, `${at}/0`);
    case 'reduce':
      return compileReduce(sub(0), sub(1), sub(2), sizeOf(args[1]), `${at}/0`, at);
    default:
      // Unreachable for validated expressions; kept so a bug fails loudly, not silently.
      return () => fail(path, `unrecognised operator: "${operator}"`);
  }
}

function compileArray(items: readonly unknown[], path: string): Node {
  if (items.every(isLiteral)) {
    // Shared between evaluations, so frozen: a caller that mutates a result cannot change the rule.
    const value = Object.freeze([...items]);
    return constant(value);
  }
  const nodes = items.map((item, i) => compileNode(item, `${path}/${i}`));
  return (data, run) => nodes.map((node) => node(data, run));
}

function compileIf(guard: Node, then: Node, otherwise: Node, guardPath: string): Node {
  return (data, run) => {
    const value = guard(data, run);
    const truthiness = truthinessOf(value);
    if (truthiness === 'truthy') return then(data, run);
    if (truthiness === 'falsy') return otherwise(data, run);
    return fail(guardPath, `the guard of "if" must be truthy or falsy, but it is ${kindOf(value)}`);
  };
}

/** Lazy and in order; the first falsy operand, else the last one. Every operand must be truthy or falsy. */
function compileAnd(operands: readonly Node[], at: string): Node {
  return (data, run) => {
    let value: unknown = true;
    for (let i = 0; i < operands.length; i++) {
      value = (operands[i] as Node)(data, run);
      const truthiness = truthinessOf(value);
      if (truthiness === 'falsy') return value;
      if (truthiness === 'neither') fail(`${at}/${i}`, `operands of "and" must be truthy or falsy, but this one is ${kindOf(value)}`);
    }
    return value;
  };
}

function compileEquality(left: Node, right: Node, path: string): Node {
  return (data, run) => {
    const a = left(data, run);
    const b = right(data, run);
    const equal = strictEquality(a, b);
    if (equal === undefined) fail(path, `"===" compares strings, integers, booleans or null, not ${kindOf(a)} with ${kindOf(b)}`);
    return equal;
  };
}

function compileIn(needle: Node, haystackExpr: unknown, haystack: Node, haystackPath: string): Node {
  if (Array.isArray(haystackExpr) && haystackExpr.every(isLiteral)) {
    // A value set written into the rule: a hash lookup instead of a scan. Set.has agrees with
    // strictEquality here: primitives by value, and nothing else is ever a member.
    const members = new Set<unknown>(haystackExpr);
    return (data, run) => members.has(needle(data, run));
  }
  return (data, run) => {
    const value = needle(data, run);
    const array = haystack(data, run);
    if (!Array.isArray(array)) return fail(haystackPath, `the right-hand side of "in" must be an array, but it is ${kindOf(array)}`);
    for (const item of array) {
      const equal = strictEquality(value, item);
      if (equal === undefined) fail(haystackPath, `"in" compares strings, integers, booleans or null, not ${kindOf(value)} with ${kindOf(item)}`);
      if (equal) return true;
    }
    return false;
  };
}

function compilePlus(left: Node, right: Node, at: string): Node {
  return (data, run) => {
    const a = left(data, run);
    const b = right(data, run);
    if (!isInteger(a)) return fail(`${at}/0`, `operands of "+" must be integers, but this one is ${kindOf(a)}`);
    if (!isInteger(b)) return fail(`${at}/1`, `operands of "+" must be integers, but this one is ${kindOf(b)}`);
    return a + b;
  };
}

type Ordering = '<' | '>' | '<=' | '>=';
const DATE_OPERATORS: Readonly<Record<'after' | 'before' | 'not-after' | 'not-before', Ordering>> = {
  after: '>',
  before: '<',
  'not-after': '<=',
  'not-before': '>=',
};

/** Reads one comparison operand as a number to order by, or fails. */
type OperandReader = (value: unknown, path: string, operator: string) => number;

const integerOperand: OperandReader = (value, path, operator) =>
  isInteger(value) ? value : fail(path, `operands of "${operator}" must be integers, but this one is ${kindOf(value)}`);

const dateTimeOperand: OperandReader = (value, path, operator) =>
  value instanceof CertLogicDateTime
    ? value.epochMs
    : fail(path, `operands of a date-time comparison ("${operator}") must be date-times, but this one is ${kindOf(value)}`);

function holds(ordering: Ordering, a: number, b: number): boolean {
  switch (ordering) {
    case '<':
      return a < b;
    case '>':
      return a > b;
    case '<=':
      return a <= b;
    case '>=':
      return a >= b;
  }
}

/** Binary, or ternary "between": (a op b) and (b op c). All operands are evaluated and checked first. */
function compileComparison(operator: string, ordering: Ordering, operands: readonly Node[], at: string, read: OperandReader): Node {
  const [first, second, third] = operands as [Node, Node, Node | undefined];
  if (third === undefined) {
    return (data, run) => {
      const a = read(first(data, run), `${at}/0`, operator);
      const b = read(second(data, run), `${at}/1`, operator);
      return holds(ordering, a, b);
    };
  }
  return (data, run) => {
    const a = read(first(data, run), `${at}/0`, operator);
    const b = read(second(data, run), `${at}/1`, operator);
    const c = read(third(data, run), `${at}/2`, operator);
    return holds(ordering, a, b) && holds(ordering, b, c);
  };
}

/** `!` (negation) or, with `double`, `!!` (the operand's truthiness as a boolean). */
function compileNot(operand: Node, operandPath: string, double: boolean): Node {
  return (data, run) => {
    const value = operand(data, run);
    const truthiness = truthinessOf(value);
    if (truthiness === 'neither') fail(operandPath, `the operand of "${double ? '!!' : '!'}" must be truthy or falsy, but it is ${kindOf(value)}`);
    return double ? truthiness === 'truthy' : truthiness === 'falsy';
  };
}

function compilePlusTime(dateExpr: unknown, date: Node, amount: number, unit: TimeUnit, datePath: string): Node {
  const offset = (text: unknown): CertLogicDateTime => {
    if (typeof text !== 'string') return fail(datePath, `the date operand of "plusTime" must be a string, but it is ${kindOf(text)}`);
    const parsed = parseDateTime(text);
    if (parsed === null) return fail(datePath, `the date operand of "plusTime" is not an allowed date or date-time format (${text.length} characters)`);
    return addTime(parsed, amount, unit) ?? fail(datePath, `"plusTime" leaves the representable time range`);
  };
  // A literal date in the rule is computed once (a date-time is immutable, so sharing it is safe).
  return (typeof dateExpr === 'string' && folded(() => offset(dateExpr))) || ((data, run) => offset(date(data, run)));
}

function compileDateOfBirth(dobExpr: unknown, dob: Node, dobPath: string): Node {
  const convert = (text: unknown): CertLogicDateTime => {
    if (typeof text !== 'string') return fail(dobPath, `the operand of "dccDateOfBirth" must be a string, but it is ${kindOf(text)}`);
    return (
      parseDateOfBirth(text) ??
      fail(dobPath, `the operand of "dccDateOfBirth" is not a date of birth as YYYY, YYYY-MM or YYYY-MM-DD (${text.length} characters)`)
    );
  };
  return (typeof dobExpr === 'string' && folded(() => convert(dobExpr))) || ((data, run) => convert(dob(data, run)));
}

function compileExtract(uvci: Node, index: number, uvciPath: string): Node {
  return (data, run) => {
    const value = uvci(data, run);
    if (value === null) return null;
    if (typeof value !== 'string') return fail(uvciPath, `the operand of "extractFromUVCI" must be a string or null, but it is ${kindOf(value)}`);
    return extractFromUvci(value, index);
  };
}

/**
 * A left fold; the lambda sees only `{ current, accumulator }` (the spec's "data" key is a
 * may-later, which the official suite marks as skipped). A null operand gives `initial`, as
 * the JsonLogic conformance cases expect. Every lambda call spends the lambda's size from
 * the run's budget, so even a reduce nested in a reduce over huge data ends in bounded time.
 */
function compileReduce(operand: Node, lambda: Node, initial: Node, lambdaSize: number, operandPath: string, at: string): Node {
  return (data, run) => {
    const array = operand(data, run);
    if (array === null) return initial(data, run);
    if (!Array.isArray(array)) return fail(operandPath, `the operand of "reduce" must be an array or null, but it is ${kindOf(array)}`);
    let accumulator = initial(data, run);
    for (let i = 0; i < array.length; i++) {
      run.steps += lambdaSize;
      if (run.steps > run.maxSteps) fail(at, `evaluation exceeded its budget of ${run.maxSteps} steps`);
      accumulator = lambda({ current: array[i], accumulator }, run);
    }
    return accumulator;
  };
}
