import { isValidDataPath } from './data-access.js';
import { isTimeUnit, parseDateOfBirth, parseDateTime, TIME_UNITS } from './date-time.js';
import { isInteger } from './values.js';

/**
 * Static validation of a CertLogic expression (spec 1.3.3; the official
 * validation-testSuite). Reports every problem found, each with a JSON Pointer to it.
 *
 * Beyond form and arity it runs a small type inference — which kinds of value each
 * sub-expression can evaluate to — and reports operands that can never have the kind their
 * operation needs: `{ "+": ["a", 1] }`, a literal that is no date for `plusTime`, `plusTime`
 * of a `plusTime` (the spec calls that invalid), a date-time as an `if` guard. Such an
 * expression would fail on every input that reaches it; a rule set should not ship with one.
 * `var` can be anything, so nothing that reads data is ever rejected here.
 *
 * The messages the official suite checks are kept word for word.
 */

export interface ValidationIssue {
  /** JSON Pointer (RFC 6901) into the expression, e.g. `/if/1/===/0`; "" is the whole expression. */
  readonly path: string;
  readonly message: string;
  /** The offending (sub-)expression, as the official validation suite reports it. */
  readonly expr: unknown;
}

/** Deeper nesting than any real rule needs; bounds the recursion of validation and evaluation. */
export const MAX_DEPTH = 200;
/** Far beyond any real rule (EU rules have tens of nodes); bounds the work of compiling. */
export const MAX_NODES = 100_000;

// Kinds of value, as bits, so that "can evaluate to" is a union.
const NULL = 1;
const BOOLEAN = 2;
const INTEGER = 4;
const STRING = 8;
const ARRAY = 16;
const OBJECT = 32;
const DATE_TIME = 64;
const OTHER_NUMBER = 128;
const ANY = 255;
const CONDITION = NULL | BOOLEAN | INTEGER | STRING | ARRAY | OBJECT;
const NON_PRIMITIVE = ARRAY | OBJECT | DATE_TIME;

const KIND_NAMES: readonly (readonly [number, string])[] = [
  [NULL, 'null'],
  [BOOLEAN, 'a boolean'],
  [INTEGER, 'an integer'],
  [STRING, 'a string'],
  [ARRAY, 'an array'],
  [OBJECT, 'an object'],
  [DATE_TIME, 'a date-time'],
  [OTHER_NUMBER, 'a non-integer number'],
];

function kindsText(kinds: number): string {
  const names = KIND_NAMES.filter(([bit]) => (kinds & bit) !== 0).map(([, name]) => name);
  return names.length <= 1 ? (names[0] ?? 'nothing') : `${names.slice(0, -1).join(', ')} or ${names.at(-1) as string}`;
}

const COMPARISONS = new Set(['<', '>', '<=', '>=']);
const DATE_COMPARISONS = new Set(['after', 'before', 'not-after', 'not-before']);
const BINARY = new Set(['===', 'in', '+']);

