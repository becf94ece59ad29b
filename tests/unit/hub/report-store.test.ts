import Database from 'better-sqlite3';
import pg from 'pg';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPostgres, type PostgresCluster } from '../../support/postgres.js';
import { tempDataDir } from '../../support/kiosk-process.js';
import { openHubStorage } from '../../../hub/storage/open-hub-storage.js';
import { HUB_SQLITE_FILE, SqliteHubStorage } from '../../../hub/storage/sqlite-hub-storage.js';
import {
  SQLITE_DISTINCT_PEOPLE,
  SQLITE_HOUR_COUNTS,
  SQLITE_KIOSK_ACTIVITY,
  SQLITE_REPORT_INDEX,
  SQLITE_SCAN_COUNTS,
  SQLITE_STAFF_DECISIONS,
} from '../../../hub/storage/sqlite-report-store.js';
import { buildReport } from '../../../hub/reports/build-report.js';
import { PG_DISTINCT_PEOPLE, PG_HOUR_COUNTS, PG_STAFF_DECISIONS } from '../../../hub/storage/pg-report-store.js';
import { vnDayOfDate } from '../../../hub/reports/vn-calendar.js';
import { runHubReport } from '../../../cli/commands/hub-report.js';
import { REPORT_CSV_HEADER } from '../../../hub/reports/report-csv.js';
import type { HubStorageLocation } from '../../../hub/storage/open-hub-storage.js';
import { describeReportStoreContract } from './report-store-contract.js';
import { describeReportDecisionsContract } from './report-decisions-contract.js';
import { expectedCounts, FROM_MS, IDLE, kioskId, placeName, plantWeek, TO_MS, WEEK } from './report-traffic.js';

// A real server, never a mock: a private cluster for this file (tests/support/postgres.ts).
let cluster: PostgresCluster;
beforeAll(() => {
  cluster = startPostgres();
}, 90_000);
afterAll(() => cluster?.stop());

describeReportStoreContract('SQLite', () => ({ dataDir: tempDataDir('chot-hub-') }));
describeReportStoreContract('PostgreSQL', () => ({ pgUrl: cluster.createDatabase() }));
describeReportDecisionsContract('SQLite', () => ({ dataDir: tempDataDir('chot-hub-') }));
describeReportDecisionsContract('PostgreSQL', () => ({ pgUrl: cluster.createDatabase() }));

