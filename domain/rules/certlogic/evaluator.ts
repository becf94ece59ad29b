import { compileNode, EvaluationFailure, type Node, type Run } from './compile-expression.js';
import { validate, type ValidationIssue } from './validate.js';
import type { CertLogicValue } from './values.js';

/**
 * The public face of the CertLogic evaluator. The spec lets an evaluator throw on an invalid
 * expression or a type mismatch; a kiosk must not, so every failure is a value here:
 * `invalid-expression` (the rule is wrong, found before any data is read) or `evaluation`
 * (this data made an operation fail, e.g. `plusTime` of a missing date). Either way the
 * caller decides — for a validation rule, the spec advises treating it as `false`.
 */

export interface EvaluationError {
  readonly kind: 'invalid-expression' | 'evaluation';
  readonly message: string;
  /** JSON Pointer of the sub-expression at fault, e.g. `/and/1/after/0`; "" is the whole expression. */
  readonly path: string;
}

export type EvaluationResult = { readonly ok: true; readonly value: CertLogicValue } | { readonly ok: false; readonly error: EvaluationError };

export interface EvaluateOptions {
  /**
   * Work allowed per evaluation, counted in expression nodes run by `reduce` lambdas
   * (everything else runs at most once per node). The default leaves room for a reduce
   * over some 100 000 items while keeping a hostile rule or data set from stalling the scan.
   */
  readonly maxSteps?: number;
}

export const DEFAULT_MAX_STEPS = 1_000_000;

/** An expression validated and compiled once, to be evaluated against many data contexts. */
export interface CompiledExpression {
  evaluate(data: unknown, options?: EvaluateOptions): EvaluationResult;
}

export type CompileResult =
  { readonly ok: true; readonly compiled: CompiledExpression } | { readonly ok: false; readonly problems: readonly ValidationIssue[] };

function run(root: Node, data: unknown, options: EvaluateOptions | undefined): EvaluationResult {
  const state: Run = { steps: 0, maxSteps: options?.maxSteps ?? DEFAULT_MAX_STEPS };
  try {
    // Data is JSON by contract; whatever `var` finds in it is passed through unchanged.
    return { ok: true, value: root(data, state) as CertLogicValue };
  } catch (error) {
    if (error instanceof EvaluationFailure) return { ok: false, error: { kind: 'evaluation', message: error.message, path: error.path } };
    // Not a CertLogic failure: e.g. a data object whose getter throws. Still never escapes.
    const message = error instanceof Error ? `${error.name}: ${error.message}` : 'non-error thrown';
    return { ok: false, error: { kind: 'evaluation', message: `unexpected failure: ${message}`, path: '' } };
  }
}

/**
 * Validates and compiles `expression`. The result keeps nothing of the expression object,
 * so later changes to it do not change the compiled rule.
 */
export function compile(expression: unknown): CompileResult {
  const problems = validate(expression);
  if (problems.length > 0) return { ok: false, problems };
  let root: Node;
  try {
    root = compileNode(expression, '');
  } catch (error) {
    // Validation passed, so this is a bug or an expression that changed under our feet.
    const message = error instanceof Error ? error.message : 'non-error thrown';
    return { ok: false, problems: [{ path: '', message: `expression could not be compiled: ${message}`, expr: expression }] };
  }
  return { ok: true, compiled: { evaluate: (data, options) => run(root, data, options) } };
}

/**
 * Evaluates `expression` over `data` (spec 1.3.3). Validates and compiles on every call;
 * for a rule evaluated more than once, `compile` it and keep the result.
 */
export function evaluate(expression: unknown, data: unknown, options?: EvaluateOptions): EvaluationResult {
  const compiled = compile(expression);
  if (!compiled.ok) {
    const first = compiled.problems[0] as ValidationIssue;
    const more = compiled.problems.length > 1 ? ` (and ${compiled.problems.length - 1} more problems)` : '';
    return { ok: false, error: { kind: 'invalid-expression', message: `${first.message}${more}`, path: first.path } };
  }
  return compiled.compiled.evaluate(data, options);
}
