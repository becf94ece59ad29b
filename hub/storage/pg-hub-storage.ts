import pg from 'pg';
import type { ChangedPerson, SyncedPerson } from '../../domain/sync/synced-person.js';
import { PgAdminTokenStore } from '../admin/pg-admin-token-store.js';
import { columnsOf, TABLE_SPECS, type TableSpec } from './fact-tables.js';
import { checkPageRequest, deltaPlan, type HubStorage, type ImportResult, type ImportSource } from './hub-storage.js';
import { conflictProblem, importStatements, mergeProblems, PG_DIALECT, resultWithUnknownIds, type ImportStatements } from './import-sql.js';
import { ImportRejected, MAX_REPORTED_PROBLEMS, type ImportKind, type ImportProblem, type ImportRow, type ImportRowOf } from './import-rows.js';
import { assemblePeople, id12FromKey, withoutSeq, type PersonRecord, type QuarantineRecord, type TestRecord } from './person-assembly.js';
import { PgDeviceStatusStore } from './pg-device-status-store.js';
import { PgEnrollmentStore } from './pg-enrollment-store.js';
import { PgNonceStore } from './pg-nonce-store.js';
import { PgEntryStore } from './pg-entry-store.js';
import { PgReportStore } from './pg-report-store.js';
import { migrateHubPg } from './pg-migrations.js';
import { inPgTransaction } from './pg-transaction.js';
import { bucketCase, censusOf, type KioskCensus } from './kiosk-census.js';
import type { ChangeNotices } from './change-notices.js';
import { PgNoticeListener } from './pg-notice-listener.js';
import type { Logger } from '../../platform/logging/logger.js';

/** Rows per round trip while staging an import: big enough to amortise, small enough to stream. */
const STAGE_BATCH = 5_000;
/** Refresh the planner's statistics after an import this large, so the next delta's plan is right. */
const ANALYZE_AFTER_CHANGES = 10_000;

const DATE_OID = 1082;
/** Dates stay 'YYYY-MM-DD' strings: node-postgres would make them local-time Date objects. */
const types = {
  getTypeParser: (oid: number, format?: 'text' | 'binary') => (oid === DATE_OID ? (value: string) => value : pg.types.getTypeParser(oid, format ?? 'text')),
} as pg.CustomTypesConfig;

interface PersonRow {
  id12: string;
  old_id: string | null;
  bhxh: string | null;
  seq: string;
  recovered_on: string | null;
}

const PERSON_COLUMNS = 'p.id12, p.old_id, p.bhxh, p.seq, r.recovered_on';
const WITH_RECOVERY = 'LEFT JOIN recovery AS r ON r.id12 = p.id12';
const SQL = {
  // The two delta plans (hub-storage.ts, deltaPlan). By seq: gather the delta through
  // person_by_seq first (MATERIALIZED keeps the planner from walking the primary key),
  // then keep the first page. By id: walk the primary key (`+ 0` keeps the seq index out).
  deltaBySeq: `WITH delta AS MATERIALIZED (SELECT id12 FROM person WHERE seq > $1 AND id12 > $2)
    SELECT ${PERSON_COLUMNS} FROM (SELECT id12 FROM delta ORDER BY id12 LIMIT $3) AS d
    JOIN person AS p ON p.id12 = d.id12 ${WITH_RECOVERY} ORDER BY p.id12`,
  deltaById: `SELECT ${PERSON_COLUMNS} FROM person AS p ${WITH_RECOVERY} WHERE p.seq + 0 > $1 AND p.id12 > $2 ORDER BY p.id12 LIMIT $3`,
  snapshot: `SELECT ${PERSON_COLUMNS} FROM person AS p ${WITH_RECOVERY} WHERE p.seq + 0 <= $1 AND p.id12 > $2 ORDER BY p.id12 LIMIT $3`,
  one: `SELECT ${PERSON_COLUMNS} FROM person AS p ${WITH_RECOVERY} WHERE p.id12 = $1`,
  // A page's facts: by a list of ids for a sparse page (a small delta), by the id range for a
  // dense one (a snapshot), which walks the primary key instead of probing it per person.
  doses: 'SELECT id12, dose, given_on, product FROM vaccination WHERE',
  tests: 'SELECT id12, taken_at, kind, result FROM test_result WHERE',
  quarantine: 'SELECT id12, status, starts_on, ends_on FROM quarantine WHERE',
  byIds: ' id12 = ANY($1::bigint[])',
  byRange: ' id12 >= $1 AND id12 <= $2',
} as const;

/**
 * HubStorage on PostgreSQL, for a hub that outgrows one machine's disk or wants a managed
 * database. Same contract as the SQLite store; imports are serialised by the feed row's lock.
 */
export class PgHubStorage implements HubStorage {
  readonly enrollment: PgEnrollmentStore;
  readonly entries: PgEntryStore;
  readonly adminTokens: PgAdminTokenStore;
  readonly reports: PgReportStore;
  readonly nonces: PgNonceStore;
  readonly deviceStatus: PgDeviceStatusStore;

