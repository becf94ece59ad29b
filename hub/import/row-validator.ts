import { vietnamDateOf } from '../../domain/time/calendar-date.js';
import type { ImportKind, ImportRowOf } from '../storage/import-rows.js';
import type { CsvRecord } from './csv-parser.js';
import { parseBhxh, parseChoice, parseDate, parseDose, parseId12, parseInstant, parseOldId, parseProduct, type Parsed } from './field-parsers.js';

/**
 * Validation of one export file's header and rows, pure (no I/O, the clock passed in) so
 * it is tested with strings. A row either becomes an ImportRow or gives every reason it is
 * bad, in one message, so an operator fixes a line once.
 */
export const IMPORT_COLUMNS = {
  person: ['id', 'old_id', 'bhxh_number'],
  vaccination: ['id', 'dose', 'date', 'product'],
  test: ['id', 'taken_at', 'kind', 'result'],
  recovery: ['id', 'recovered_on'],
  quarantine: ['id', 'status', 'from', 'to'],
} as const satisfies { readonly [K in ImportKind]: readonly string[] };

type ColumnOf<K extends ImportKind> = (typeof IMPORT_COLUMNS)[K][number];

/** Where each column is in this file (any order is fine; names are matched case-insensitively). */
export type HeaderIndex<K extends ImportKind> = { readonly [C in ColumnOf<K>]: number } & { readonly width: number };

export interface ValidationContext {
  /** Now, epoch ms: a dose, a test or a recovery cannot lie in the future. */
  readonly nowMs: number;
}

export type HeaderCheck<K extends ImportKind> =
  { readonly ok: true; readonly index: HeaderIndex<K> } | { readonly ok: false; readonly problems: readonly string[] };

export function checkHeader<K extends ImportKind>(kind: K, fields: readonly string[]): HeaderCheck<K> {
  const checked = checkColumns(IMPORT_COLUMNS[kind], fields, `a ${kind} file`, 'names and addresses are never imported');
  return checked.ok ? { ok: true, index: checked.index as HeaderIndex<K> } : checked;
}

/**
 * A header row against the columns a file must have (any order, case-insensitive, no others):
 * where each column is, or every problem with the header at once. `file` names the kind of file
 * in the messages ("a person file"); `unexpectedNote` says why other columns are refused.
 */
export function checkColumns<C extends string>(
  expected: readonly C[],
  fields: readonly string[],
  file: string,
  unexpectedNote: string,
):
  | { readonly ok: true; readonly index: { readonly [column in C]: number } & { readonly width: number } }
  | { readonly ok: false; readonly problems: readonly string[] } {
  const names = fields.map((f) => f.trim().toLowerCase());
  const problems: string[] = [];
  const layout = `${file} has the columns ${expected.join(',')}`;
  names.forEach((name, i) => {
    if (names.indexOf(name) !== i) problems.push(`column "${name}" appears twice`);
    else if (!(expected as readonly string[]).includes(name)) {
      problems.push(name === '' ? `column ${i + 1} has no name (${layout})` : `unexpected column "${name}" (${layout}; ${unexpectedNote})`);
    }
  });
  for (const column of expected) if (!names.includes(column)) problems.push(`missing column "${column}" (${layout})`);
  if (problems.length > 0) return { ok: false, problems };
  const index = Object.fromEntries(expected.map((column) => [column, names.indexOf(column)])) as { [column in C]: number };
  return { ok: true, index: { ...index, width: names.length } };
}

export type RowCheck<K extends ImportKind> = { readonly ok: true; readonly row: ImportRowOf[K] } | { readonly ok: false; readonly reason: string };

/** One row's fields by column name, collecting the reasons it is bad. */
export class FieldReader {
  readonly reasons: string[] = [];

  constructor(
    private readonly fields: readonly string[],
    private readonly index: Readonly<Record<string, number>>,
  ) {}

  text(column: string): string {
    return (this.fields[this.index[column] ?? -1] ?? '').trim();
  }

  /** Parses a column; on failure notes `column "text" reason` and returns undefined. */
  take<T>(column: string, parse: (text: string) => Parsed<T>, required = true): T | undefined {
    const text = this.text(column);
    if (text.includes('\uFFFD')) {
      this.reasons.push(`${column} is not valid UTF-8 text`);
      return undefined;
    }
    if (text === '') {
      if (required) this.reasons.push(`${column} is empty`);
      return undefined;
    }
    const parsed = parse(text);
    if (parsed.ok) return parsed.value;
    this.reasons.push(`${column} "${text}" ${parsed.reason}`);
    return undefined;
  }

