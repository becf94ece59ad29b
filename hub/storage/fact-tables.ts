import type { ImportKind, ImportRowOf } from './import-rows.js';

/**
 * How each import kind lands in the database, described once so that the SQLite and the
 * PostgreSQL implementation generate the same statements in their own dialect. Facts are
 * normalised per kind, keyed by what identifies one fact: a dose by (person, dose number),
 * a test by (person, time, kind), a quarantine by (person, status, first day), a recovery
 * by the person (the latest wins), the identifiers by the person.
 */
export interface ColumnSpec {
  readonly name: string;
  readonly sqlite: 'INTEGER' | 'TEXT';
  readonly pg: 'bigint' | 'integer' | 'date' | 'text';
}

export interface TableSpec<K extends ImportKind = ImportKind> {
  readonly kind: K;
  readonly table: string;
  /** What identifies one fact; the first is always id12. */
  readonly keys: readonly ColumnSpec[];
  /** What a row states about it. */
  readonly values: readonly ColumnSpec[];
  /**
   * `replace`: the file states the fact's current value, and two rows with one key but
   * different values contradict each other. `latest`: only the latest date counts
   * (recovery), so several rows per person are fine.
   */
  readonly merge: 'replace' | 'latest';
  /** In a contradiction message: "same <keyWords>, different <valueWords>". */
  readonly keyWords: string;
  readonly valueWords: string;
  /** The row as statement parameters: keys, then values. id12 as its 12-digit string. */
  params(row: ImportRowOf[K]): (string | number | null)[];
}

const ID12: ColumnSpec = { name: 'id12', sqlite: 'INTEGER', pg: 'bigint' };
const text = (name: string): ColumnSpec => ({ name, sqlite: 'TEXT', pg: 'text' });
const date = (name: string): ColumnSpec => ({ name, sqlite: 'TEXT', pg: 'date' });

export const TABLE_SPECS: { readonly [K in ImportKind]: TableSpec<K> } = {
  person: {
    kind: 'person',
    table: 'person',
    keys: [ID12],
    values: [text('old_id'), text('bhxh')],
    merge: 'replace',
    keyWords: 'id',
    valueWords: 'old_id or bhxh_number',
    params: (row) => [row.id12, row.oldId ?? null, row.bhxh ?? null],
  },
  vaccination: {
    kind: 'vaccination',
    table: 'vaccination',
    keys: [ID12, { name: 'dose', sqlite: 'INTEGER', pg: 'integer' }],
    values: [date('given_on'), text('product')],
    merge: 'replace',
    keyWords: 'id and dose',
    valueWords: 'date or product',
    params: (row) => [row.id12, row.dose, row.date, row.product],
  },
  test: {
    kind: 'test',
    table: 'test_result',
    keys: [ID12, { name: 'taken_at', sqlite: 'INTEGER', pg: 'bigint' }, text('kind')],
    values: [text('result')],
    merge: 'replace',
    keyWords: 'id, taken_at and kind',
    valueWords: 'result',
    params: (row) => [row.id12, row.takenAtMs, row.kind, row.result],
  },
  recovery: {
    kind: 'recovery',
    table: 'recovery',
    keys: [ID12],
    values: [date('recovered_on')],
    merge: 'latest',
    keyWords: 'id',
    valueWords: 'recovered_on',
    params: (row) => [row.id12, row.recoveredOn],
  },
  quarantine: {
    kind: 'quarantine',
    table: 'quarantine',
    keys: [ID12, text('status'), date('starts_on')],
    values: [date('ends_on')],
    merge: 'replace',
    keyWords: 'id, status and from',
    valueWords: 'to',
    params: (row) => [row.id12, row.status, row.from, row.to ?? null],
  },
};

export function columnsOf(spec: TableSpec): readonly ColumnSpec[] {
  return [...spec.keys, ...spec.values];
}
