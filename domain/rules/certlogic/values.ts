import { CertLogicDateTime } from './date-time.js';

/**
 * The values a CertLogic evaluation produces: JSON values (from the expression's literals
 * and the data context) and date-times (which only `plusTime` and `dccDateOfBirth` make).
 * The spec's notion of truthy and falsy is narrower than JavaScript's and than JsonLogic's,
 * and some values are neither: this file is its single source.
 */
export type CertLogicValue = null | boolean | number | string | CertLogicDateTime | readonly CertLogicValue[] | { readonly [key: string]: CertLogicValue };

export type Truthiness = 'truthy' | 'falsy' | 'neither';

/**
 * Spec 1.3.3, "Truthy and falsy values". Falsy: false, null, "", 0, [], {}. Truthy: true,
 * non-empty strings, non-zero integers, non-empty arrays, objects with a key. Everything
 * else — a non-integer number, a date-time — is neither, and using it as a condition is an
 * evaluation error rather than a guess.
 */
export function truthinessOf(value: unknown): Truthiness {
  switch (typeof value) {
    case 'boolean':
      return value ? 'truthy' : 'falsy';
    case 'string':
      return value.length > 0 ? 'truthy' : 'falsy';
    case 'number':
      if (!Number.isInteger(value)) return 'neither';
      return value !== 0 ? 'truthy' : 'falsy';
    case 'object':
      if (value === null) return 'falsy';
      if (Array.isArray(value)) return value.length > 0 ? 'truthy' : 'falsy';
      if (value instanceof CertLogicDateTime) return 'neither';
      // Stops at the first own key: no array of keys allocated for a big data object.
      for (const key in value) if (Object.hasOwn(value, key)) return 'truthy';
      return 'falsy';
    default:
      return 'neither';
  }
}

export function isInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value);
}

function isPrimitive(value: unknown): boolean {
  return value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

/**
 * `===` without coercion. The spec calls it reliable on strings and integers only. Between
 * two primitives it is JavaScript's `===`; a primitive never equals an array, object or
 * date-time (different types); between two of those the spec gives no reliable answer
 * (JavaScript would compare references), so this returns undefined and the caller reports
 * an error instead of an accident of object identity.
 */
export function strictEquality(left: unknown, right: unknown): boolean | undefined {
  const leftPrimitive = isPrimitive(left);
  const rightPrimitive = isPrimitive(right);
  if (leftPrimitive && rightPrimitive) return left === right;
  if (leftPrimitive || rightPrimitive) return false;
  return undefined;
}

/**
 * The kind of a value for error messages. Never the value itself: data contexts hold
 * personal data (names, dates of birth) and error messages end up in logs.
 */
export function kindOf(value: unknown): string {
  switch (typeof value) {
    case 'boolean':
      return 'a boolean';
    case 'string':
      return value.length === 0 ? 'an empty string' : 'a string';
    case 'number':
      return Number.isInteger(value) ? 'an integer' : 'a non-integer number';
    case 'object':
      if (value === null) return 'null';
      if (Array.isArray(value)) return 'an array';
      if (value instanceof CertLogicDateTime) return 'a date-time';
      return 'an object';
    case 'undefined':
      return 'nothing';
    default:
      return `a ${typeof value}`;
  }
}