  private constructor(
    private readonly pool: pg.Pool,
    private readonly connectionString: string,
  ) {
    this.nonces = new PgNonceStore(pool);
    this.enrollment = new PgEnrollmentStore(pool);
    this.entries = new PgEntryStore(pool);
    this.adminTokens = new PgAdminTokenStore(pool);
    this.reports = new PgReportStore(pool);
    this.deviceStatus = new PgDeviceStatusStore(pool);
  }

  /** Connects (e.g. `postgresql://user@host/db`, or a socket directory via `?host=/dir`) and migrates. */
  static async open(connectionString: string): Promise<PgHubStorage> {
    const pool = new pg.Pool({ connectionString, types, max: 4 });
    try {
      const client = await pool.connect();
      try {
        await migrateHubPg(client);
      } finally {
        client.release();
      }
      return new PgHubStorage(pool, connectionString);
    } catch (error) {
      await pool.end();
      throw error;
    }
  }

  async applyImport<K extends ImportKind>(
    kind: K,
    rows: AsyncIterable<ImportRowOf[K]> | Iterable<ImportRowOf[K]>,
    source: ImportSource,
  ): Promise<ImportResult> {
    const spec = TABLE_SPECS[kind] as TableSpec;
    return inPgTransaction(this.pool, 'BEGIN', (client) => applyInTransaction(client, spec, importStatements(spec, PG_DIALECT), rows, source));
  }

  /** Every process sharing the database hears each import's commit (the feed's trigger) and each rule-set publication. */
  openChangeNotices(log: Logger): Promise<ChangeNotices> {
    return PgNoticeListener.start({ connectionString: this.connectionString, log });
  }

  async currentSeq(): Promise<number> {
    return (await readFeed(this.pool)).seq;
  }

  async countPeople(): Promise<number> {
    return (await readFeed(this.pool)).people;
  }

  async kioskCensus(nowMs: number): Promise<KioskCensus> {
    // The age against the caller's clock, as in SQLite (updated_at is the database's now() at the upload).
    // Seen: the later of the last sighting and the last upload (GREATEST skips a NULL).
    const { rows } = await this.pool.query<{ revoked: boolean; bucket: string; seen_bucket: string; n: string }>(
      `SELECT revoked, ${bucketCase('age')} AS bucket, ${bucketCase('seen_age')} AS seen_bucket, count(*) AS n
         FROM (SELECT d.revoked AS revoked, extract(epoch FROM to_timestamp($1::double precision / 1000) - c.updated_at) AS age,
                      extract(epoch FROM to_timestamp($1::double precision / 1000) - GREATEST(s.seen_at, c.updated_at)) AS seen_age
                 FROM device d LEFT JOIN entry_chain c ON c.kiosk_id = d.device_id LEFT JOIN device_status s ON s.device_id = d.device_id) AS aged
         GROUP BY 1, 2, 3`,
      [nowMs],
    );
    return censusOf(rows.map((row) => ({ revoked: row.revoked, bucket: row.bucket, seenBucket: row.seen_bucket, n: Number(row.n) })));
  }

  async changedSince(since: number, afterId12: string | undefined, limit: number): Promise<ChangedPerson[]> {
    checkPageRequest(since, afterId12, limit);
    return this.readConsistently(async (client) => {
      const bound = await client.query<{ n: string }>('SELECT coalesce(sum(people_changed), 0) AS n FROM change_set WHERE seq > $1', [since]);
      const plan = deltaPlan(Number(bound.rows[0]?.n ?? 0), (await readFeed(client)).people, limit);
      const { rows } = await client.query<PersonRow>(plan.people === 'by-seq' ? SQL.deltaBySeq : SQL.deltaById, [since, afterKey(afterId12), limit]);
      return withFacts(client, rows, plan.facts === 'by-range');
    });
  }

  async snapshotPage(atSeq: number, afterId12: string | undefined, limit: number): Promise<SyncedPerson[]> {
    checkPageRequest(atSeq, afterId12, limit);
    return this.readConsistently(async (client) => {
      const { rows } = await client.query<PersonRow>(SQL.snapshot, [atSeq, afterKey(afterId12), limit]);
      return (await withFacts(client, rows, true)).map(withoutSeq);
    });
  }

