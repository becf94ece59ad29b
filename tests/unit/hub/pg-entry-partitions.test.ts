import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runHubEntries } from '../../../cli/commands/hub-entries.js';
import { UsageError } from '../../../cli/args.js';
import { DEFAULT_ENTRY_KEEP_DAYS, firstKeptDay } from '../../../hub/entries/entry-retention.js';
import { startHubServer } from '../../../hub/server/hub-server.js';
import { memoryLogger } from '../../support/memory-logger.js';
import { tempDataDir } from '../../support/kiosk-process.js';
import { vnDayOfDate } from '../../../hub/reports/vn-calendar.js';
import { openHubStorage } from '../../../hub/storage/open-hub-storage.js';
import { PgHubStorage } from '../../../hub/storage/pg-hub-storage.js';
import { HUB_PG_MIGRATIONS, migrateHubPg } from '../../../hub/storage/pg-migrations.js';
import { kioskChain } from '../../support/entry-fixtures.js';
import { rawRows } from './entry-store-fixtures.js';
import { startPostgres, type PostgresCluster } from '../../support/postgres.js';

// A real server (tests/support/postgres.ts): partitioning is PostgreSQL's own work, nothing to mock.
let cluster: PostgresCluster;
beforeAll(() => {
  cluster = startPostgres();
}, 90_000);
afterAll(() => cluster?.stop());

const K = 'k-00000000000000a1';
const day = (date: string): number => vnDayOfDate(date) as number;
/** Entry n of a kiosk at hh:00 on the given Vietnam day. */
const at = (date: string, hour: number): string => `${date}T${String(hour).padStart(2, '0')}:00:00+07:00`;

