import fc from 'fast-check';
import { expect } from 'vitest';
import { bestOfMs, withinBound } from '../../../support/timing.js';
import type { Bilingual } from '../../../../domain/text/bilingual.js';

/**
 * Shared arbitraries and checks for the credential-parser fuzz tests: random text, and
 * mutations of valid samples (the inputs most likely to get deep into a parser).
 */

/** Runs per property. Each property is cheap, so this stays well inside the time budget. */
export const FUZZ_RUNS = 100_000;

/** Per-call bound. Generous: a parser call takes microseconds; this only catches blow-ups. */
export const PER_CALL_BOUND_MS = 20;

/** Test timeout for one fuzz property (100 000 runs take a few seconds on 2 cores). */
export const FUZZ_TIMEOUT_MS = 60_000;

/** Characters that mean something to some parser, plus awkward Unicode. */
const INTERESTING = [
  '|',
  '|',
  '|',
  '$',
  '/',
  '-',
  ' ',
  '0',
  '1',
  '2',
  '9',
  'A',
  'Z',
  'a',
  'f',
  'ễ',
  'Ữ',
  '\u0301',
  '\u0000',
  '\u0007',
  '\t',
  '\r',
  '\n',
  '\u007F',
  '\u0085',
  '\u00A0',
  '\uFEFF',
  '\u200B',
  '\u202E',
  '\u2066',
  '\u200D',
  '\u00AD',
  '\u2028',
  '\u061C',
  '\u3164',
  '０',
  '😀',
  '\uD800',
  '\uDFFF',
  '\uFFFD',
] as const;

/**
 * What no displayed field may hold: controls, format characters (bidi overrides and
 * isolates, zero-width characters), line and paragraph separators, default-ignorables.
 * Written out here, not imported from the code under test.
 */
const INVISIBLE_IN_DISPLAY = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Default_Ignorable_Code_Point}]/u;

/** Every displayed text is free of invisible characters (undefined: nothing shown). */
export function isShowable(...texts: readonly (string | undefined)[]): boolean {
  return texts.every((text) => text === undefined || !INVISIBLE_IN_DISPLAY.test(text));
}

const interestingChar = fc.constantFrom(...INTERESTING);
const anyChar = fc.oneof(interestingChar, fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }));

/** Random text: arbitrary code points, parser-relevant characters, printable graphemes. */
export const randomText: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 120 }),
  fc.string({ unit: interestingChar, maxLength: 120 }),
  fc.string({ unit: 'grapheme', maxLength: 60 }),
  fc.string({ unit: fc.constantFrom('0', '1', '5', '9', ' '), maxLength: 20 }),
);

type Mutation =
  | { readonly op: 'insert'; readonly at: number; readonly text: string }
  | { readonly op: 'delete'; readonly at: number; readonly count: number }
  | { readonly op: 'replace'; readonly at: number; readonly char: string }
  | { readonly op: 'digit'; readonly at: number; readonly digit: number }
  | { readonly op: 'field-count'; readonly count: number }
  | { readonly op: 'huge-field'; readonly field: number; readonly length: number; readonly char: string }
  | { readonly op: 'unicode-field'; readonly field: number; readonly text: string }
  | { readonly op: 'swap-fields'; readonly a: number; readonly b: number }
  | { readonly op: 'case'; readonly upper: boolean };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('insert' as const), at: fc.nat(), text: fc.string({ unit: anyChar, minLength: 1, maxLength: 4 }) }),
  fc.record({ op: fc.constant('delete' as const), at: fc.nat(), count: fc.integer({ min: 1, max: 20 }) }),
  fc.record({ op: fc.constant('replace' as const), at: fc.nat(), char: anyChar }),
  // Cards are mostly digits: changing one digit to another gets past the format checks.
  fc.record({ op: fc.constant('digit' as const), at: fc.nat(), digit: fc.integer({ min: 0, max: 9 }) }),
  fc.record({ op: fc.constant('field-count' as const), count: fc.integer({ min: 0, max: 40 }) }),
  // Sometimes past the 8 192-character scan limit, mostly below it.
  fc.record({
    op: fc.constant('huge-field' as const),
    field: fc.nat(),
    length: fc.oneof(fc.integer({ min: 100, max: 2_000 }), fc.integer({ min: 8_000, max: 10_000 })),
    char: interestingChar,
  }),
  fc.record({ op: fc.constant('unicode-field' as const), field: fc.nat(), text: fc.string({ unit: 'binary', maxLength: 30 }) }),
  fc.record({ op: fc.constant('swap-fields' as const), a: fc.nat(), b: fc.nat() }),
  fc.record({ op: fc.constant('case' as const), upper: fc.boolean() }),
);

