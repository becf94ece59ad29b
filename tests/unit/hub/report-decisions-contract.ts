import { afterEach, describe, expect, it } from 'vitest';
import type { EntryRecord } from '../../../domain/entries/entry-record.js';
import { buildReport } from '../../../hub/reports/build-report.js';
import { vnDayOfDate } from '../../../hub/reports/vn-calendar.js';
import type { HubStorage } from '../../../hub/storage/hub-storage.js';
import { openHubStorage, type HubStorageLocation } from '../../../hub/storage/open-hub-storage.js';
import { chained, entryRecord } from '../../support/entry-fixtures.js';
import { K1, K3 } from './entry-store-fixtures.js';

/**
 * Staff decisions, distinct people and the hour of day, on both engines: two places, a red
 * and a yellow let in, a green confirmed, a person seen at both places, scans either side of
 * Vietnam's midnight. Every number below is counted by hand from PLANTED.
 */
const CHO = 'Chợ Đầm';
const BEN = 'Bến xe phía Bắc';
const A = '001090000001';
const B = '001090000002';
const C = '001090000003';
const D = '001090000004';
const CONFIRM_REASON = 'Nhân viên đã đối chiếu giấy tờ với người / Staff checked the card against the person';

const override = (seq: number, by: string): Partial<EntryRecord> => ({
  outcome: 'green',
  reasonCodes: ['override', `overrides:${seq}`],
  ruleSet: null,
  override: { by, reason: 'Đã kiểm tra giấy tờ / Papers checked' },
});
const confirm = (seq: number, by: string): Partial<EntryRecord> => ({
  outcome: 'green',
  reasonCodes: ['confirm', `confirms:${seq}`],
  ruleSet: null,
  override: { by, reason: CONFIRM_REASON },
});

/** [at (Vietnam time), fields] per kiosk, in seq order from 1. */
const PLANTED: Readonly<Record<string, readonly [string, Partial<EntryRecord>][]>> = {
  [K1]: [
    ['2021-10-20T08:05', { location: CHO, personId: A, outcome: 'red', reasonCodes: ['quarantine'] }],
    ['2021-10-20T08:06', { location: CHO, personId: A, ...override(1, 'Lan') }],
    ['2021-10-20T08:10', { location: CHO, personId: B, outcome: 'yellow', credentialKind: 'dcc', authenticity: 'signed-valid' }],
    ['2021-10-20T08:11', { location: CHO, personId: B, credentialKind: 'dcc', authenticity: 'signed-valid', ...override(3, 'Minh') }],
    ['2021-10-20T09:30', { location: CHO, personId: C, reasonCodes: ['vaccinated-2', 'gate.not-verified'] }],
    ['2021-10-20T09:31', { location: CHO, personId: C, ...confirm(5, 'Lan') }],
    ['2021-10-20T10:00', { location: CHO, personId: null, outcome: 'none', credentialKind: 'unknown', authenticity: 'none', reasonCodes: [] }],
    ['2021-10-20T23:30', { location: CHO, personId: A, credentialKind: 'pass', authenticity: 'signed-valid' }],
  ],
  [K3]: [
    ['2021-10-21T00:15', { location: BEN, personId: A, outcome: 'red', credentialKind: 'bhyt-qr', reasonCodes: ['quarantine'] }],
    ['2021-10-21T00:16', { location: BEN, personId: A, credentialKind: 'bhyt-qr', ...override(1, 'Lan') }],
    ['2021-10-21T07:00', { location: BEN, personId: D, outcome: 'red', credentialKind: 'dcc', authenticity: 'invalid', reasonCodes: ['dcc.signature'] }],
  ],
};

async function plant(storage: HubStorage): Promise<void> {
  for (const [kiosk, rows] of Object.entries(PLANTED)) {
    const records = rows.map(([at, fields], i) => entryRecord(kiosk, i + 1, { at: `${at}:00+07:00`, ...fields }));
    const result = await storage.entries.ingest(kiosk, chained(records));
    expect(result).toMatchObject({ accepted: records.length, problems: [] });
  }
}