async function withClient<T>(url: string, use: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

const partitionsOf = async (client: pg.Client): Promise<string[]> =>
  (
    await client.query<{ name: string }>(
      `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'entry'::regclass ORDER BY 1`,
    )
  ).rows.map((r) => r.name);

const ALL_ROWS = 'SELECT * FROM entry ORDER BY kiosk_id, seq';

const whereIs = async (client: pg.Client, seq: number): Promise<string | undefined> =>
  (await client.query<{ part: string }>('SELECT tableoid::regclass::text AS part FROM entry WHERE kiosk_id = $1 AND seq = $2', [K, seq])).rows[0]?.part;

describe('migration 11: the entry table partitioned by Vietnam day', () => {
  it('moves an unpartitioned hub’s entries into day partitions, far-off clocks into the default one; a re-upload stores nothing twice', async () => {
    // Rows as ingest wrote them on a version-9 hub: ingested on a current hub, copied over.
    const dates = ['2021-10-19', '2021-10-20', '2021-10-21'];
    const log = kioskChain(K, 7, (seq) => ({ at: seq === 7 ? '2099-01-01T08:00:00+07:00' : at(dates[(seq - 1) % 3] as string, 8 + seq) }));
    const sourceUrl = cluster.createDatabase();
    const source = await PgHubStorage.open(sourceUrl);
    try {
      await source.entries.ingest(K, log, { receivedAtMs: Date.parse('2021-10-22T00:00:00+07:00') });
    } finally {
      await source.close();
    }
    const rows = await rawRows({ pgUrl: sourceUrl }, ALL_ROWS);
    const url = cluster.createDatabase();
    await withClient(url, async (client) => {
      await migrateHubPg(
        client,
        HUB_PG_MIGRATIONS.filter((m) => m.version <= 9),
      );
      const columns = Object.keys(rows[0] as object);
      for (const row of rows) {
        await client.query(`INSERT INTO entry (${columns.join(', ')}) VALUES (${columns.map((_, i) => `$${i + 1}`).join(', ')})`, Object.values(row));
      }
    });

    const storage = await PgHubStorage.open(url);
    try {
      expect(await rawRows({ pgUrl: url }, ALL_ROWS)).toEqual(rows);
      await withClient(url, async (client) => {
        const parts = await partitionsOf(client);
        expect(parts).toEqual(expect.arrayContaining(['entry_default', 'entry_p20211019', 'entry_p20211020', 'entry_p20211021']));
        expect(await whereIs(client, 2)).toBe('entry_p20211020');
        expect(await whereIs(client, 7)).toBe('entry_default');
        // The key holds the partition key: the same entry cannot be stored twice.
        const [first] = rows;
        const columns = Object.keys(first as object);
        await expect(
          client.query(`INSERT INTO entry (${columns.join(', ')}) VALUES (${columns.map((_, i) => `$${i + 1}`).join(', ')})`, Object.values(first as object)),
        ).rejects.toThrow(/entry_p\d{8}_pkey|duplicate key/);
      });
      // A kiosk that lost its receipt uploads the batch again: all duplicates, nothing stored.
      expect(await storage.entries.ingest(K, log)).toMatchObject({ accepted: 0, duplicates: 7 });
      // Another entry under a used seq, on another day (another partition): a conflict, kept out.
      const other = kioskChain(K, 3, (seq) => ({ at: at('2021-10-25', 8 + seq) }));
      const answer = await storage.entries.ingest(K, other.slice(2));
      expect(answer).toMatchObject({ accepted: 0, duplicates: 0 });
      expect(answer.problems.map((p) => p.kind)).toEqual(['conflict']);
      expect(await rawRows({ pgUrl: url }, ALL_ROWS)).toEqual(rows);
    } finally {
      await storage.close();
    }
  });
});

describe('day partitions at run time', () => {
  it('a late upload gets its day’s partition; an entry parked in the default partition moves into its day once that is made', async () => {
    const url = cluster.createDatabase();
    const storage = await PgHubStorage.open(url);
    try {
      const received = Date.parse('2021-10-20T12:00:00+07:00');
      // Entries 1–2 from a kiosk offline since the 5th; entry 3 with a clock three days fast.
      const log = kioskChain(K, 3, (seq) => ({ at: seq === 3 ? at('2021-10-23', 9) : at('2021-10-05', 8 + seq) }));
      expect(await storage.entries.ingest(K, log, { receivedAtMs: received })).toMatchObject({ accepted: 3 });
      await withClient(url, async (client) => {
        expect(await whereIs(client, 1)).toBe('entry_p20211005');
        expect(await whereIs(client, 3)).toBe('entry_default');
        await storage.entries.partitions.prepare(Date.parse('2021-10-22T12:00:00+07:00'));
        expect(await partitionsOf(client)).toEqual(expect.arrayContaining(['entry_p20211022', 'entry_p20211023']));
        expect(await whereIs(client, 3)).toBe('entry_p20211023');
        expect((await client.query('SELECT count(*)::int AS n FROM entry_default')).rows[0]).toEqual({ n: 0 });
      });
    } finally {
      await storage.close();
    }
  });

  it('prune drops whole day partitions before the first day kept, says which, and a trace no longer finds their entries', async () => {
    const url = cluster.createDatabase();
    const storage = await PgHubStorage.open(url);
    try {
      const dates = ['2021-10-10', '2021-10-12', '2021-10-14', '2021-10-15', '2021-10-18'];
      // Entry 6 logged by a clock set to 2020: stored (flagged) in the default partition.
      const fields = (seq: number) => ({
        at: seq === 6 ? at('2020-06-01', 9) : seq === 7 ? at('2021-10-19', 9) : at(dates[seq - 1] as string, 9),
        personId: '056089001234',
      });
      const log = kioskChain(K, 6, fields);
      await storage.entries.ingest(K, log, { receivedAtMs: Date.parse('2021-10-20T12:00:00+07:00') });
      const pruned = await storage.entries.partitions.prune(day('2021-10-15'));
      expect(pruned.dropped.map((d) => d.name)).toEqual(['entry_p20211010', 'entry_p20211012', 'entry_p20211014']);
      expect(pruned.defaultRows).toBe(1);
      const traced = await storage.entries.trace({
        personId: '056089001234',
        fromMs: Date.parse('2020-01-01T00:00:00Z'),
        toMs: Date.parse('2021-10-31T00:00:00Z'),
        windowMs: 0,
      });
      expect(traced.map((p) => p.visit.seq)).toEqual([4, 5]);
      // The chain as verified stays: the kiosk's next entry still links onto it.
      expect(await storage.entries.ingest(K, kioskChain(K, 7, fields).slice(6))).toMatchObject({ accepted: 1 });
    } finally {
      await storage.close();
    }
  });

  it('keeps 35 days by default: the 14 days a trace looks back and 21 days after', () => {
    expect(DEFAULT_ENTRY_KEEP_DAYS).toBe(35);
    expect(firstKeptDay(Date.parse('2021-11-24T23:00:00+07:00'), 35)).toBe(day('2021-10-20'));
    expect(() => firstKeptDay(0, 7)).toThrow(RangeError);
  });
});

describe('retention, by command and by the server', () => {
  /** Entries on 2021-10-01, 10-10 and 10-20 (Vietnam days), one each. */
  async function threeDays(url: string): Promise<void> {
    const storage = await PgHubStorage.open(url);
    try {
      const dates = ['2021-10-01', '2021-10-10', '2021-10-20'];
      await storage.entries.ingest(
        K,
        kioskChain(K, 3, (seq) => ({ at: at(dates[seq - 1] as string, 9) })),
        { receivedAtMs: Date.parse('2021-10-20T12:00:00+07:00') },
      );
    } finally {
      await storage.close();
    }
  }

  it('chot hub entries prune drops the days before --keep-days and says which', async () => {
    const url = cluster.createDatabase();
    await threeDays(url);
    let out = '';
    const io = { stdout: { write: (text: string) => (out += text) }, now: () => Date.parse('2021-10-25T08:00:00+07:00') };
    await expect(runHubEntries(['prune', '--keep-days', '7', '--pg', url], io)).rejects.toThrow(UsageError);
    expect(await runHubEntries(['prune', '--keep-days', '20', '--pg', url], io)).toBe(0);
    expect(out).toMatch(
      /^entry retention \(20 days, keeping 2021-10-05 on\): dropped 1 day partition 2021-10-01 \(~\d+ entries\), 0 out-of-range entries, 0 refused entries\n$/,
    );
    await withClient(url, async (client) => {
      const parts = await partitionsOf(client);
      expect(parts).not.toContain('entry_p20211001');
      expect(parts).toEqual(expect.arrayContaining(['entry_p20211010', 'entry_p20211020', 'entry_p20211025', 'entry_p20211026']));
    });
  });

  it('a SQLite hub keeps every entry, and the command says so', async () => {
    const dataDir = tempDataDir('chot-hub-');
    await (await openHubStorage({ dataDir })).close();
    let out = '';
    expect(await runHubEntries(['prune', '--data', dataDir], { stdout: { write: (text: string) => (out += text) } })).toBe(0);
    expect(out).toMatch(/keeps every entry/);
  });

  it('chot hub serve drops the expired days at start, by its --entry-keep-days, and logs what it dropped', async () => {
    const url = cluster.createDatabase();
    await threeDays(url);
    const logger = memoryLogger();
    const lines = logger.lines;
    const server = await startHubServer({
      dataDir: tempDataDir('chot-hub-'),
      storage: { pgUrl: url },
      logger,
      now: () => Date.parse('2021-10-25T08:00:00+07:00'),
      entryKeepDays: 14,
    });
    try {
      expect(lines.filter((line) => line.includes('entry retention (14 days, keeping 2021-10-11 on)'))).toHaveLength(1);
      // Done before the server listens: no upload can race the first round.
      expect(lines.find((line) => line.includes('entry retention'))).toMatch(/dropped 2 day partitions 2021-10-01 .*, 2021-10-10 /);
    } finally {
      await server.close();
    }
  });
});
