import { vnDayOf } from '../reports/vn-calendar.js';

/**
 * How long the hub keeps entries (docs/entry-log.md, "Retention at the hub"). An entry is
 * kept for as long as contact tracing may need it, then for a margin, then dropped:
 *
 * - TRACE_NEED_DAYS: a trace looks back over the incubation period, 14 days from the day a
 *   case is found (the 14 days every trace in this project's docs and benchmarks use);
 * - RETENTION_AFTER_NEED_DAYS: 21 days more, the same margin a kiosk keeps entries after the
 *   hub's receipt (`chot start --retention-days`, default 21), for a case reported late or
 *   a trace re-run by an investigator.
 *
 * So by default an entry is kept 35 days, counted in whole Vietnam days: on day D the
 * entries of days D−35 … D remain and the partitions before D−35 are dropped.
 */
export const TRACE_NEED_DAYS = 14;
export const RETENTION_AFTER_NEED_DAYS = 21;
export const DEFAULT_ENTRY_KEEP_DAYS = TRACE_NEED_DAYS + RETENTION_AFTER_NEED_DAYS;
/** A bound on the setting: a typo of 3650 must not mean "never delete" unnoticed. */
export const MAX_ENTRY_KEEP_DAYS = 3660;

export interface PrunedEntries {
  /** Day partitions dropped, oldest first, with the planner's estimate of their rows. */
  readonly dropped: readonly { readonly name: string; readonly day: number; readonly estimatedRows: number }[];
  /** Rows deleted outside the day partitions (entries whose kiosk clock was far off) before the cutoff. */
  readonly defaultRows: number;
  /** Refused entries (entry_conflict, which hold the whole entry) received before the cutoff. */
  readonly conflicts: number;
}

/**
 * A store whose entries live in day partitions (PostgreSQL): partitions are made ahead and
 * dropped whole past retention. The SQLite hub's store has none and keeps every entry.
 */
export interface EntryPartitions {
  /** Today's and tomorrow's partitions, so midnight's entries never wait for DDL. */
  prepare(nowMs: number): Promise<void>;
  /** Drops everything before the Vietnam day `firstKeptDay`. */
  prune(firstKeptDay: number): Promise<PrunedEntries>;
}

/** The first Vietnam day kept at `nowMs` when entries are kept `keepDays` days. */
export function firstKeptDay(nowMs: number, keepDays: number): number {
  checkKeepDays(keepDays);
  return vnDayOf(nowMs) - keepDays;
}

export function checkKeepDays(keepDays: number): void {
  if (!Number.isInteger(keepDays) || keepDays < TRACE_NEED_DAYS || keepDays > MAX_ENTRY_KEEP_DAYS) {
    throw new RangeError(
      `entries must be kept a whole number of days, ${TRACE_NEED_DAYS}–${MAX_ENTRY_KEEP_DAYS} (contact tracing needs ${TRACE_NEED_DAYS}), got ${keepDays}`,
    );
  }
}
