import { columnsOf, type ColumnSpec, type TableSpec } from './fact-tables.js';
import type { ImportResult } from './hub-storage.js';
import { ImportRejected, MAX_REPORTED_PROBLEMS, type ImportProblem } from './import-rows.js';

/** How many lines of IDs new to the hub an import names (the count says how many in all). */
export const UNKNOWN_ID_LINES_REPORTED = 10;

/**
 * The statements of one import, generated from its table spec for either database. An
 * import stages the file's rows in a temporary table, finds rows of the file that
 * contradict each other, then compares the staged facts with the stored ones set-wise: only
 * what differs is written, and only the people it belongs to get the new sequence value.
 * That comparison is what makes a re-import change nothing.
 */
export interface SqlDialect {
  readonly name: 'sqlite' | 'pg';
  /** The n-th (1-based) statement parameter. */
  param(n: number): string;
}

export const SQLITE_DIALECT: SqlDialect = { name: 'sqlite', param: () => '?' };
export const PG_DIALECT: SqlDialect = { name: 'pg', param: (n) => `$${n}` };

export interface ImportStatements {
  readonly createStage: string;
  /** Parameters: line, then the spec's columns. */
  readonly insertStage: string;
  /** PostgreSQL: stages a batch with one round trip. Parameters: one array per column, line first. */
  readonly insertStageBatch: string;
  /** Rows contradicting an earlier row with the same key: (line, first_line). Parameter: limit. */
  readonly conflicts: string;
  readonly countConflicts: string;
  /** Materialises the staged facts that differ from the stored ones into `import_diff`. */
  readonly createDiff: string;
  readonly countChangedPeople: string;
  readonly countNewPeople: string;
  /** The first line of each staged ID the person table does not hold, ascending. Parameter: limit. */
  readonly unknownIdLines: string;
  /** Gives every changed person the new sequence (creating unknown people). Parameter: seq. */
  readonly stampPeople: string;
  /** Writes the differing facts. */
  readonly applyDiff: string;
  readonly dropTemporary: readonly string[];
}

const typeOf = (column: ColumnSpec, dialect: SqlDialect): string => (dialect.name === 'sqlite' ? column.sqlite : column.pg);
const differs = (a: string, b: string, dialect: SqlDialect): string => (dialect.name === 'sqlite' ? `${a} IS NOT ${b}` : `${a} IS DISTINCT FROM ${b}`);

