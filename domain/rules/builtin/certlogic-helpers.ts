import type { CertLogicExpression } from '../rule-set.js';

/**
 * Small builders for the CertLogic the built-in rule sets are written in. They only
 * assemble JSON: a rule set is data, signed and shipped as JSON, and these keep the
 * shipped JSON readable to write without changing what it is.
 */
export const v = (path: string): CertLogicExpression => ({ var: path });
/** A date-time value from an ISO string at `path`, moved by `amount` `unit`s. */
export const time = (path: string, amount = 0, unit: 'day' | 'hour' | 'month' | 'year' = 'day'): CertLogicExpression => ({ plusTime: [v(path), amount, unit] });
export const and = (...operands: CertLogicExpression[]): CertLogicExpression => ({ and: operands });
export const notAfter = (a: CertLogicExpression, b: CertLogicExpression): CertLogicExpression => ({ 'not-after': [a, b] });
export const notBefore = (a: CertLogicExpression, b: CertLogicExpression): CertLogicExpression => ({ 'not-before': [a, b] });
export const before = (a: CertLogicExpression, b: CertLogicExpression): CertLogicExpression => ({ before: [a, b] });
/** `then` when `guard` is truthy, else `otherwise`. */
export const ifThen = (guard: CertLogicExpression, then: CertLogicExpression, otherwise: CertLogicExpression): CertLogicExpression => ({
  if: [guard, then, otherwise],
});
/** Whether any element of the array at `path` satisfies `predicate` (reading `current`): a fold, as CertLogic has no "some". */
export const some = (path: string, predicate: CertLogicExpression): CertLogicExpression => ({
  reduce: [v(path), ifThen(v('accumulator'), true, predicate), false],
});
/** `a` or `b`, from `if`: CertLogic has no "or". */
export const either = (a: CertLogicExpression, b: CertLogicExpression): CertLogicExpression => ifThen(a, true, b);
