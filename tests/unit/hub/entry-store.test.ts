import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runHubTrace, TRACE_CSV_HEADER } from '../../../cli/commands/hub-trace.js';
import { openHubStorage, type HubStorageLocation } from '../../../hub/storage/open-hub-storage.js';
import { HUB_SQLITE_FILE } from '../../../hub/storage/sqlite-hub-storage.js';
import { tempDataDir } from '../../support/kiosk-process.js';
import { startPostgres, type PostgresCluster } from '../../support/postgres.js';
import { describeEntryStoreContract } from './entry-store-contract.js';
import { F0, plantOutbreak, PLANTED, T } from './entry-store-fixtures.js';

// A real server, never a mock: a private cluster for this file (tests/support/postgres.ts).
let cluster: PostgresCluster;
beforeAll(() => {
  cluster = startPostgres();
}, 90_000);
afterAll(() => cluster?.stop());

describeEntryStoreContract('SQLite', () => ({ dataDir: tempDataDir('chot-hub-') }));
describeEntryStoreContract('PostgreSQL', () => ({ pgUrl: cluster.createDatabase() }));

describe('SQLite entry store', () => {
  it('traces through the indexes: no full scan of the entry table', async () => {
    const dataDir = tempDataDir('chot-hub-');
    await (await openHubStorage({ dataDir })).close();
    const db = new Database(join(dataDir, HUB_SQLITE_FILE), { readonly: true });
    try {
      const plan = (sql: string, ...params: unknown[]): string =>
        (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]).map((r) => r.detail).join(' | ');
      // The store's own statements, as prepared in sqlite-entry-store.ts.
      const visits = plan(
        `SELECT person_id FROM entry INDEXED BY entry_by_person WHERE person_id = ? AND at_ms BETWEEN ? AND ? ORDER BY at_ms, kiosk_id, seq`,
        F0,
        0,
        1,
      );
      const present = plan(
        `SELECT person_id FROM entry INDEXED BY entry_by_place WHERE location = ? AND at_ms BETWEEN ? AND ? AND person_id IS NOT NULL AND person_id <> ? ORDER BY at_ms, kiosk_id, seq`,
        'x',
        0,
        1,
        F0,
      );
      expect(visits).toMatch(/SEARCH entry USING INDEX entry_by_person \(person_id=\? AND at_ms>\? AND at_ms<\?\)/);
      expect(present).toMatch(/SEARCH entry USING INDEX entry_by_place \(location=\? AND at_ms>\? AND at_ms<\?\)/);
      expect(`${visits} ${present}`).not.toMatch(/SCAN entry/);
    } finally {
      db.close();
    }
  });
});

