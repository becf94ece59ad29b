import { accessSync, constants } from 'node:fs';
import { terminalText } from '../../domain/text/terminal-text.js';
import { describeHubStorage, openHubStorage, type HubStorageLocation } from '../storage/open-hub-storage.js';
import type { UnknownIds } from '../storage/hub-storage.js';
import { ImportRejected, type ImportKind } from '../storage/import-rows.js';
import { importCsvFile, type ImportProgress } from './import-file.js';
import { IMPORT_COLUMNS } from './row-validator.js';

/** `chot hub import`'s lines for the hub's help text. */
export const IMPORT_HELP = `  import --kind KIND FILE.csv [--pg URL]
             apply a platform's CSV export (UTF-8, header row) all or nothing; every
             bad row is reported by line. Re-importing a file changes nothing. Columns:
${Object.entries(IMPORT_COLUMNS)
  .map(([kind, columns]) => `               ${kind.padEnd(12)}${columns.join(',')}`)
  .join('\n')}
             dates YYYY-MM-DD or dd/mm/yyyy; product a DCC code or a common name;
             taken_at ISO 8601, in Vietnam time (UTC+7) when it has no zone; kind pcr|rapid;
             result positive|negative (or âm tính|dương tính); status F0|F1, to may be empty.
             A ;-separated file (a spreadsheet with Vietnamese settings) is read as it is.
             A fact file's IDs that the person table lacks are applied and noted.
             --pg URL: a PostgreSQL hub database instead of the SQLite one in --data`;

export interface ImportCommandOptions {
  readonly kind: ImportKind;
  readonly file: string;
  readonly location: HubStorageLocation;
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
  readonly nowMs?: number;
}

/** Runs one import for the CLI: prints a one-line summary, or every bad row. Exit code 0 or 1. */
export async function runImportCommand(options: ImportCommandOptions): Promise<number> {
  const { kind, file, stdout, stderr } = options;
  try {
    accessSync(file, constants.R_OK); // before the store is opened (and, for a new hub, created)
  } catch (error) {
    throw new Error(`cannot read ${file}: ${(error as { code?: string }).code ?? String(error)}`, { cause: error });
  }
  const storage = await openHubStorage(options.location);
  try {
    const result = await importCsvFile({
      kind,
      file,
      storage,
      context: { nowMs: options.nowMs ?? Date.now() },
      onProgress: (progress) => stderr.write(`${file}: ${describeProgress(progress)}\n`),
    });
    const changes = result.peopleChanged === 0 ? 'nothing changed (already up to date)' : `${plural(result.peopleChanged, 'person', 'people')} changed`;
    stdout.write(`imported ${file}: ${plural(result.rows, `${kind} row`)}, ${changes}; sequence ${result.seq} (${describeHubStorage(options.location)})\n`);
    if (result.unknownIds !== undefined) stderr.write(describeUnknownIds(file, result.unknownIds));
    return 0;
  } catch (error) {
    if (!(error instanceof ImportRejected)) throw error;
    // A problem quotes the file's cells: escaped, so no byte of the file reaches the terminal as a control.
    const lines = error.problems.map((p) => `  line ${p.line}: ${terminalText(p.message)}\n`).join('');
    const more = error.count > error.problems.length ? `  … and ${error.count - error.problems.length} more\n` : '';
    stderr.write(`chot hub import: ${terminalText(file)}: refused, nothing was imported (${plural(error.count, 'problem')}):\n${lines}${more}`);
    return 1;
  } finally {
    await storage.close();
  }
}

/**
 * Facts for IDs the hub had no person for are applied (the person file may come later), but
 * said, with where to look: a mistyped or spreadsheet-mangled ID is imported exactly like this.
 */
function describeUnknownIds(file: string, { count, firstLines }: UnknownIds): string {
  const where = `${firstLines.length === 1 ? 'line' : 'lines'} ${firstLines.join(', ')}${count > firstLines.length ? ', …' : ''}`;
  return (
    `chot hub import: ${terminalText(file)}: note: ${plural(count, 'ID')} ${count === 1 ? 'is' : 'are'} not in the person table (${where}); ` +
    `their facts were imported. Import the person file first, or check these IDs.\n`
  );
}

function describeProgress({ phase, bytesRead, totalBytes, rows }: ImportProgress): string {
  if (phase === 'applying') return `read all ${rows.toLocaleString('en-US')} rows; applying them in one transaction…`;
  const percent = totalBytes > 0 ? Math.floor((100 * bytesRead) / totalBytes) : 100;
  return `${percent}% read, ${rows.toLocaleString('en-US')} rows`;
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}