describe('SQLite report store', () => {
  it('reads the period place by place through entry_by_place: no full scan of the entry table', async () => {
    const dataDir = tempDataDir('chot-hub-');
    await (await openHubStorage({ dataDir })).close();
    const db = new Database(join(dataDir, HUB_SQLITE_FILE), { readonly: true });
    try {
      const reads = [
        SQLITE_SCAN_COUNTS('day'),
        SQLITE_SCAN_COUNTS('week'),
        SQLITE_KIOSK_ACTIVITY(),
        SQLITE_DISTINCT_PEOPLE('day'),
        SQLITE_DISTINCT_PEOPLE('week'),
        SQLITE_HOUR_COUNTS(),
      ];
      for (const sql of [...reads, SQLITE_STAFF_DECISIONS('day'), SQLITE_STAFF_DECISIONS('week')]) {
        const plan = (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(0, 1) as { detail: string }[]).map((r) => r.detail).join(' | ');
        expect(plan).toMatch(/SEARCH e USING INDEX entry_by_place \(location=\? AND at_ms>\? AND at_ms<\?\)/);
        // The places: the first in index order (LIMIT 1 stops the scan at once), then a seek for each next one.
        expect(plan).toMatch(/SEARCH e USING COVERING INDEX entry_by_place \(location>\?\)/);
        expect(plan).not.toMatch(/SCAN (entry|e|o)\b(?! USING COVERING INDEX entry_by_place)/);
      }
      // The entry a staff decision names: one primary-key seek on its kiosk's chain.
      for (const sql of [SQLITE_STAFF_DECISIONS('day'), SQLITE_STAFF_DECISIONS('week')]) {
        const plan = (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(0, 1) as { detail: string }[]).map((r) => r.detail).join(' | ');
        expect(plan).toMatch(/SEARCH o USING INDEX sqlite_autoindex_entry_1 \(kiosk_id=\? AND seq=\?\)/);
      }
    } finally {
      db.close();
    }
  });

  it('reads the covering index instead, without a table lookup per entry, once a migration adds it', async () => {
    const dataDir = tempDataDir('chot-hub-');
    const request = { fromDay: vnDayOfDate(WEEK.from) as number, toDay: vnDayOfDate(WEEK.to) as number, by: 'day' as const, now: 0 };
    const storage = SqliteHubStorage.open(join(dataDir, HUB_SQLITE_FILE));
    await plantWeek(storage);
    expect(storage.reports.index).toBe('entry_by_place');
    const before = await buildReport(storage, request);
    await storage.close();
    const db = new Database(join(dataDir, HUB_SQLITE_FILE));
    try {
      // The index this store asks for (see SQLITE_REPORT_INDEX), as a migration would create it.
      db.exec(`CREATE INDEX ${SQLITE_REPORT_INDEX} ON entry(location, at_ms, kiosk_id, outcome, credential_kind, authenticity, problem, override)`);
      for (const sql of [
        SQLITE_SCAN_COUNTS('week', SQLITE_REPORT_INDEX),
        SQLITE_KIOSK_ACTIVITY(SQLITE_REPORT_INDEX),
        SQLITE_HOUR_COUNTS(SQLITE_REPORT_INDEX),
      ]) {
        const plan = (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(0, 1) as { detail: string }[]).map((r) => r.detail).join(' | ');
        expect(plan).toMatch(/SEARCH e USING COVERING INDEX entry_for_report \(location=\? AND at_ms>\? AND at_ms<\?\)/);
      }
    } finally {
      db.close();
    }
    const reopened = SqliteHubStorage.open(join(dataDir, HUB_SQLITE_FILE));
    try {
      expect(reopened.reports.index).toBe(SQLITE_REPORT_INDEX);
      expect(await buildReport(reopened, request)).toEqual(before);
    } finally {
      await reopened.close();
    }
  });
});

