import { maintainEntries, prunedSummary } from '../../hub/entries/entry-maintenance.js';
import { checkKeepDays, DEFAULT_ENTRY_KEEP_DAYS, firstKeptDay, RETENTION_AFTER_NEED_DAYS, TRACE_NEED_DAYS } from '../../hub/entries/entry-retention.js';
import { assertHubStorageExists, openHubStorage } from '../../hub/storage/open-hub-storage.js';
import { UsageError } from '../args.js';
import { parseStorageCommand } from './hub-storage-args.js';

/** The entries command's lines for the hub's help text. */
export const HUB_ENTRIES_HELP = `  entries prune [--keep-days N] [--pg URL]
             drop the entries kiosks uploaded that are past retention: whole days, oldest
             first, and say which. Default ${DEFAULT_ENTRY_KEEP_DAYS} days (the ${TRACE_NEED_DAYS} days a contact trace
             looks back, then ${RETENTION_AFTER_NEED_DAYS} more); serve does the same hourly (--entry-keep-days).
             PostgreSQL only: a SQLite hub keeps every entry`;

export interface HubEntriesIo {
  readonly stdout: { write(text: string): unknown };
  readonly now?: () => number;
}

/** Parses `--keep-days N` (serve's `--entry-keep-days` too): a usage error names the bounds. */
export function parseKeepDays(text: string | undefined, option: string): number {
  const keepDays = text === undefined ? DEFAULT_ENTRY_KEEP_DAYS : Number(text);
  try {
    checkKeepDays(keepDays);
  } catch (error) {
    throw new UsageError(`${option}: ${(error as Error).message}`);
  }
  return keepDays;
}

/** `chot hub entries prune [--keep-days N] [--data DIR | --pg URL]` */
export async function runHubEntries(args: readonly string[], io: HubEntriesIo = { stdout: process.stdout }): Promise<number> {
  const [command, ...rest] = args;
  if (command !== 'prune') throw new UsageError(command === undefined ? 'name an entries command: prune' : `unknown entries command "${command}"`);
  const { values, location } = parseStorageCommand(rest, { 'keep-days': { type: 'string' } }, 0);
  const keepDays = parseKeepDays(values['keep-days'], '--keep-days');
  assertHubStorageExists(location);
  const storage = await openHubStorage(location);
  try {
    const nowMs = (io.now ?? Date.now)();
    const pruned = await maintainEntries(storage.entries, nowMs, keepDays, { info: () => undefined });
    io.stdout.write(
      pruned === undefined
        ? 'this hub keeps its entries in SQLite, which has no day partitions: it keeps every entry (retention by partition is PostgreSQL’s)\n'
        : `${prunedSummary(pruned, firstKeptDay(nowMs, keepDays), keepDays)}\n`,
    );
  } finally {
    await storage.close();
  }
  return 0;
}