const day = (date: string): number => vnDayOfDate(date) as number;
const REQUEST = { fromDay: day('2021-10-20'), toDay: day('2021-10-21'), by: 'day' as const, now: 0 };

export function describeReportDecisionsContract(name: string, newLocation: () => HubStorageLocation): void {
  describe(`report: staff decisions, people, hours (${name})`, () => {
    const open: HubStorage[] = [];
    const planted = async (): Promise<HubStorage> => {
      const storage = await openHubStorage(newLocation());
      open.push(storage);
      await plant(storage);
      return storage;
    };
    afterEach(async () => {
      await Promise.all(open.splice(0).map((s) => s.close()));
    });

    it('an override or a confirm is no second scan and no second green: 11 entries are 7 scans', async () => {
      const report = await buildReport(await planted(), REQUEST);
      expect(report.totals.counts.scans).toBe(7);
      expect(report.totals.counts.byOutcome).toEqual({ green: 2, yellow: 1, red: 3, none: 1 });
      expect(report.locations.map((l) => [l.location, l.counts.scans, l.counts.byOutcome.green])).toEqual([
        [BEN, 2, 0],
        [CHO, 5, 2],
      ]);
    });

    it('counts the reds and yellows staff let in, and the confirms, by place, day and staff member', async () => {
      const report = await buildReport(await planted(), REQUEST);
      expect(report.totals.counts.staff).toEqual({ letIn: { red: 2, yellow: 1, none: 0 }, confirmed: 1 });
      expect(report.periods.map((p) => [p.label, p.counts.staff])).toEqual([
        ['2021-10-20', { letIn: { red: 1, yellow: 1, none: 0 }, confirmed: 1 }],
        ['2021-10-21', { letIn: { red: 1, yellow: 0, none: 0 }, confirmed: 0 }],
      ]);
      expect(report.staff).toEqual([
        { location: BEN, staff: 'Lan', letIn: { red: 1, yellow: 0, none: 0 }, confirmed: 0 },
        { location: CHO, staff: 'Lan', letIn: { red: 1, yellow: 0, none: 0 }, confirmed: 1 },
        { location: CHO, staff: 'Minh', letIn: { red: 0, yellow: 1, none: 0 }, confirmed: 0 },
      ]);
    });

    it('counts distinct people at every level: a person seen twice, or at two places, once', async () => {
      const report = await buildReport(await planted(), REQUEST);
      expect(report.totals.counts.people).toBe(4);
      expect(report.periods.map((p) => [p.label, p.counts.people])).toEqual([
        ['2021-10-20', 3],
        ['2021-10-21', 2],
      ]);
      expect(report.locations.map((l) => [l.location, l.counts.people, l.periods.map((p) => p.counts.people)])).toEqual([
        [BEN, 2, [0, 2]],
        [CHO, 3, [3, 0]],
      ]);
    });

    it('counts scans per hour of the Vietnam day, staff decisions left out', async () => {
      const report = await buildReport(await planted(), REQUEST);
      const hours = (list: readonly number[]) => Object.fromEntries(list.flatMap((n, h) => (n > 0 ? [[h, n]] : [])));
      expect(report.totals.hours).toHaveLength(24);
      expect(hours(report.totals.hours)).toEqual({ 0: 1, 7: 1, 8: 2, 9: 1, 10: 1, 23: 1 });
      expect(report.locations.map((l) => [l.location, hours(l.hours)])).toEqual([
        [BEN, { 0: 1, 7: 1 }],
        [CHO, { 8: 2, 9: 1, 10: 1, 23: 1 }],
      ]);
    });

    it('groups credentials: EU DCC, Chốt pass, ID card, health insurance, and unreadable or invalid codes apart', async () => {
      const report = await buildReport(await planted(), REQUEST);
      expect(report.totals.counts.byKind).toEqual({
        dcc: 1,
        'status-pass': 1,
        'id-card': 2,
        'chip-verified': 0,
        'health-insurance': 1,
        typed: 0,
        unreadable: 2,
        other: 0,
      });
    });
  });
}