describe('PostgreSQL report store', () => {
  it('reads staff decisions, people and hours place by place, and the entry a decision names by its primary key: no full scan', async () => {
    const pgUrl = cluster.createDatabase();
    const storage = await openHubStorage({ pgUrl });
    try {
      await plantWeek(storage);
    } finally {
      await storage.close();
    }
    const client = new pg.Client({ connectionString: pgUrl });
    await client.connect();
    try {
      await client.query('ANALYZE entry');
      // A day's partition here holds a few hundred rows, cheaper read whole; a day at a
      // province's gates holds millions. With sequential scans priced out, a Seq Scan left in
      // the plan means there was no index path at all.
      await client.query('SET enable_seqscan = off');
      const plan = async (sql: string) =>
        (await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${sql}`, [FROM_MS, TO_MS])).rows.map((r) => r['QUERY PLAN']).join('\n');
      for (const sql of [PG_STAFF_DECISIONS('day'), PG_STAFF_DECISIONS('week'), PG_DISTINCT_PEOPLE('day'), PG_DISTINCT_PEOPLE('week'), PG_HOUR_COUNTS]) {
        const text = await plan(sql);
        expect(text).not.toMatch(/Seq Scan on entry/);
        expect(text).toMatch(/Index (Only )?Scan using entry_p\d{8}_location_at_ms_idx on entry_p\d{8}|Bitmap Index Scan on entry_p\d{8}_location_at_ms_idx/);
      }
      for (const sql of [PG_STAFF_DECISIONS('day'), PG_STAFF_DECISIONS('week')])
        expect(await plan(sql)).toMatch(/Index Scan using entry_p\d{8}_pkey on entry_p\d{8}/);
    } finally {
      await client.end();
    }
  });
});

describe('chot hub report', () => {
  const run = async (args: string[]): Promise<string> => {
    let out = '';
    expect(await runHubReport(args, { stdout: { write: (text: string) => (out += text) }, now: () => Date.parse('2021-10-25T08:00:00+07:00') })).toBe(0);
    return out;
  };

  for (const engine of ['SQLite', 'PostgreSQL'] as const) {
    it(`prints the week as CSV and writes it as HTML (${engine})`, async () => {
      const location: HubStorageLocation = engine === 'SQLite' ? { dataDir: tempDataDir('chot-hub-') } : { pgUrl: cluster.createDatabase() };
      const storage = await openHubStorage(location);
      let expected;
      let uploads;
      try {
        uploads = await plantWeek(storage);
        expected = expectedCounts(uploads);
      } finally {
        await storage.close();
      }
      const where = 'dataDir' in location ? ['--data', location.dataDir] : ['--pg', location.pgUrl];
      const period = ['--from', WEEK.from, '--to', WEEK.to];

      const lines = (await run([...period, ...where])).split('\r\n');
      expect(lines[0]).toBe(REPORT_CSV_HEADER.join(','));
      const t = expected.total;
      const counts = [
        t.scans,
        t.flagged,
        t.byOutcome.green,
        t.byOutcome.yellow,
        t.byOutcome.red,
        t.byOutcome.none,
        t.byKind.dcc,
        t.byKind['status-pass'],
        t.byKind['id-card'],
        t.byKind['chip-verified'],
        t.byKind['health-insurance'],
        t.byKind.typed,
        t.byKind.unreadable,
        t.byKind.other,
      ];
      // Distinct person identifiers of the week's entries, counted here on their own; the traffic has no staff decisions.
      const people = new Set(
        uploads.flatMap(([, entries]) =>
          entries.filter((e) => e.personId !== null && Date.parse(e.at) >= FROM_MS && Date.parse(e.at) < TO_MS).map((e) => e.personId),
        ),
      ).size;
      expect(people).toBeGreaterThan(1000);
      expect(lines[1]).toBe(`"total","","","2021-10-18/2021-10-24","2021-10-18","2021-10-24",50,${50 - IDLE.length},${counts.join(',')},${people},0,0,0,0,""`);
      expect(lines.filter((l) => l.startsWith('"period",'))).toHaveLength(7);
      expect(lines.filter((l) => l.startsWith('"location",'))).toHaveLength(51);
      expect(lines.filter((l) => l.startsWith('"location-period",'))).toHaveLength(51 * 7);
      expect(lines.filter((l) => l.startsWith('"idle",')).map((l) => l.split(',')[2])).toEqual(IDLE.map((i) => `"${kioskId(i)}"`));
      const place7 = `"location","Cổng ""B"", Chợ Đầm","","2021-10-18/2021-10-24","2021-10-18","2021-10-24",1,1,${expected.byPlace.get(placeName(7))?.scans},0,`;
      expect(lines.filter((l) => l.startsWith(place7)).map((l) => l.slice(place7.length).split(',').slice(0, 12).join(','))).toEqual([
        [...Object.values(expected.byPlace.get(placeName(7))!.byOutcome), ...Object.values(expected.byPlace.get(placeName(7))!.byKind)].join(','),
      ]);

      const out = join(tempDataDir('chot-report-'), 'week.html');
      const said = await run([...period, '--by', 'week', '--format', 'html', '--out', out, ...where]);
      expect(said).toBe(
        `report written to ${out}: ${t.scans} scans (5 flagged), 47 of 50 registered scan points active, 3 without a scan in the last 7 days\n`,
      );
      const html = readFileSync(out, 'utf8');
      expect(html).toContain('2021-W42');
      expect(html).toContain('Cổng &#34;B&#34;, Chợ Đầm');
      expect(html).toContain(`<b>${t.scans.toLocaleString('vi-VN')}</b>`);
      expect(html).not.toContain('<script');
    });
  }
});
