import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { terminalText } from '../../domain/text/terminal-text.js';
import { defaultHubDataDir } from '../../hub/config/hub-paths.js';
import { loadOrCreateHubSigningKey } from '../../hub/keys/hub-signing-key.js';
import { issueBadges } from '../../hub/passes/badge-issuer.js';
import { BADGE_COLUMNS, readBadgeList } from '../../hub/passes/badge-list.js';
import { openHubStorage } from '../../hub/storage/open-hub-storage.js';
import { parseCommandArgs, UsageError } from '../args.js';
import { PASS_PRINT_OPTIONS, parsePassPrint, writePassCards } from './pass-print-options.js';

export const HUB_BADGES_HELP = `  badges --csv FILE --out FILE.pdf [--card id1|a6] [--valid-days N] [--issuer TEXT] [--pg URL]
             print a sheet of status-pass badges for a class or a workplace: A4 pages of
             ID-1 cards (10 a page; --card a6: 4 a page), each with its QR, the holder's
             name and year of birth, the ID's last 4 digits, the issuer and the expiry.
             The CSV (UTF-8, header row, , or ; separated) has the columns
             ${BADGE_COLUMNS.join(',')} (birth_year may be empty); each pass carries the
             hub's facts, as issue-pass does. Rows the hub does not know, or that are bad,
             are reported by line and not printed. --valid-days: default 30, at most 366`;

/** A class list or a workplace's staff: far below this; a bigger file is the wrong file. */
const MAX_LIST_BYTES = 5 * 1024 * 1024;
/** How many bad lines to print: the count says the rest. */
const SHOWN_PROBLEMS = 20;
const DEFAULT_VALID_DAYS = 30;
const MAX_VALID_DAYS = 366;

/** `chot hub badges --csv FILE --out FILE.pdf …`: exit 0 when every row was printed, 1 otherwise. */
export async function runHubBadges(args: readonly string[]): Promise<number> {
  const { values } = parseCommandArgs(args, {
    ...PASS_PRINT_OPTIONS,
    csv: { type: 'string' },
    'valid-days': { type: 'string' },
    data: { type: 'string' },
    pg: { type: 'string' },
  });
  if (values.csv === undefined) throw new UsageError('--csv FILE is the list of people to print badges for');
  if (values.data !== undefined && values.pg !== undefined) throw new UsageError('give --data DIR or --pg URL, not both');
  const validDays = Number(values['valid-days'] ?? DEFAULT_VALID_DAYS);
  if (!(Number.isInteger(validDays) && validDays > 0 && validDays <= MAX_VALID_DAYS))
    throw new UsageError(`--valid-days must be a whole number of days, 1–${MAX_VALID_DAYS}`);
  const dataDir = resolve(values.data ?? defaultHubDataDir());
  const key = loadOrCreateHubSigningKey(dataDir);
  const print = parsePassPrint(values, key, true);
  if (print === undefined) throw new UsageError('--out FILE.pdf is where the printable PDF goes');
  const file = values.csv;
  if (statSync(file).size > MAX_LIST_BYTES) throw new UsageError(`${file}: over ${MAX_LIST_BYTES / 1024 / 1024} MB: not a badge list`);
  const list = readBadgeList(readFileSync(file, 'utf8'));

  const storage = await openHubStorage(values.pg === undefined ? { dataDir } : { pgUrl: values.pg });
  let issued;
  try {
    issued = await issueBadges(list, {
      key,
      findFacts: async (id12) => (await storage.findPerson(id12))?.facts,
      now: Date.now(),
      validForHours: validDays * 24,
    });
  } finally {
    await storage.close();
  }

  const { passes, problems } = issued;
  if (passes.length > 0) {
    const pages = await writePassCards(passes, print, 'sheet');
    process.stdout.write(
      `printed ${plural(passes.length, 'badge')} on ${plural(pages, 'page')} to ${terminalText(print.out)}, valid ${plural(validDays, 'day')}\n`,
    );
  }
  if (problems.length === 0) return 0;
  // The cells quoted come from the file: escaped, so none reaches the terminal as a control.
  const shown = problems.slice(0, SHOWN_PROBLEMS).map((p) => `  line ${p.line}: ${terminalText(p.message)}\n`);
  const more = problems.length > SHOWN_PROBLEMS ? `  … and ${problems.length - SHOWN_PROBLEMS} more\n` : '';
  const outcome = passes.length === 0 ? 'nothing was printed' : 'the others were printed';
  process.stderr.write(`chot hub badges: ${terminalText(file)}: ${plural(problems.length, 'row')} not printed (${outcome}):\n${shown.join('')}${more}`);
  return 1;
}

function plural(n: number, one: string): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : `${one}s`}`;
}
