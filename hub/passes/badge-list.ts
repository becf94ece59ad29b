import { citizenIdParts } from '../../domain/credentials/citizen-id.js';
import { HOLDER_BIRTH_YEARS, holderNameProblem, isHolderBirthYear } from '../../domain/credentials/pass/pass-codec.js';
import { visibleText } from '../../domain/text/visible-text.js';
import { CsvParser, type CsvRecord } from '../import/csv-parser.js';
import { parseId12, type Parsed } from '../import/field-parsers.js';
import { checkColumns, FieldReader } from '../import/row-validator.js';
import type { ImportProblem } from '../storage/import-rows.js';

/**
 * The list a school or a workplace hands the hub to print badges for: a CSV (UTF-8, header row,
 * `,` or `;` as a spreadsheet saves it) with the columns below, one person a row. Read with the
 * import's CSV reader and field checks, so an ID a spreadsheet mangled gets the same hint.
 * Pure: the text in, the rows and every bad line out.
 */
export const BADGE_COLUMNS = ['id', 'name', 'birth_year'] as const;

export interface BadgeRow {
  readonly line: number;
  readonly id12: string;
  /** As it will be signed: visibleText of the cell (NFC, no invisible characters). */
  readonly name: string;
  readonly birthYear?: number;
}

export interface BadgeList {
  readonly rows: readonly BadgeRow[];
  /** Each bad line with every reason, in file order. */
  readonly problems: readonly ImportProblem[];
}

const parseName = (text: string): Parsed<string> => {
  const name = visibleText(text);
  const problem = holderNameProblem(name);
  return problem === undefined ? { ok: true, value: name } : { ok: false, reason: `cannot go on a pass: ${problem}` };
};

const parseBirthYear = (text: string): Parsed<number> =>
  /^\d{4}$/.test(text) && isHolderBirthYear(Number(text))
    ? { ok: true, value: Number(text) }
    : { ok: false, reason: `is not a year of birth (${HOLDER_BIRTH_YEARS.min}–${HOLDER_BIRTH_YEARS.max})` };

/**
 * A citizen ID encodes its holder's century and the last two digits of the year of birth: a year
 * the ID contradicts is a typing slip in one of them, and either would print a wrong badge.
 */
function birthYearOfId(id12: string): number {
  const parts = citizenIdParts(id12);
  return parts.centuryStart + parts.yearDigits;
}

function readRow(record: CsvRecord, index: Readonly<Record<string, number>> & { width: number }): BadgeRow | string {
  if (record.error !== undefined) return record.error;
  if (record.fields.length !== index.width)
    return `has ${record.fields.length} ${record.fields.length === 1 ? 'field' : 'fields'}, the header has ${index.width}`;
  const reader = new FieldReader(record.fields, index);
  const id12 = reader.take('id', parseId12);
  const name = reader.take('name', parseName);
  const birthYear = reader.take('birth_year', parseBirthYear, false);
  if (id12 !== undefined && birthYear !== undefined && birthYearOfId(id12) !== birthYear) {
    reader.reasons.push(`birth_year "${birthYear}" does not match the ID, whose digits say ${birthYearOfId(id12)}`);
  }
  if (reader.reasons.length > 0 || id12 === undefined || name === undefined) return reader.reasons.join('; ');
  return { line: record.line, id12, name, ...(birthYear === undefined ? {} : { birthYear }) };
}

export function readBadgeList(text: string): BadgeList {
  const records = new CsvParser({ separator: 'detect' }).end(text);
  const [header, ...body] = records;
  if (header === undefined)
    return { rows: [], problems: [{ line: 1, message: `the file is empty: a badge list starts with the header row ${BADGE_COLUMNS.join(',')}` }] };
  const columns = checkColumns(
    BADGE_COLUMNS,
    header.error === undefined ? header.fields : [],
    'a badge list',
    'a badge prints only the name and year of birth',
  );
  if (!columns.ok) return { rows: [], problems: columns.problems.map((message) => ({ line: header.line, message })) };
  const rows: BadgeRow[] = [];
  const problems: ImportProblem[] = [];
  const firstLineOf = new Map<string, number>();
  for (const record of body) {
    // A spreadsheet's trailing empty rows are not people.
    if (record.error === undefined && record.fields.every((field) => field.trim() === '')) continue;
    const row = readRow(record, columns.index);
    if (typeof row === 'string') {
      problems.push({ line: record.line, message: row });
      continue;
    }
    const first = firstLineOf.get(row.id12);
    if (first !== undefined) {
      problems.push({ line: record.line, message: `the same ID as line ${first}: one badge a person` });
      continue;
    }
    firstLineOf.set(row.id12, record.line);
    rows.push(row);
  }
  return { rows, problems };
}