describe('chot hub trace', () => {
  const capture = async (args: string[]): Promise<string> => {
    let out = '';
    expect(await runHubTrace(args, { stdout: { write: (text: string) => (out += text) } })).toBe(0);
    return out;
  };

  for (const engine of ['SQLite', 'PostgreSQL'] as const) {
    it(`prints the planted F0's places and contacts as JSON and CSV (${engine})`, async () => {
      const location: HubStorageLocation = engine === 'SQLite' ? { dataDir: tempDataDir('chot-hub-') } : { pgUrl: cluster.createDatabase() };
      const storage = await openHubStorage(location);
      try {
        await plantOutbreak(storage);
      } finally {
        await storage.close();
      }
      const where = 'dataDir' in location ? ['--data', location.dataDir] : ['--pg', location.pgUrl];
      const period = ['--id', F0, '--from', '2021-10-20', '--to', '2021-10-20T23:59'];
      const json = JSON.parse(await capture([...period, ...where])) as {
        personId: string;
        from: string;
        windowMs: number;
        places: { at: string; location: string; contacts: { personId: string; at: string }[] }[];
        contactSummary: unknown[];
      };
      // Each contact once beside the full list: 001090000004 is near both visits at Chợ Đầm, one entry.
      expect(json.contactSummary).toEqual([
        { personId: '001090000002', entries: 1, firstAt: T('08:30'), lastAt: T('08:30'), places: [{ location: 'Chợ Đầm', times: [T('08:30')] }] },
        { personId: '001090000003', entries: 1, firstAt: T('08:45'), lastAt: T('08:45'), places: [{ location: 'Chợ Đầm', times: [T('08:45')] }] },
        { personId: '001090000004', entries: 1, firstAt: T('09:10'), lastAt: T('09:10'), places: [{ location: 'Chợ Đầm', times: [T('09:10')] }] },
        { personId: '001090000005', entries: 1, firstAt: T('09:31'), lastAt: T('09:31'), places: [{ location: 'Chợ Đầm', times: [T('09:31')] }] },
        { personId: '001090000008', entries: 1, firstAt: T('14:29'), lastAt: T('14:29'), places: [{ location: 'Bến xe phía Bắc', times: [T('14:29')] }] },
      ]);
      // An hour's window: 001090000003 is near the morning visit at Chợ Đầm and the afternoon one at the bus station.
      const wide = JSON.parse(await capture([...period, '--window', '1h', ...where])) as { contactSummary: { personId: string }[] };
      expect(wide.contactSummary.find((c) => c.personId === '001090000003')).toEqual({
        personId: '001090000003',
        entries: 2,
        firstAt: T('08:45'),
        lastAt: T('14:31'),
        places: [
          { location: 'Chợ Đầm', times: [T('08:45')] },
          { location: 'Bến xe phía Bắc', times: [T('14:31')] },
        ],
      });
      const contacts = (await capture([...period, '--window', '1h', '--format', 'contacts-csv', ...where])).split('\r\n');
      expect(contacts[0]).toBe('contact_id,entries,first_at,last_at,location,times,time_zone');
      expect(contacts).toContain(
        '"001090000003",2,"2021-10-20T08:45:00+07:00","2021-10-20T14:31:00+07:00","Bến xe phía Bắc","2021-10-20T14:31:00+07:00","Asia/Ho_Chi_Minh (UTC+07:00)"',
      );
      expect(contacts.filter((l) => l.startsWith('"001090000004",'))).toEqual([
        '"001090000004",1,"2021-10-20T09:10:00+07:00","2021-10-20T09:10:00+07:00","Chợ Đầm","2021-10-20T09:10:00+07:00","Asia/Ho_Chi_Minh (UTC+07:00)"',
      ]);
      // Every time in one zone, stated: the period too, given as dates, is Vietnam time.
      expect(json).toMatchObject({
        personId: F0,
        timeZone: 'Asia/Ho_Chi_Minh',
        utcOffset: '+07:00',
        from: '2021-10-20T00:00:00+07:00',
        to: '2021-10-20T23:59:00+07:00',
        windowMs: PLANTED.windowMs,
      });
      expect(json.places.map((p) => ({ at: p.at, contacts: p.contacts.map((c) => `${c.at.slice(11, 16)} ${c.personId}`) }))).toEqual(PLANTED.expected);

      const csv = (await capture([...period, '--window', '15m', '--format', 'csv', ...where])).split('\r\n');
      expect(csv[0]).toBe(TRACE_CSV_HEADER.join(','));
      expect(csv.slice(1)).toEqual([
        '"2021-10-20T09:00:00+07:00","Chợ Đầm","k-1111111111111111",4,"green","001090000003","2021-10-20T08:45:00+07:00","k-1111111111111111",3,"1","in","green","cccd-qr","unsigned","","cccd-qr","unsigned","","","","Asia/Ho_Chi_Minh (UTC+07:00)"',
        '"2021-10-20T09:00:00+07:00","Chợ Đầm","k-1111111111111111",4,"green","001090000004","2021-10-20T09:10:00+07:00","k-2222222222222222",1,"1","in","green","cccd-qr","unsigned","","cccd-qr","unsigned","","","","Asia/Ho_Chi_Minh (UTC+07:00)"',
        '"2021-10-20T09:20:00+07:00","Chợ Đầm","k-2222222222222222",2,"green","001090000004","2021-10-20T09:10:00+07:00","k-2222222222222222",1,"1","in","green","cccd-qr","unsigned","","cccd-qr","unsigned","","","","Asia/Ho_Chi_Minh (UTC+07:00)"',
        '"2021-10-20T09:20:00+07:00","Chợ Đầm","k-2222222222222222",2,"green","001090000005","2021-10-20T09:31:00+07:00","k-2222222222222222",3,"1","in","green","cccd-qr","unsigned","","cccd-qr","unsigned","","","","Asia/Ho_Chi_Minh (UTC+07:00)"',
        '"2021-10-20T14:00:00+07:00","Bến xe phía Bắc","k-3333333333333333",2,"green","","","","","","","","cccd-qr","unsigned","","","","","","","Asia/Ho_Chi_Minh (UTC+07:00)"',
        '',
      ]);
    });
  }

  it('refuses bad options with a usage error', async () => {
    const dataDir = tempDataDir('chot-hub-');
    const base = ['--id', F0, '--from', '2021-10-20', '--to', '2021-10-21', '--data', dataDir];
    await expect(runHubTrace(['--id', '123', '--from', '2021-10-20', '--to', '2021-10-21'])).rejects.toThrow(/12-digit/);
    await expect(runHubTrace([...base, '--window', '30x'])).rejects.toThrow(/--window/);
    await expect(runHubTrace([...base, '--window', '25h'])).rejects.toThrow(/at most 24h/);
    await expect(runHubTrace([...base, '--format', 'xml'])).rejects.toThrow(/json, csv or contacts-csv/);
    await expect(runHubTrace(['--id', F0, '--from', '2021-10-21', '--to', '2021-10-20', '--data', dataDir])).rejects.toThrow(/not be after/);
    await expect(runHubTrace(['--id', F0, '--from', 'soon', '--to', '2021-10-20', '--data', dataDir])).rejects.toThrow(/--from must be an ISO 8601/);
  });

  it('refuses an impossible date instead of rolling it over (2021-02-31 is not 3 March)', async () => {
    const dataDir = tempDataDir('chot-hub-');
    await expect(runHubTrace(['--id', F0, '--from', '2021-02-31', '--to', '2021-03-10', '--data', dataDir])).rejects.toThrow(
      /--from must be an ISO 8601 time.*"2021-02-31" is not a real date: February 2021 has 28 days/,
    );
    await expect(runHubTrace(['--id', F0, '--from', '2021-02-01', '--to', '2021-04-31T08:00', '--data', dataDir])).rejects.toThrow(
      /--to .*April 2021 has 30 days/,
    );
    await expect(runHubTrace(['--id', F0, '--from', '2021-02-01T24:30', '--to', '2021-03-01', '--data', dataDir])).rejects.toThrow(
      /--from .*not a real time of day/,
    );
    await expect(runHubTrace(['--id', F0, '--from', '2021-13-01', '--to', '2021-03-01', '--data', dataDir])).rejects.toThrow(/--from .*has no month 13/);
  });
});
