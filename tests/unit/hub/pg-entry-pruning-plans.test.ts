import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PG_TRACE_CONTACTS, PG_TRACE_VISITS } from '../../../hub/storage/pg-entry-store.js';
import { PgHubStorage } from '../../../hub/storage/pg-hub-storage.js';
import { PG_DISTINCT_PEOPLE, PG_HOUR_COUNTS, PG_KIOSK_ACTIVITY, PG_SCAN_COUNTS, PG_STAFF_DECISIONS } from '../../../hub/storage/pg-report-store.js';
import { chained, entryRecord } from '../../support/entry-fixtures.js';
import { startPostgres, type PostgresCluster } from '../../support/postgres.js';
import { plantWeek } from './report-traffic.js';

/**
 * Trace and reports at national volume read only the day partitions their period covers:
 * EXPLAIN ANALYZE of the exact SQL the stores run (their exported statements, with the
 * parameters they pass), over a week of traffic in a dozen day partitions. ANALYZE, so that
 * partitions pruned at run time (the decided entry a staff decision names, looked up per
 * decision) count as unread: those show "never executed".
 */
let cluster: PostgresCluster;
let url: string;
let client: pg.Client;
const DECIDING_KIOSK = 'k-00000000000000f0';
const PERSON = '001090000077';
const vn = (text: string): number => Date.parse(`${text}+07:00`);

beforeAll(async () => {
  cluster = startPostgres();
  url = cluster.createDatabase();
  const storage = await PgHubStorage.open(url);
  try {
    await plantWeek(storage);
    // A red let in by staff, on the 20th: the decision's lookup of the entry it names.
    const records = [
      entryRecord(DECIDING_KIOSK, 1, { at: '2021-10-20T12:00:00+07:00', personId: PERSON, outcome: 'red', reasonCodes: ['quarantine'] }),
      entryRecord(DECIDING_KIOSK, 2, {
        at: '2021-10-20T12:01:00+07:00',
        personId: PERSON,
        outcome: 'green',
        reasonCodes: ['override', 'overrides:1'],
        ruleSet: null,
        override: { by: 'Lan', reason: 'Đã kiểm tra giấy tờ / Papers checked' },
      }),
      entryRecord(DECIDING_KIOSK, 3, { at: '2021-10-20T23:50:00+07:00', personId: PERSON }),
    ];
    expect(await storage.entries.ingest(DECIDING_KIOSK, chained(records))).toMatchObject({ accepted: 3, problems: [] });
  } finally {
    await storage.close();
  }
  client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query('ANALYZE entry');
}, 120_000);
afterAll(async () => {
  await client?.end();
  cluster?.stop();
});

/** The entry partitions a statement read (scanned at least once). */
async function partitionsRead(sql: string, params: readonly unknown[]): Promise<string[]> {
  const { rows } = await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) ${sql}`, [...params]);
  const read = new Set<string>();
  for (const { 'QUERY PLAN': line } of rows) {
    const match = / on (entry_(?:p\d{8}|default))\b/.exec(line);
    if (match?.[1] !== undefined && !line.includes('never executed')) read.add(match[1]);
  }
  return [...read].sort();
}

describe('PostgreSQL reads only the day partitions in range', () => {
  it('has a partition per day of the traffic, so pruning has something to prune', async () => {
    const { rows } = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_inherits WHERE inhparent = 'entry'::regclass`);
    expect(rows[0]?.n).toBeGreaterThanOrEqual(10);
  });

  it('every report query over one day reads that day’s partition alone', async () => {
    const day = [vn('2021-10-20T00:00:00'), vn('2021-10-21T00:00:00')];
    for (const sql of [PG_SCAN_COUNTS('day'), PG_SCAN_COUNTS('week'), PG_DISTINCT_PEOPLE('day'), PG_HOUR_COUNTS, PG_KIOSK_ACTIVITY]) {
      expect(await partitionsRead(sql, day)).toEqual(['entry_p20211020']);
    }
  });

  it('a report over two days reads those two', async () => {
    expect(await partitionsRead(PG_SCAN_COUNTS('day'), [vn('2021-10-19T00:00:00'), vn('2021-10-21T00:00:00')])).toEqual(['entry_p20211019', 'entry_p20211020']);
  });

  it('staff decisions read the day, and for the decided entry at most the days either side', async () => {
    for (const sql of [PG_STAFF_DECISIONS('day'), PG_STAFF_DECISIONS('week')]) {
      const read = await partitionsRead(sql, [vn('2021-10-20T00:00:00'), vn('2021-10-21T00:00:00')]);
      expect(read).toContain('entry_p20211020');
      expect(['entry_p20211019', 'entry_p20211020', 'entry_p20211021']).toEqual(expect.arrayContaining(read));
    }
  });

  it('a trace reads the days of its range, and each contact look-up the days of its window', async () => {
    expect(await partitionsRead(PG_TRACE_VISITS, [PERSON, vn('2021-10-20T00:00:00'), vn('2021-10-20T23:59:59')])).toEqual(['entry_p20211020']);
    const noon = vn('2021-10-20T12:00:00');
    expect(await partitionsRead(PG_TRACE_CONTACTS, ['Chợ Đầm', noon - 1_800_000, noon + 1_800_000, PERSON])).toEqual(['entry_p20211020']);
    // A window across Vietnam's midnight reads both days.
    const late = vn('2021-10-20T23:50:00');
    expect(await partitionsRead(PG_TRACE_CONTACTS, ['Chợ Đầm', late - 1_800_000, late + 1_800_000, PERSON])).toEqual(['entry_p20211020', 'entry_p20211021']);
  });
});