export function importStatements(spec: TableSpec, dialect: SqlDialect): ImportStatements {
  const columns = columnsOf(spec);
  const names = columns.map((c) => c.name);
  const list = (prefix: string): string => names.map((n) => `${prefix}${n}`).join(', ');
  const keysMatch = (a: string, b: string): string => spec.keys.map((k) => `${a}.${k.name} = ${b}.${k.name}`).join(' AND ');
  const valuesDiffer = (a: string, b: string): string => spec.values.map((v) => differs(`${a}.${v.name}`, `${b}.${v.name}`, dialect)).join(' OR ');
  const stageColumns = [`line ${dialect.name === 'sqlite' ? 'INTEGER' : 'integer'} PRIMARY KEY`, ...columns.map((c) => `${c.name} ${typeOf(c, dialect)}`)];

  // For `latest` (recovery), the file's own latest date per person is what counts, and it
  // changes the store only when it is later than what the store holds.
  const staged =
    spec.merge === 'latest'
      ? `(SELECT ${spec.keys.map((k) => k.name).join(', ')}, ${spec.values.map((v) => `max(${v.name}) AS ${v.name}`).join(', ')} FROM import_stage GROUP BY ${spec.keys.map((k) => k.name).join(', ')})`
      : 'import_stage';
  const changedWhere = spec.merge === 'latest' ? spec.values.map((v) => `t.${v.name} < s.${v.name}`).join(' OR ') : valuesDiffer('t', 's');

  const firstOfKey = `SELECT ${spec.keys.map((k) => k.name).join(', ')}, min(line) AS line FROM import_stage GROUP BY ${spec.keys.map((k) => k.name).join(', ')} HAVING count(*) > 1`;
  const conflictRows =
    spec.merge === 'latest'
      ? 'SELECT 0 AS line, 0 AS first_line WHERE 1 = 0'
      : `SELECT s.line AS line, f.line AS first_line
         FROM (${firstOfKey}) AS f
         JOIN import_stage AS o ON o.line = f.line
         JOIN import_stage AS s ON ${keysMatch('s', 'f')} AND s.line > f.line
        WHERE ${valuesDiffer('s', 'o')}`;

  const applyDiff =
    spec.table === 'person'
      ? `UPDATE person SET ${spec.values.map((v) => `${v.name} = d.${v.name}`).join(', ')} FROM import_diff AS d WHERE person.id12 = d.id12`
      : `INSERT INTO ${spec.table} (${list('')}) SELECT ${list('')} FROM import_diff WHERE true
       ON CONFLICT (${spec.keys.map((k) => k.name).join(', ')}) DO UPDATE SET ${spec.values.map((v) => `${v.name} = excluded.${v.name}`).join(', ')}`;

  return {
    createStage: `CREATE TEMP TABLE import_stage (${stageColumns.join(', ')})`,
    insertStage: `INSERT INTO import_stage (line, ${list('')}) VALUES (${[0, ...names].map((_, i) => dialect.param(i + 1)).join(', ')})`,
    insertStageBatch: `INSERT INTO import_stage (line, ${list('')})
      SELECT * FROM unnest(${['integer', ...columns.map((c) => c.pg)].map((type, i) => `$${i + 1}::${type}[]`).join(', ')})`,
    conflicts: `${conflictRows} ORDER BY line LIMIT ${dialect.param(1)}`,
    countConflicts: `SELECT count(*) AS n FROM (${conflictRows}) AS c`,
    createDiff: `CREATE TEMP TABLE import_diff AS
      SELECT DISTINCT ${list('s.')} FROM ${staged} AS s
      LEFT JOIN ${spec.table} AS t ON ${keysMatch('t', 's')}
      WHERE t.id12 IS NULL OR ${changedWhere}`,
    countChangedPeople: 'SELECT count(DISTINCT id12) AS n FROM import_diff',
    countNewPeople: `SELECT count(*) AS n FROM (SELECT DISTINCT id12 FROM import_diff) AS d
      WHERE NOT EXISTS (SELECT 1 FROM person AS p WHERE p.id12 = d.id12)`,
    unknownIdLines: `SELECT min(s.line) AS line FROM import_stage AS s
      WHERE NOT EXISTS (SELECT 1 FROM person AS p WHERE p.id12 = s.id12) GROUP BY s.id12 ORDER BY 1 LIMIT ${dialect.param(1)}`,
    stampPeople: `INSERT INTO person (id12, seq) SELECT DISTINCT id12, ${dialect.name === 'pg' ? '$1::bigint' : '?'} FROM import_diff WHERE true
      ON CONFLICT (id12) DO UPDATE SET seq = excluded.seq`,
    applyDiff,
    dropTemporary: ['DROP TABLE IF EXISTS import_diff', 'DROP TABLE IF EXISTS import_stage'],
  };
}

/**
 * The result of an import that added `newPeople` to the hub. A person file adds people by
 * design; a fact file adding them is reported. Call before stamping, while the person table
 * still lacks them; `firstLines` runs the query only when there is something to report.
 */
export async function resultWithUnknownIds(
  spec: TableSpec,
  result: ImportResult,
  newPeople: number,
  firstLines: (limit: number) => Promise<number[]> | number[],
): Promise<ImportResult> {
  if (spec.kind === 'person' || newPeople === 0) return result;
  return { ...result, unknownIds: { count: newPeople, firstLines: await firstLines(UNKNOWN_ID_LINES_REPORTED) } };
}

/** A row that says otherwise than an earlier row about the same fact. */
export function conflictProblem(spec: TableSpec, line: number, firstLine: number): ImportProblem {
  return { line, message: `contradicts line ${firstLine}: same ${spec.keyWords}, different ${spec.valueWords}` };
}

/** The producer's bad rows and the store's contradictions, as one report sorted by line. */
export function mergeProblems(rejected: ImportRejected, conflicts: { problems: readonly ImportProblem[]; count: number }): ImportRejected {
  if (conflicts.count === 0) return rejected;
  const problems = [...rejected.problems, ...conflicts.problems].sort((a, b) => a.line - b.line).slice(0, MAX_REPORTED_PROBLEMS);
  return new ImportRejected(problems, rejected.count + conflicts.count);
}