  notAfter(column: string, value: string | number | undefined, limit: string | number): void {
    if (value !== undefined && value > limit) this.reasons.push(`${column} "${this.text(column)}" is in the future`);
  }
}

interface Clock {
  readonly nowMs: number;
  /** Today in Vietnam, YYYY-MM-DD. */
  readonly today: string;
}

const parseTestKind = (t: string) => parseChoice(t, ['pcr', 'rapid'] as const);
/**
 * The platforms' Vietnamese exports write the result in Vietnamese; NFC first because a
 * spreadsheet on macOS may save the decomposed form of the same letters.
 */
const VIETNAMESE_RESULTS: Readonly<Record<string, string>> = { 'âm tính': 'negative', 'dương tính': 'positive' };
const parseResult = (t: string): Parsed<'positive' | 'negative'> => {
  const parsed = parseChoice(t, ['positive', 'negative'] as const, (s) => {
    const lower = s.normalize('NFC').toLowerCase().replace(/\s+/g, ' ');
    return VIETNAMESE_RESULTS[lower] ?? lower;
  });
  return parsed.ok ? parsed : { ok: false, reason: 'must be positive or negative (or âm tính / dương tính)' };
};
const parseStatus = (t: string) => parseChoice(t, ['F0', 'F1'] as const, (s) => s.toUpperCase());

/** Per kind: the row from its fields, or undefined when a field is bad (the reader has the reasons). */
const READERS: { readonly [K in ImportKind]: (f: FieldReader, line: number, id12: string | undefined, clock: Clock) => ImportRowOf[K] | undefined } = {
  person(f, line, id12) {
    const oldId = f.take('old_id', parseOldId, false);
    const bhxh = f.take('bhxh_number', parseBhxh, false);
    if (id12 === undefined) return undefined;
    const row: { line: number; id12: string; oldId?: string; bhxh?: string } = { line, id12 };
    if (oldId !== undefined) row.oldId = oldId;
    if (bhxh !== undefined) row.bhxh = bhxh;
    return row;
  },
  vaccination(f, line, id12, clock) {
    const dose = f.take('dose', parseDose);
    const date = f.take('date', parseDate);
    f.notAfter('date', date, clock.today);
    const product = f.take('product', parseProduct);
    return id12 === undefined || dose === undefined || date === undefined || product === undefined ? undefined : { line, id12, dose, date, product };
  },
  test(f, line, id12, clock) {
    const takenAtMs = f.take('taken_at', parseInstant);
    f.notAfter('taken_at', takenAtMs, clock.nowMs);
    const kind = f.take('kind', parseTestKind);
    const result = f.take('result', parseResult);
    return id12 === undefined || takenAtMs === undefined || kind === undefined || result === undefined ? undefined : { line, id12, takenAtMs, kind, result };
  },
  recovery(f, line, id12, clock) {
    const recoveredOn = f.take('recovered_on', parseDate);
    f.notAfter('recovered_on', recoveredOn, clock.today);
    return id12 === undefined || recoveredOn === undefined ? undefined : { line, id12, recoveredOn };
  },
  quarantine(f, line, id12) {
    const status = f.take('status', parseStatus);
    const from = f.take('from', parseDate);
    const to = f.take('to', parseDate, false);
    if (from !== undefined && to !== undefined && to < from) f.reasons.push(`to "${f.text('to')}" is before from "${f.text('from')}"`);
    if (id12 === undefined || status === undefined || from === undefined) return undefined;
    return to === undefined ? { line, id12, status, from } : { line, id12, status, from, to };
  },
};

let lastClock: Clock = { nowMs: Number.NaN, today: '' };

export function validateRow<K extends ImportKind>(kind: K, index: HeaderIndex<K>, record: CsvRecord, context: ValidationContext): RowCheck<K> {
  if (record.error !== undefined) return { ok: false, reason: record.error };
  if (record.fields.length !== index.width) {
    return { ok: false, reason: `has ${record.fields.length} ${record.fields.length === 1 ? 'field' : 'fields'}, the header has ${index.width}` };
  }
  // Millions of rows share one clock: work out today once.
  if (lastClock.nowMs !== context.nowMs) lastClock = { nowMs: context.nowMs, today: vietnamDateOf(context.nowMs) };
  const reader = new FieldReader(record.fields, index as unknown as Readonly<Record<string, number>>);
  const id12 = reader.take('id', parseId12);
  const row = (READERS[kind] as (f: FieldReader, line: number, id12: string | undefined, clock: Clock) => ImportRowOf[K] | undefined)(
    reader,
    record.line,
    id12,
    lastClock,
  );
  if (reader.reasons.length > 0 || row === undefined) return { ok: false, reason: reader.reasons.join('; ') };
  return { ok: true, row };
}
