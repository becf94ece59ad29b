import { CertLogicDateTime } from './date-time.js';

/**
 * `{ "var": "<path>" }` (spec 1.3.3, "Data access"). The path is split once, when the
 * expression is compiled; each evaluation only walks the data.
 *
 * - `""` is the whole data context.
 * - A fragment made of digits indexes an array; any fragment names an object's own key.
 * - Whatever is missing, `null`, or not drillable gives `null`: a non-existent index or key,
 *   a fragment that is not a digit string on an array, anything on a string or number.
 * - Only own properties count, so `constructor` or `__proto__` on `{}` is `null`, not
 *   something from JavaScript's prototype chain.
 */
export type DataAccessor = (data: unknown) => unknown;

/** The spec's reference validator's rule: "" or non-empty fragments separated by dots. */
export function isValidDataPath(path: string): boolean {
  return path === '' || path.split('.').every((fragment) => fragment.length > 0);
}

interface Fragment {
  readonly key: string;
  /** The array index the fragment names, or -1 when it is not a digit string. */
  readonly index: number;
}

const DIGITS = /^\d+$/;

function fragmentsOf(path: string): Fragment[] {
  return path.split('.').map((key) => ({ key, index: DIGITS.test(key) ? Number(key) : -1 }));
}

function step(value: unknown, fragment: Fragment): unknown {
  if (typeof value !== 'object' || value === null) return null;
  if (Array.isArray(value)) {
    const { index } = fragment;
    if (index < 0 || index >= value.length) return null;
    const item: unknown = value[index];
    return item === undefined ? null : item;
  }
  if (value instanceof CertLogicDateTime || !Object.hasOwn(value, fragment.key)) return null;
  const item = (value as Record<string, unknown>)[fragment.key];
  return item === undefined ? null : item;
}

export function compileDataPath(path: string): DataAccessor {
  if (path === '') return (data) => (data === undefined ? null : data);
  const fragments = fragmentsOf(path);
  // Most paths in real rules have two to four fragments; unrolling the common lengths
  // keeps the hot path free of a loop and its array reads.
  if (fragments.length === 1) {
    const [a] = fragments as [Fragment];
    return (data) => step(data, a);
  }
  if (fragments.length === 2) {
    const [a, b] = fragments as [Fragment, Fragment];
    return (data) => step(step(data, a), b);
  }
  if (fragments.length === 3) {
    const [a, b, c] = fragments as [Fragment, Fragment, Fragment];
    return (data) => step(step(step(data, a), b), c);
  }
  return (data) => {
    let value = data;
    for (const fragment of fragments) {
      value = step(value, fragment);
      if (value === null) return null;
    }
    return value;
  };
}