  async findPerson(id12: string): Promise<ChangedPerson | undefined> {
    if (!/^\d{12}$/.test(id12)) return undefined;
    return this.readConsistently(async (client) => (await withFacts(client, (await client.query<PersonRow>(SQL.one, [id12])).rows, true))[0]);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  /** A page's people and their facts, read from one snapshot of the database. */
  private readConsistently<T>(read: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    return inPgTransaction(this.pool, 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY', read);
  }
}

const afterKey = (afterId12: string | undefined): string => afterId12 ?? '-1';

async function readFeed(client: pg.Pool | pg.ClientBase, lock = false): Promise<{ seq: number; people: number }> {
  const { rows } = await client.query<{ seq: string; people: string }>(`SELECT seq, people FROM feed${lock ? ' FOR UPDATE' : ''}`);
  const feed = rows[0];
  if (feed === undefined) throw new Error('hub database has no feed row: it was not created by Chốt');
  return { seq: Number(feed.seq), people: Number(feed.people) };
}

async function withFacts(client: pg.ClientBase, rows: readonly PersonRow[], dense: boolean): Promise<ChangedPerson[]> {
  if (rows.length === 0) return [];
  const people: PersonRecord[] = rows.map((r) => ({
    id12: id12FromKey(r.id12),
    oldId: r.old_id,
    bhxh: r.bhxh,
    seq: Number(r.seq),
    recoveredOn: r.recovered_on,
  }));
  const [where, params] = dense ? [SQL.byRange, [rows[0]?.id12, rows.at(-1)?.id12]] : [SQL.byIds, [rows.map((r) => r.id12)]];
  const [doses, tests, quarantine] = [
    await client.query<{ id12: string; dose: number; given_on: string; product: string }>(SQL.doses + where, params),
    await client.query<{ id12: string; taken_at: string; kind: TestRecord['kind']; result: TestRecord['result'] }>(SQL.tests + where, params),
    await client.query<{ id12: string; status: QuarantineRecord['status']; starts_on: string; ends_on: string | null }>(SQL.quarantine + where, params),
  ];
  return assemblePeople(
    people,
    doses.rows.map((d) => ({ id12: id12FromKey(d.id12), dose: d.dose, date: d.given_on, product: d.product })),
    tests.rows.map((t) => ({ id12: id12FromKey(t.id12), takenAtMs: Number(t.taken_at), kind: t.kind, result: t.result })),
    quarantine.rows.map((q) => ({ id12: id12FromKey(q.id12), status: q.status, from: q.starts_on, to: q.ends_on })),
  );
}

async function count(client: pg.ClientBase, sql: string): Promise<number> {
  const { rows } = await client.query<{ n: string }>(sql);
  return Number(rows[0]?.n ?? 0);
}

async function applyInTransaction(
  client: pg.ClientBase,
  spec: TableSpec,
  sql: ImportStatements,
  rows: AsyncIterable<ImportRow> | Iterable<ImportRow>,
  source: ImportSource,
): Promise<ImportResult> {
  // The feed row's lock: imports run one at a time, so what we compare against is stable and
  // sequence values commit in the order they are taken.
  const feed = await readFeed(client, true);
  await client.query(sql.createStage);
  const width = columnsOf(spec).length + 1;
  let batch: unknown[][] = Array.from({ length: width }, () => []);
  let staged = 0;
  const flush = async (): Promise<void> => {
    if (batch[0]?.length === 0) return;
    await client.query(sql.insertStageBatch, batch);
    batch = Array.from({ length: width }, () => []);
  };
  try {
    for await (const row of rows) {
      const values = [row.line, ...spec.params(row as never)];
      for (let i = 0; i < width; i += 1) batch[i]?.push(values[i]);
      staged += 1;
      if (staged % STAGE_BATCH === 0) await flush();
    }
    await flush();
  } catch (error) {
    // The rows' producer found bad rows: add the contradictions only the store can see.
    if (error instanceof ImportRejected) {
      await flush();
      throw mergeProblems(error, await findConflicts(client, spec, sql));
    }
    throw error;
  }
  const conflicts = await findConflicts(client, spec, sql);
  if (conflicts.count > 0) throw new ImportRejected(conflicts.problems, conflicts.count);

  await client.query(sql.createDiff);
  const peopleChanged = await count(client, sql.countChangedPeople);
  if (peopleChanged === 0) {
    for (const drop of sql.dropTemporary) await client.query(drop);
    return { rows: staged, peopleChanged: 0, seq: feed.seq };
  }
  const seq = feed.seq + 1;
  const newPeople = await count(client, sql.countNewPeople);
  const result = await resultWithUnknownIds(spec, { rows: staged, peopleChanged, seq }, newPeople, async (limit) => {
    const { rows: lines } = await client.query<{ line: number }>(sql.unknownIdLines, [limit]);
    return lines.map((r) => Number(r.line));
  });
  await client.query(sql.stampPeople, [seq]);
  await client.query(sql.applyDiff);
  await client.query('UPDATE feed SET seq = $1, people = people + $2', [seq, newPeople]);
  await client.query('INSERT INTO change_set (seq, kind, source, rows, people_changed) VALUES ($1, $2, $3, $4, $5)', [
    seq,
    spec.kind,
    source.name,
    staged,
    peopleChanged,
  ]);
  for (const drop of sql.dropTemporary) await client.query(drop);
  if (peopleChanged >= ANALYZE_AFTER_CHANGES) await client.query('ANALYZE person');
  return result;
}

async function findConflicts(client: pg.ClientBase, spec: TableSpec, sql: ImportStatements): Promise<{ problems: ImportProblem[]; count: number }> {
  const total = await count(client, sql.countConflicts);
  if (total === 0) return { problems: [], count: 0 };
  const { rows } = await client.query<{ line: number; first_line: number }>(sql.conflicts, [MAX_REPORTED_PROBLEMS]);
  return { problems: rows.map((r) => conflictProblem(spec, r.line, r.first_line)), count: total };
}