function applyMutation(text: string, mutation: Mutation): string {
  const at = (index: number): number => (text.length === 0 ? 0 : index % (text.length + 1));
  const fields = text.split('|');
  const fieldAt = (index: number): number => index % fields.length;
  switch (mutation.op) {
    case 'insert':
      return text.slice(0, at(mutation.at)) + mutation.text + text.slice(at(mutation.at));
    case 'delete':
      return text.slice(0, at(mutation.at)) + text.slice(at(mutation.at) + mutation.count);
    case 'replace':
      return text.slice(0, at(mutation.at)) + mutation.char + text.slice(at(mutation.at) + 1);
    case 'digit': {
      const digits = [...text.matchAll(/\d/g)];
      const target = digits.length === 0 ? undefined : digits[mutation.at % digits.length]?.index;
      return target === undefined ? text : text.slice(0, target) + String(mutation.digit) + text.slice(target + 1);
    }
    case 'field-count': {
      const resized = Array.from({ length: mutation.count }, (_, index) => fields[index % fields.length] ?? '');
      return resized.join('|');
    }
    case 'huge-field':
      fields[fieldAt(mutation.field)] = mutation.char.repeat(mutation.length);
      return fields.join('|');
    case 'unicode-field':
      fields[fieldAt(mutation.field)] = mutation.text;
      return fields.join('|');
    case 'swap-fields': {
      const a = fieldAt(mutation.a);
      const b = fieldAt(mutation.b);
      [fields[a], fields[b]] = [fields[b] ?? '', fields[a] ?? ''];
      return fields.join('|');
    }
    case 'case':
      return mutation.upper ? text.toUpperCase() : text.toLowerCase();
  }
}

/** A valid sample with 0–6 mutations applied (0 keeps some runs on the happy path). */
export function mutationsOf(samples: readonly string[]): fc.Arbitrary<string> {
  return fc.tuple(fc.constantFrom(...samples), fc.array(mutation, { maxLength: 6 })).map(([sample, mutations]) => mutations.reduce(applyMutation, sample));
}

/** Calls the parser and returns its result, failing if even the best of three runs exceeds the bound. */
export function timedCall<T>(parse: (text: string) => T, text: string, boundMs = PER_CALL_BOUND_MS): T {
  return withinBound(
    () => parse(text),
    boundMs,
    () => `parser on input of length ${text.length}`,
  );
}

interface ErrorLike {
  readonly kind: 'error';
  readonly code: string;
  readonly message: Bilingual;
  readonly credentialKind?: string;
}

/** A parse error from the parser's own table, in both languages, marked with its kind. */
export function isWellFormedError(result: ErrorLike, table: Readonly<Record<string, Bilingual>>, kind: string): boolean {
  const expected = Object.hasOwn(table, result.code) ? table[result.code] : undefined;
  return (
    expected !== undefined &&
    result.message.vi === expected.vi &&
    result.message.en === expected.en &&
    result.message.vi.length > 0 &&
    result.message.en.length > 0 &&
    result.credentialKind === kind
  );
}

/** The best time of several calls on a 1 MB input, after a warm-up. */
export function measureHugeInput(parse: (text: string) => { kind: string }, huge: string): { ms: number; kind: string; code?: string } {
  expect(huge.length).toBeGreaterThanOrEqual(1024 * 1024);
  const result = parse(huge) as { kind: string; code?: string };
  const ms = bestOfMs(() => parse(huge));
  return { ms, kind: result.kind, ...(result.code === undefined ? {} : { code: result.code }) };
}

/** How many inputs a property saw: proves `numRuns` was honoured, not silently capped. */
export function totalOf(outcomes: ReadonlyMap<string, number>): number {
  let total = 0;
  for (const count of outcomes.values()) total += count;
  return total;
}