/** A JSON Pointer reference token: `~` and `/` escaped (RFC 6901 §3). */
export function pointerToken(key: string | number): string {
  return String(key).replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Short text of a literal for a message about the expression (never about data). */
function show(value: unknown): string {
  if (typeof value === 'string') return value;
  try {
    const text = JSON.stringify(value) ?? String(value);
    return text.length > 60 ? `${text.slice(0, 57)}...` : text;
  } catch {
    return String(value);
  }
}

class Validator {
  readonly issues: ValidationIssue[] = [];
  private nodes = 0;

  private report(path: string, expr: unknown, message: string): void {
    this.issues.push({ path, message, expr });
  }

  /** Validates `expr` at `path` and returns the kinds of value it can evaluate to. */
  check(expr: unknown, path: string, depth: number): number {
    this.nodes++;
    if (this.nodes === MAX_NODES + 1) this.report(path, expr, `expression has more than ${MAX_NODES} nodes`);
    if (this.nodes > MAX_NODES) return ANY;
    if (depth > MAX_DEPTH) {
      this.report(path, expr, `expression is nested more than ${MAX_DEPTH} levels deep`);
      return ANY;
    }
    switch (typeof expr) {
      case 'string':
        return STRING;
      case 'boolean':
        return BOOLEAN;
      case 'number':
        if (isInteger(expr)) return INTEGER;
        this.report(path, expr, `${expr} is a non-integer number`);
        return OTHER_NUMBER;
      case 'object':
        if (expr === null) break;
        if (Array.isArray(expr)) {
          expr.forEach((item: unknown, i) => this.check(item, `${path}/${i}`, depth + 1));
          return ARRAY;
        }
        return this.checkOperation(expr as Record<string, unknown>, path, depth);
    }
    this.report(path, expr, 'invalid CertLogic expression');
    return ANY;
  }

  private checkOperation(expr: Record<string, unknown>, path: string, depth: number): number {
    const keys = Object.keys(expr);
    if (keys.length !== 1) {
      this.report(path, expr, `expression object must have exactly one key, but it has ${keys.length}`);
      return ANY;
    }
    const operator = keys[0] as string;
    const operands = expr[operator];
    const at = `${path}/${pointerToken(operator)}`;
    if (operator === 'var') {
      if (typeof operands !== 'string') this.report(path, expr, 'not of the form { "var": "<path>" }');
      else if (!isValidDataPath(operands)) this.report(path, expr, `data access path doesn't have a valid format: ${operands}`);
      return ANY;
    }
    if (!Array.isArray(operands)) {
      this.report(path, expr, 'operation not of the form { "<operator>": [ <values...> ] }');
      return ANY;
    }
    const n = operands.length;
    const operand = (i: number): number => (i < n ? this.check(operands[i], `${at}/${i}`, depth + 1) : ANY);
    /** Reports operand `i` when it can never be of the `wanted` kinds. */
    const need = (i: number, kinds: number, wanted: number, wantedText: string): void => {
      if (i < n && (kinds & wanted) === 0) {
        this.report(`${at}/${i}`, operands[i], `operand #${i + 1} of "${operator}" must be ${wantedText}, but it can only be ${kindsText(kinds)}`);
      }
    };
    const arity = (ok: boolean, message: string): void => {
      if (!ok) this.report(path, expr, message);
    };

    if (operator === 'if') {
      arity(n === 3, `an "if"-operation must have exactly 3 values/operands, but it has ${n}`);
      need(0, operand(0), CONDITION, 'truthy or falsy');
      return operand(1) | operand(2);
    }
    if (operator === 'and') {
      arity(n >= 2, `an "and" operation must have at least 2 operands, but it has ${n}`);
      let kinds = 0;
      for (let i = 0; i < n; i++) {
        const k = operand(i);
        need(i, k, CONDITION, 'truthy or falsy');
        kinds |= k;
      }
      return kinds === 0 ? ANY : kinds;
    }
    if (COMPARISONS.has(operator) || DATE_COMPARISONS.has(operator)) {
      arity(n === 2 || n === 3, `an operation with operator "${operator}" must have 2 or 3 operands, but it has ${n}`);
      const [wanted, text] = COMPARISONS.has(operator) ? [INTEGER, 'an integer'] : [DATE_TIME, 'a date-time'];
      for (let i = 0; i < Math.min(n, 3); i++) need(i, operand(i), wanted, text);
      return BOOLEAN;
    }
    if (BINARY.has(operator)) {
      arity(n === 2, `an operation with operator "${operator}" must have 2 operands, but it has ${n}`);
      const left = operand(0);
      const right = operand(1);
      if (operator === '+') {
        need(0, left, INTEGER, 'an integer');
        need(1, right, INTEGER, 'an integer');
        return INTEGER;
      }
      if (operator === 'in') need(1, right, ARRAY, 'an array');
      else if (n >= 2 && (left & ~NON_PRIMITIVE) === 0 && (right & ~NON_PRIMITIVE) === 0) {
        this.report(path, expr, `"===" compares strings, integers, booleans or null, but these operands can only be ${kindsText(left | right)}`);
      }
      return BOOLEAN;
    }
    // `!!` (truthiness as a boolean) is not in spec 1.3.3; Chốt accepts it as JsonLogic does,
    // because rule authors who know JsonLogic expect it. Sets using it are Chốt-specific.
    if (operator === '!' || operator === '!!') {
      arity(n === 1, `a ${operator}-operation (logical ${operator === '!' ? 'not/negation' : 'double negation'}) must have exactly 1 operand, but it has ${n}`);
      need(0, operand(0), CONDITION, 'truthy or falsy');
      return BOOLEAN;
    }
    if (operator === 'plusTime') {
      arity(n === 3, `a "plusTime"-operation must have exactly 3 values/operands, but it has ${n}`);
      need(0, operand(0), STRING, 'a string with a date or date-time');
      const [date, amount, unit] = operands as unknown[];
      if (typeof date === 'string' && parseDateTime(date) === null) {
        this.report(`${at}/0`, date, `not an allowed date or date-time format: ${date}`);
      }
      if (n >= 2 && !isInteger(amount)) {
        this.report(`${at}/1`, amount, `"amount" argument (#2) of "plusTime" must be an integer, but it is: ${show(amount)}`);
      }
      if (n >= 3 && !isTimeUnit(unit)) {
        this.report(`${at}/2`, unit, `"unit" argument (#3) of "plusTime" must be a string equal to one of ${TIME_UNITS.join(', ')}, but it is: ${show(unit)}`);
      }
      return DATE_TIME;
    }
    if (operator === 'reduce') {
      arity(n === 3, `a "reduce"-operation must have exactly 3 values/operands, but it has ${n}`);
      need(0, operand(0), ARRAY | NULL, 'an array or null');
      return operand(1) | operand(2);
    }
    if (operator === 'extractFromUVCI') {
      arity(n === 2, `an "extractFromUVCI"-operation must have exactly 2 values/operands, but it has ${n}`);
      need(0, operand(0), STRING | NULL, 'a string or null');
      if (n >= 2 && !isInteger(operands[1])) {
        this.report(`${at}/1`, operands[1], `"index" argument (#2) of "extractFromUVCI" must be an integer, but it is: ${show(operands[1])}`);
      }
      return STRING | NULL;
    }
    if (operator === 'dccDateOfBirth') {
      arity(n === 1, `a "dccDateOfBirth"-operation must have exactly 1 operand, but it has ${n}`);
      need(0, operand(0), STRING, 'a string with a date of birth');
      const [dob] = operands as unknown[];
      if (typeof dob === 'string' && parseDateOfBirth(dob) === null) {
        this.report(`${at}/0`, dob, `can't parse "${dob}" as an EU DCC date-of-birth`);
      }
      return DATE_TIME;
    }
    this.report(path, expr, `unrecognised operator: "${operator}"`);
    return ANY;
  }
}

/**
 * Every problem in `expression`, in document order; empty when it is a valid CertLogic
 * expression. Never throws: an expression that cannot even be read (a getter that throws,
 * a proxy) is one problem at the root.
 */
export function validate(expression: unknown): ValidationIssue[] {
  const validator = new Validator();
  try {
    validator.check(expression, '', 0);
    return validator.issues;
  } catch (error) {
    return [
      ...validator.issues,
      { path: '', message: `expression could not be read: ${error instanceof Error ? error.message : String(error)}`, expr: expression },
    ];
  }
}
