import Database from 'better-sqlite3';
import * as fs from 'node:fs';
import { dirname, join } from 'node:path';
import { createOwnerOnlyFile } from '../../platform/owner-only-files.js';
import { MemoryNonceStore, type NonceStore } from '../enrollment/request-verifier.js';
import type { ChangedPerson, SyncedPerson } from '../../domain/sync/synced-person.js';
import { SqliteAdminTokenStore } from '../admin/sqlite-admin-token-store.js';
import { TABLE_SPECS, type TableSpec } from './fact-tables.js';
import { checkPageRequest, deltaPlan, type HubStorage, type ImportResult, type ImportSource } from './hub-storage.js';
import { conflictProblem, importStatements, mergeProblems, resultWithUnknownIds, SQLITE_DIALECT, type ImportStatements } from './import-sql.js';
import { ImportRejected, MAX_REPORTED_PROBLEMS, type ImportKind, type ImportProblem, type ImportRow, type ImportRowOf } from './import-rows.js';
import { assemblePeople, id12FromKey, withoutSeq, type DoseRecord, type PersonRecord, type QuarantineRecord, type TestRecord } from './person-assembly.js';
import { bucketCase, censusOf, type KioskCensus } from './kiosk-census.js';
import { SqliteDeviceStatusStore } from './sqlite-device-status-store.js';
import { SqliteEnrollmentStore } from './sqlite-enrollment-store.js';
import { SqliteEntryStore } from './sqlite-entry-store.js';
import { HUB_NONCES_FILE, SqliteNonceStore } from './sqlite-nonce-store.js';
import { SqliteReportStore } from './sqlite-report-store.js';
import { migrateHubSqlite } from './sqlite-migrations.js';

/** The hub's embedded database file in its data directory. */
export const HUB_SQLITE_FILE = 'hub.sqlite';

interface PersonRow {
  id12: number;
  old_id: string | null;
  bhxh: string | null;
  seq: number;
  recovered_on: string | null;
}

const PERSON_COLUMNS = 'p.id12, p.old_id, p.bhxh, p.seq, r.recovered_on FROM person AS p';
const WITH_RECOVERY = 'LEFT JOIN recovery AS r ON r.id12 = p.id12';

interface FactQueries<T> {
  byIds: Database.Statement<[string], T>;
  byRange: Database.Statement<[number, number], T>;
}

function factQueries<T>(db: Database.Database, select: string): FactQueries<T> {
  return {
    byIds: db.prepare<[string], T>(`SELECT ${select} WHERE id12 IN (SELECT value FROM json_each(?))`),
    byRange: db.prepare<[number, number], T>(`SELECT ${select} WHERE id12 > ? AND id12 <= ?`),
  };
}

