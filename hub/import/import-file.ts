import { createReadStream, statSync } from 'node:fs';
import { basename } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import type { HubStorage, ImportResult } from '../storage/hub-storage.js';
import { ImportRejected, MAX_REPORTED_PROBLEMS, type ImportKind, type ImportProblem, type ImportRowOf } from '../storage/import-rows.js';
import { CsvParser, type CsvRecord } from './csv-parser.js';
import { checkHeader, IMPORT_COLUMNS, validateRow, type HeaderIndex, type ValidationContext } from './row-validator.js';

export interface ImportProgress {
  /** Reading the file, or (after the last row) the store comparing and writing. */
  readonly phase: 'reading' | 'applying';
  readonly bytesRead: number;
  readonly totalBytes: number;
  readonly rows: number;
}

export interface ImportFileOptions<K extends ImportKind> {
  readonly kind: K;
  readonly file: string;
  readonly storage: HubStorage;
  readonly context: ValidationContext;
  /** Called now and then (every `progressEveryMs`) while a big file is read. */
  readonly onProgress?: (progress: ImportProgress) => void;
  readonly progressEveryMs?: number;
}

/** Bad rows to report, capped: a file of ten million bad rows must not fill memory with messages. */
class ProblemList {
  readonly problems: ImportProblem[] = [];
  count = 0;

  add(line: number, message: string): void {
    this.count += 1;
    if (this.problems.length < MAX_REPORTED_PROBLEMS) this.problems.push({ line, message });
  }
}

/**
 * Imports one CSV export: streams it through the CSV reader and the row validator into
 * the storage, which applies it in one transaction. Bad rows are collected (every one, by
 * line) while reading on; at the end of the file they make the rows throw ImportRejected,
 * which rolls the whole import back. Throws ImportRejected, or an Error for a file that
 * cannot be read.
 */
export async function importCsvFile<K extends ImportKind>(options: ImportFileOptions<K>): Promise<ImportResult> {
  const totalBytes = statSync(options.file).size; // fails early, before the store is touched
  return options.storage.applyImport(options.kind, validatedRows(options, totalBytes), { name: basename(options.file) });
}

async function* validatedRows<K extends ImportKind>(options: ImportFileOptions<K>, totalBytes: number): AsyncGenerator<ImportRowOf[K]> {
  const problems = new ProblemList();
  // A spreadsheet with Vietnamese settings saves `;` between fields: read the file as it is.
  const parser = new CsvParser({ separator: 'detect' });
  // Not fatal: an invalid byte becomes U+FFFD, which the validator reports with its line.
  const decoder = new StringDecoder('utf8');
  let header: HeaderIndex<K> | undefined;
  let rows = 0;
  let bytesRead = 0;
  let lastReport = Date.now();
  let reported = false;

  function* take(records: readonly CsvRecord[]): Generator<ImportRowOf[K]> {
    for (const record of records) {
      if (header === undefined) {
        const check = checkHeader(options.kind, record.error === undefined ? record.fields : []);
        if (!check.ok) {
          // Without the columns no row can be read: the header's problems are the report.
          throw new ImportRejected(check.problems.map((message) => ({ line: record.line, message })));
        }
        header = check.index;
        continue;
      }
      rows += 1;
      const result = validateRow(options.kind, header, record, options.context);
      if (result.ok) yield result.row;
      else problems.add(record.line, result.reason);
    }
  }

  for await (const chunk of createReadStream(options.file, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    bytesRead += chunk.length;
    yield* take(parser.push(decoder.write(chunk)));
    if (options.onProgress !== undefined && Date.now() - lastReport >= (options.progressEveryMs ?? 2_000)) {
      lastReport = Date.now();
      reported = true;
      options.onProgress({ phase: 'reading', bytesRead, totalBytes, rows });
    }
  }
  yield* take(parser.end(decoder.end()));
  if (header === undefined) {
    throw new ImportRejected([
      { line: 1, message: `the file is empty: a ${options.kind} file starts with the header row ${IMPORT_COLUMNS[options.kind].join(',')}` },
    ]);
  }
  if (problems.count > 0) throw new ImportRejected(problems.problems, problems.count);
  // A file big enough to report progress is big enough for the apply to take a while.
  if (reported) options.onProgress?.({ phase: 'applying', bytesRead, totalBytes, rows });
}
