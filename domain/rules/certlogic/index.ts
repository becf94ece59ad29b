/**
 * CertLogic 1.3.3 — the JsonLogic subset of the EU DCC business rules — for Chốt's rule
 * sets. Pure: no I/O, no clock (the scan time comes in the data, as `external.validationClock`
 * does for DCC rules).
 *
 * - `validate(expression)`: every static problem, each with a JSON Pointer.
 * - `compile(expression)`: validate once, then evaluate many times, fast.
 * - `evaluate(expression, data)`: both in one call. Never throws.
 */
export { compile, evaluate, DEFAULT_MAX_STEPS } from './evaluator.js';
export type { CompiledExpression, CompileResult, EvaluateOptions, EvaluationError, EvaluationResult } from './evaluator.js';
export { validate, MAX_DEPTH, MAX_NODES } from './validate.js';
export type { ValidationIssue } from './validate.js';
export { CertLogicDateTime } from './date-time.js';
export type { TimeUnit } from './date-time.js';
export { truthinessOf } from './values.js';
export type { CertLogicValue, Truthiness } from './values.js';
