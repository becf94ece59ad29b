import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { defaultDataDir } from '../../main/config/paths.js';
import { EntryLog } from '../../main/store/entry-log.js';
import { KIOSK_DATABASE_FILE, openKioskDatabase } from '../../main/store/kiosk-database.js';
import { parseCommandArgs, UsageError } from '../args.js';
import { DB_KEY_FILE_OPTION } from '../db-key-option.js';
import { loadAtRestKey } from '../../main/store/at-rest-key.js';
import { terminalText } from '../../domain/text/terminal-text.js';

export const LOG_HELP = `Usage: chot log verify [--data-dir DIR]

Checks the kiosk's entry log: every entry's hash against its content, and each entry's
link to the one before it (docs/entry-log.md), from entry 1 or, once entries were purged
after upload, from the last entry purged. Reports the first entry that was edited, or
before which a row is missing or out of order. Exit code 0 when the chain is intact,
1 when it is broken.

Options:
  --data-dir DIR  the kiosk's data directory (default: ${defaultDataDir()})
  --db-key-file FILE
                  the key the kiosk's databases are encrypted with, when they are and
                  this shell has no chot-db-key credential (default: $CHOT_DB_KEY_FILE)
`;

export async function runLog(args: readonly string[]): Promise<number> {
  const [command, ...rest] = args;
  if (command !== 'verify') throw new UsageError(command === undefined ? 'name a log command' : `unknown log command "${command}"`);
  const { values } = parseCommandArgs(rest, { 'data-dir': { type: 'string' }, ...DB_KEY_FILE_OPTION });
  const file = join(resolve(values['data-dir'] ?? defaultDataDir()), KIOSK_DATABASE_FILE);
  // Opening would create an empty log, which would then "verify": say there is none.
  if (!existsSync(file)) {
    process.stderr.write(`chot log verify: there is no entry log at ${file}\n`);
    return 1;
  }
  // Opening migrates an older log: columns are added (migration 7 copies the table to widen a CHECK),
  // every row's values and format stay as they were, so the chain verifies the same.
  const db = openKioskDatabase(file, loadAtRestKey({ keyFile: values['db-key-file'] }));
  try {
    const log = new EntryLog(db);
    const check = log.verify();
    if (!check.ok) {
      process.stdout.write(`${terminalText(check.message)}\n`);
      process.stdout.write(`the entry log ${file} was changed after it was written, or is damaged: keep the file as it is, and report the kiosk\n`);
      return 1;
    }
    const { entries, last } = check;
    const anchor = log.anchor();
    // After uploads and the retention period, the log starts after the last entry purged.
    const purged =
      anchor.seq === 0
        ? ''
        : ` after entries 1–${anchor.seq}, which the hub holds and this kiosk purged (anchor hash ${Buffer.from(anchor.hash).toString('hex')})`;
    process.stdout.write(
      entries === 0
        ? `0 entries: the log is empty${purged}\n`
        : `${entries} entries, chain intact${purged} (last seq ${last.seq}, hash ${Buffer.from(last.hash).toString('hex')})\n`,
    );
    return 0;
  } finally {
    db.close();
  }
}
