import type { ChangedPerson, SyncedPerson } from '../../domain/sync/synced-person.js';
import type { AdminTokenStore } from '../admin/admin-token-store.js';
import type { DeviceStatusStore } from '../devices/device-status-store.js';
import type { EnrollmentStore } from '../enrollment/enrollment-store.js';
import type { NonceStore } from '../enrollment/request-verifier.js';
import type { EntryStore } from '../entries/entry-store.js';
import type { ReportStore } from '../reports/report-store.js';
import type { ImportKind, ImportRowOf } from './import-rows.js';
import type { KioskCensus } from './kiosk-census.js';
import type { ChangeNotices } from './change-notices.js';
import type { Logger } from '../../platform/logging/logger.js';

/** Where an import's rows came from, kept in the hub's change log. */
export interface ImportSource {
  /** The file name (or another label an operator recognises). */
  readonly name: string;
}

export interface ImportResult {
  /** Rows read from the file. */
  readonly rows: number;
  /** People whose identifiers or facts actually changed: 0 when the file was already applied. */
  readonly peopleChanged: number;
  /** The change feed's sequence after the import (unchanged when nobody changed). */
  readonly seq: number;
  /**
   * Present when a fact file (not a person file) named IDs the person table did not hold.
   * Their facts are applied (a person file may follow), but an operator is told, because an
   * ID a spreadsheet mangled looks exactly like this.
   */
  readonly unknownIds?: UnknownIds;
}

/** IDs new to the hub in a fact file: how many, and the line each of the first few first appears on. */
export interface UnknownIds {
  readonly count: number;
  /** Ascending, at most UNKNOWN_ID_LINES_REPORTED. */
  readonly firstLines: readonly number[];
}

/**
 * The hub's store of identifiers and facts, behind one interface with an embedded SQLite
 * and a PostgreSQL implementation (the same contract tests run against both).
 *
 * The change feed: each import that changes somebody takes the next value of one monotonic
 * sequence, and every person it changed has that value stored as their `seq`. Imports are
 * serialised, so sequence values commit in order, and a kiosk whose watermark is S holds
 * exactly the hub's state after change set S. A person an import does not change keeps
 * their `seq`: re-importing a file changes nothing.
 */
export interface HubStorage {
  /**
   * Applies one file's validated rows in one transaction: all or nothing. If `rows` throws,
   * or the storage finds rows of the file contradicting each other (an ImportRejected),
   * nothing is applied and the error is rethrown. `rows` is consumed once, as it streams.
   */
  applyImport<K extends ImportKind>(kind: K, rows: AsyncIterable<ImportRowOf[K]> | Iterable<ImportRowOf[K]>, source: ImportSource): Promise<ImportResult>;

  /** The sequence of the last change set; 0 for an empty hub. */
  currentSeq(): Promise<number>;

  /**
   * One page of the delta since `since`: people whose seq is above it, in their latest
   * state, ordered by id12 and starting after `afterId12` (keyset pagination: pass the last
   * id12 of the previous page). A page shorter than `limit` is the last. Read `currentSeq()`
   * before the first page and record that as the watermark: a change committed while paging
   * has a higher seq, so the next delta brings it even if this one skipped it.
   */
  changedSince(since: number, afterId12: string | undefined, limit: number): Promise<ChangedPerson[]>;

  /**
   * One page of the full snapshot at `atSeq`, ordered by id12, after `afterId12`. A person
   * changed after `atSeq` is left out (the hub keeps only the latest state): the delta since
   * `atSeq`, which a kiosk applies next, brings them.
   */
  snapshotPage(atSeq: number, afterId12: string | undefined, limit: number): Promise<SyncedPerson[]>;

  /** One person in their latest state, or undefined when the hub has never heard of them. */
  findPerson(id12: string): Promise<ChangedPerson | undefined>;

  countPeople(): Promise<number>;

  /** Enrolled kiosks by state and by the age of their last upload and last sighting at `nowMs` (kiosk-census.ts): one bounded aggregate query. */
  kioskCensus(nowMs: number): Promise<KioskCensus>;

  /**
   * Enrolment codes and devices, in the same database (migration 2). A part of the storage
   * rather than more methods on it: the enrolment service and the request verifier need only
   * this, and the memory store stands in for it in their tests. Closed with the storage.
   */
  readonly enrollment: EnrollmentStore;

  /** Entries uploaded by kiosks, their chains, and contact tracing (migration 3). Closed with the storage. */
  readonly entries: EntryStore;

  /** The admin API's tokens (hashes only; migration 5). Closed with the storage. */
  readonly adminTokens: AdminTokenStore;
  /** Scan counts for reports, grouped by the database from the entries (migration 3). Closed with the storage. */
  readonly reports: ReportStore;
  /**
   * The nonces of accepted kiosk requests within the clock window, kept across restarts so
   * that a captured request is refused after one too (PostgreSQL: migration 6; SQLite: a
   * file of its own beside the database). Closed with the storage.
   */
  readonly nonces: NonceStore;
  /** Each kiosk's last sighting and status report (migration 9). Closed with the storage. */
  readonly deviceStatus: DeviceStatusStore;

  /**
   * Pushed notices of what other processes change (change-notices.ts), on a connection of
   * their own, which the caller closes. Only a storage several processes share has them
   * (PostgreSQL); without, a hub process polls (the embedded SQLite hub is one process).
   */
  openChangeNotices?(log: Logger): Promise<ChangeNotices>;

  close(): Promise<void>;
}

/** The most a caller may ask for in one page: pages are held in memory whole. */
export const MAX_PAGE_SIZE = 100_000;

/** Checks a page request's arguments the same way in every implementation. */
export function checkPageRequest(seq: number, afterId12: string | undefined, limit: number): void {
  if (!Number.isSafeInteger(seq) || seq < 0) throw new RangeError(`sequence must be a non-negative integer, got ${seq}`);
  if (afterId12 !== undefined && !/^\d{12}$/.test(afterId12)) throw new RangeError(`afterId12 must be 12 digits, got ${JSON.stringify(afterId12)}`);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) throw new RangeError(`limit must be 1–${MAX_PAGE_SIZE}, got ${limit}`);
}

/**
 * How to read a delta page. By the seq index, a page costs the whole delta (its rows are
 * gathered, then the first `limit` by id12 kept); by the primary key, it costs about
 * limit × people / delta rows skipped. Over all pages that is delta² / limit against about
 * `people`, so the seq index wins while delta² ≤ people × limit. The page's facts are read
 * by its id range when most people are in the delta (a range walks the clustered key), else
 * by the list of its ids. `deltaAtMost` is an upper bound from the change log (the sum of
 * the people changed by each change set after `since`).
 */
export interface DeltaPlan {
  readonly people: 'by-seq' | 'by-id';
  readonly facts: 'by-ids' | 'by-range';
}

export function deltaPlan(deltaAtMost: number, people: number, limit: number): DeltaPlan {
  return {
    people: deltaAtMost * deltaAtMost <= people * limit ? 'by-seq' : 'by-id',
    facts: deltaAtMost * 2 >= people ? 'by-range' : 'by-ids',
  };
}