function connect(file: string): Database.Database {
  const db = new Database(file);
  try {
    db.pragma('journal_mode = WAL');
    // An import commits once, so durability costs one fsync per file.
    db.pragma('synchronous = FULL');
    db.pragma('busy_timeout = 5000');
    // Uploads insert into two indexes keyed by person and by place, i.e. at random pages:
    // with SQLite's 2 MB default every insert re-reads pages from the OS; 64 MB keeps the
    // indexes' hot pages (measured: 1 M uploaded entries, see README).
    db.pragma('cache_size = -65536');
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

/**
 * HubStorage on an embedded SQLite database (WAL). Reads use one long-lived connection;
 * each import opens its own, so a reader in this process never sees an import half done.
 */
export class SqliteHubStorage implements HubStorage {
  private readonly db: Database.Database;
  /** Imports in this process run one after another (SQLite has one writer anyway). */
  private importQueue: Promise<unknown> = Promise.resolve();
  private readonly statements;
  readonly enrollment: SqliteEnrollmentStore;
  readonly entries: SqliteEntryStore;
  readonly adminTokens: SqliteAdminTokenStore;
  readonly reports: SqliteReportStore;
  readonly deviceStatus: SqliteDeviceStatusStore;
  private nonceStore: NonceStore | undefined;

  private constructor(private readonly file: string) {
    this.db = connect(file);
    try {
      migrateHubSqlite(this.db);
    } catch (error) {
      this.db.close();
      throw error;
    }
    const db = this.db;
    this.enrollment = new SqliteEnrollmentStore(db);
    this.entries = new SqliteEntryStore(db);
    this.adminTokens = new SqliteAdminTokenStore(db);
    this.reports = new SqliteReportStore(db);
    this.deviceStatus = new SqliteDeviceStatusStore(db);
    this.statements = {
      feed: db.prepare<[], { seq: number; people: number }>('SELECT seq, people FROM feed'),
      deltaBound: db.prepare<[number], number>('SELECT coalesce(sum(people_changed), 0) FROM change_set WHERE seq > ?').pluck(),
      // The two delta plans (hub-storage.ts, deltaPlan), forced so the choice does not hang on statistics.
      deltaBySeq: db.prepare<[number, number, number], PersonRow>(
        `SELECT ${PERSON_COLUMNS} INDEXED BY person_by_seq ${WITH_RECOVERY} WHERE p.seq > ? AND p.id12 > ? ORDER BY p.id12 LIMIT ?`,
      ),
      deltaById: db.prepare<[number, number, number], PersonRow>(
        `SELECT ${PERSON_COLUMNS} NOT INDEXED ${WITH_RECOVERY} WHERE p.seq > ? AND p.id12 > ? ORDER BY p.id12 LIMIT ?`,
      ),
      snapshot: db.prepare<[number, number, number], PersonRow>(
        `SELECT ${PERSON_COLUMNS} NOT INDEXED ${WITH_RECOVERY} WHERE p.seq <= ? AND p.id12 > ? ORDER BY p.id12 LIMIT ?`,
      ),
      one: db.prepare<[number], PersonRow>(`SELECT ${PERSON_COLUMNS} ${WITH_RECOVERY} WHERE p.id12 = ?`),
      // A page's facts: by a list of ids for a sparse page (a small delta), by the id range
      // for a dense one (a snapshot): a range walks the clustered key without a lookup per person.
      doses: factQueries<{ id12: number; dose: number; given_on: string; product: string }>(db, 'id12, dose, given_on, product FROM vaccination'),
      tests: factQueries<{ id12: number; taken_at: number; kind: TestRecord['kind']; result: TestRecord['result'] }>(
        db,
        'id12, taken_at, kind, result FROM test_result',
      ),
      quarantine: factQueries<{ id12: number; status: QuarantineRecord['status']; starts_on: string; ends_on: string | null }>(
        db,
        'id12, status, starts_on, ends_on FROM quarantine',
      ),
    };
  }

  /** Opens (creating and migrating as needed) the database file. */
  static open(file: string): SqliteHubStorage {
    // Owner only: access to this file is the admin credential (enrolment codes, devices),
    // and SQLite gives the -wal and -shm files the database file's permissions.
    if (file !== ':memory:') createOwnerOnlyFile({ ...fs, platform: process.platform }, file, dirname(file));
    return new SqliteHubStorage(file);
  }

  applyImport<K extends ImportKind>(kind: K, rows: AsyncIterable<ImportRowOf[K]> | Iterable<ImportRowOf[K]>, source: ImportSource): Promise<ImportResult> {
    const run = this.importQueue.then(() => this.runImport(TABLE_SPECS[kind] as TableSpec, rows, source));
    this.importQueue = run.catch(() => undefined);
    return run;
  }

  async currentSeq(): Promise<number> {
    return this.readFeed().seq;
  }

  async countPeople(): Promise<number> {
    return this.readFeed().people;
  }

  async kioskCensus(nowMs: number): Promise<KioskCensus> {
    // Prepared per call: a scrape every few seconds at most, and the statement names no table of a later migration.
    // Seen: the later of the last sighting and the last upload (max() of SQLite is NULL if either is: hence the coalesces).
    const rows = this.db
      .prepare<[number, number], { revoked: number; bucket: string; seen_bucket: string; n: number }>(
        `SELECT revoked, ${bucketCase('age')} AS bucket, ${bucketCase('seen_age')} AS seen_bucket, count(*) AS n
           FROM (SELECT d.revoked AS revoked, (? - c.updated_at) / 1000.0 AS age,
                        (? - max(coalesce(s.seen_at, c.updated_at), coalesce(c.updated_at, s.seen_at))) / 1000.0 AS seen_age
                   FROM device d LEFT JOIN entry_chain c ON c.kiosk_id = d.device_id LEFT JOIN device_status s ON s.device_id = d.device_id)
           GROUP BY 1, 2, 3`,
      )
      .all(nowMs, nowMs);
    return censusOf(rows.map((row) => ({ revoked: row.revoked === 1, bucket: row.bucket, seenBucket: row.seen_bucket, n: row.n })));
  }

  async changedSince(since: number, afterId12: string | undefined, limit: number): Promise<ChangedPerson[]> {
    checkPageRequest(since, afterId12, limit);
    return this.db.transaction(() => {
      const plan = deltaPlan(this.statements.deltaBound.get(since) ?? 0, this.readFeed().people, limit);
      const statement = plan.people === 'by-seq' ? this.statements.deltaBySeq : this.statements.deltaById;
      return this.withFacts(statement.all(since, afterKey(afterId12), limit), plan.facts === 'by-range');
    })();
  }

  async snapshotPage(atSeq: number, afterId12: string | undefined, limit: number): Promise<SyncedPerson[]> {
    checkPageRequest(atSeq, afterId12, limit);
    return this.db.transaction(() => this.withFacts(this.statements.snapshot.all(atSeq, afterKey(afterId12), limit), true).map(withoutSeq))();
  }

  async findPerson(id12: string): Promise<ChangedPerson | undefined> {
    if (!/^\d{12}$/.test(id12)) return undefined;
    return this.db.transaction(() => {
      const row = this.statements.one.get(Number(id12));
      return row === undefined ? undefined : this.withFacts([row], true)[0];
    })();
  }

  /** Opened on first use: the build workers open the storage too and never need it. */
  get nonces(): NonceStore {
    this.nonceStore ??= this.file === ':memory:' ? new MemoryNonceStore() : new SqliteNonceStore(join(dirname(this.file), HUB_NONCES_FILE));
    return this.nonceStore;
  }

  async close(): Promise<void> {
    await this.importQueue;
    if (this.nonceStore instanceof SqliteNonceStore) this.nonceStore.close();
    this.db.close();
  }

  private readFeed(): { seq: number; people: number } {
    const feed = this.statements.feed.get();
    if (feed === undefined) throw new Error('hub database has no feed row: it was not created by Chốt');
    return feed;
  }

  /** Reads the facts of a page of people; call inside a read transaction, so both reads see one state. */
  private withFacts(rows: readonly PersonRow[], dense: boolean): ChangedPerson[] {
    if (rows.length === 0) return [];
    const people: PersonRecord[] = rows.map((r) => ({ id12: id12FromKey(r.id12), oldId: r.old_id, bhxh: r.bhxh, seq: r.seq, recoveredOn: r.recovered_on }));
    const ids = dense ? undefined : JSON.stringify(rows.map((r) => r.id12));
    const range: [number, number] = [(rows[0]?.id12 ?? 0) - 1, rows.at(-1)?.id12 ?? 0];
    const read = <T>(queries: FactQueries<T>): T[] => (ids === undefined ? queries.byRange.all(...range) : queries.byIds.all(ids));
    const doses: DoseRecord[] = read(this.statements.doses).map((d) => ({ id12: id12FromKey(d.id12), dose: d.dose, date: d.given_on, product: d.product }));
    const tests: TestRecord[] = read(this.statements.tests).map((t) => ({ id12: id12FromKey(t.id12), takenAtMs: t.taken_at, kind: t.kind, result: t.result }));
    const quarantine: QuarantineRecord[] = read(this.statements.quarantine).map((q) => ({
      id12: id12FromKey(q.id12),
      status: q.status,
      from: q.starts_on,
      to: q.ends_on,
    }));
    return assemblePeople(people, doses, tests, quarantine);
  }

  private async runImport(spec: TableSpec, rows: AsyncIterable<ImportRow> | Iterable<ImportRow>, source: ImportSource): Promise<ImportResult> {
    const db = connect(this.file);
    try {
      // IMMEDIATE: take the write lock before comparing, so nobody changes what we compare against.
      try {
        db.exec('BEGIN IMMEDIATE');
      } catch (error) {
        if ((error as { code?: string }).code === 'SQLITE_BUSY')
          throw new Error(`another import is writing to ${this.file}; run this one when it has finished`, { cause: error });
        throw error;
      }
      try {
        const result = await applyInTransaction(db, spec, importStatements(spec, SQLITE_DIALECT), rows, source);
        db.exec('COMMIT');
        return result;
      } catch (error) {
        if (db.inTransaction) db.exec('ROLLBACK');
        throw error;
      }
    } finally {
      db.close();
    }
  }
}

const afterKey = (afterId12: string | undefined): number => (afterId12 === undefined ? -1 : Number(afterId12));

async function applyInTransaction(
  db: Database.Database,
  spec: TableSpec,
  sql: ImportStatements,
  rows: AsyncIterable<ImportRow> | Iterable<ImportRow>,
  source: ImportSource,
): Promise<ImportResult> {
  db.exec(sql.createStage);
  const insert = db.prepare(sql.insertStage);
  let count = 0;
  try {
    for await (const row of rows) {
      const params = spec.params(row as never);
      params[0] = Number(params[0]);
      insert.run(row.line, ...params);
      count += 1;
    }
  } catch (error) {
    // The rows' producer found bad rows: add the contradictions only the store can see.
    if (error instanceof ImportRejected) throw mergeProblems(error, findConflicts(db, spec, sql));
    throw error;
  }
  const conflicts = findConflicts(db, spec, sql);
  if (conflicts.count > 0) throw new ImportRejected(conflicts.problems, conflicts.count);

  db.exec(sql.createDiff);
  const peopleChanged = db.prepare(sql.countChangedPeople).pluck().get() as number;
  const feed = db.prepare('SELECT seq, people FROM feed').get() as { seq: number; people: number };
  if (peopleChanged === 0) {
    for (const drop of sql.dropTemporary) db.exec(drop);
    return { rows: count, peopleChanged: 0, seq: feed.seq };
  }

  const seq = feed.seq + 1;
  const newPeople = db.prepare(sql.countNewPeople).pluck().get() as number;
  const result = await resultWithUnknownIds(
    spec,
    { rows: count, peopleChanged, seq },
    newPeople,
    (limit) => db.prepare(sql.unknownIdLines).pluck().all(limit) as number[],
  );
  db.prepare(sql.stampPeople).run(seq);
  db.exec(sql.applyDiff);
  db.prepare('UPDATE feed SET seq = ?, people = people + ?').run(seq, newPeople);
  db.prepare('INSERT INTO change_set (seq, kind, source, rows, people_changed, applied_at) VALUES (?, ?, ?, ?, ?, ?)').run(
    seq,
    spec.kind,
    source.name,
    count,
    peopleChanged,
    new Date().toISOString(),
  );
  for (const drop of sql.dropTemporary) db.exec(drop);
  return result;
}

function findConflicts(db: Database.Database, spec: TableSpec, sql: ImportStatements): { problems: ImportProblem[]; count: number } {
  const count = db.prepare(sql.countConflicts).pluck().get() as number;
  if (count === 0) return { problems: [], count: 0 };
  const rows = db.prepare(sql.conflicts).all(MAX_REPORTED_PROBLEMS) as { line: number; first_line: number }[];
  return { problems: rows.map((r) => conflictProblem(spec, r.line, r.first_line)), count };
}
