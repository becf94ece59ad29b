import type { Logger } from '../../platform/logging/logger.js';
import { messageOf } from '../../platform/message-of.js';
import { vnDate } from '../reports/vn-calendar.js';
import type { EntryStore } from './entry-store.js';
import { firstKeptDay, type PrunedEntries } from './entry-retention.js';

/** How often `chot hub serve` makes the next partitions and drops the expired ones. */
export const ENTRY_MAINTENANCE_MS = 3600_000;

/**
 * One round of entry retention on a partitioned store: today's and tomorrow's partitions,
 * then every partition before the first day kept dropped whole. Undefined on a store without
 * partitions (SQLite keeps every entry). What it dropped is logged: days and row estimates,
 * never an entry's content.
 */
export async function maintainEntries(entries: EntryStore, nowMs: number, keepDays: number, log: Pick<Logger, 'info'>): Promise<PrunedEntries | undefined> {
  const partitions = entries.partitions;
  if (partitions === undefined) return undefined;
  const keepFrom = firstKeptDay(nowMs, keepDays);
  await partitions.prepare(nowMs);
  const pruned = await partitions.prune(keepFrom);
  if (pruned.dropped.length > 0 || pruned.defaultRows > 0 || pruned.conflicts > 0) log.info(prunedSummary(pruned, keepFrom, keepDays));
  return pruned;
}

/** One line: what retention dropped, for the log and the command's output. */
export function prunedSummary(pruned: PrunedEntries, keepFrom: number, keepDays: number): string {
  const days = pruned.dropped.map((d) => `${vnDate(d.day)} (~${d.estimatedRows} entries)`).join(', ');
  return (
    `entry retention (${keepDays} days, keeping ${vnDate(keepFrom)} on): ` +
    `dropped ${pruned.dropped.length} day partition${pruned.dropped.length === 1 ? '' : 's'}${days === '' ? '' : ` ${days}`}, ` +
    `${pruned.defaultRows} out-of-range entr${pruned.defaultRows === 1 ? 'y' : 'ies'}, ${pruned.conflicts} refused entr${pruned.conflicts === 1 ? 'y' : 'ies'}`
  );
}

/**
 * Runs maintainEntries now and every ENTRY_MAINTENANCE_MS until stopped; a failed round is
 * logged and tried again next time. `firstRound` settles when the first is done: the server
 * waits for it before it listens, so what an upload stores is never dropped by a round that
 * started before it (its day, past retention, would be made and dropped within the hour).
 */
export function startEntryMaintenance(options: {
  readonly entries: EntryStore;
  readonly keepDays: number;
  readonly log: Pick<Logger, 'info' | 'warn'>;
  readonly now: () => number;
  readonly everyMs?: number;
}): { readonly firstRound: Promise<void>; close(): Promise<void> } {
  let running: Promise<void> = Promise.resolve();
  const round = (): void => {
    running = maintainEntries(options.entries, options.now(), options.keepDays, options.log).then(
      () => undefined,
      (error: unknown) => options.log.warn(`entry retention failed (tried again in an hour): ${messageOf(error)}`),
    );
  };
  round();
  const firstRound = running;
  const timer = setInterval(round, options.everyMs ?? ENTRY_MAINTENANCE_MS);
  timer.unref();
  return {
    firstRound,
    close: async () => {
      clearInterval(timer);
      await running;
    },
  };
}
