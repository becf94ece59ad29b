import { afterEach, describe, expect, it } from 'vitest';
import { buildReport } from '../../../hub/reports/build-report.js';
import type { Counts, Report } from '../../../hub/reports/report-model.js';
import { vnDate, vnDayOfDate } from '../../../hub/reports/vn-calendar.js';
import type { HubStorage } from '../../../hub/storage/hub-storage.js';
import { openHubStorage, type HubStorageLocation } from '../../../hub/storage/open-hub-storage.js';
import { expectedCounts, FROM_MS, IDLE, kioskId, plantWeek, placeName, REVOKED, TO_MS, WEEK, type ExpectedCounts } from './report-traffic.js';

/**
 * The one behaviour every ReportStore must have, run against the hub's SQLite and PostgreSQL
 * storage for real (report-store.test.ts): a week of traffic at 50 scan points in, a report
 * whose every total matches what was ingested out.
 */
const day = (date: string): number => vnDayOfDate(date) as number;
const plain = (c: Counts): ExpectedCounts => ({ scans: c.scans, flagged: c.flagged, byOutcome: { ...c.byOutcome }, byKind: { ...c.byKind } });

export function describeReportStoreContract(name: string, newLocation: () => HubStorageLocation): void {
  describe(`ReportStore contract: ${name}`, () => {
    const open: HubStorage[] = [];
    const fresh = async (): Promise<HubStorage> => {
      const storage = await openHubStorage(newLocation());
      open.push(storage);
      return storage;
    };
    afterEach(async () => {
      await Promise.all(open.splice(0).map((s) => s.close()));
    });

    it('an empty hub reports zeros, every day of the period listed', async () => {
      const storage = await fresh();
      const report = await buildReport(storage, { fromDay: day('2021-10-18'), toDay: day('2021-10-20'), by: 'day', now: 0 });
      expect(report.totals).toMatchObject({ registered: 0, active: 0, counts: { scans: 0, flagged: 0 } });
      expect(report.periods.map((p) => p.label)).toEqual(['2021-10-18', '2021-10-19', '2021-10-20']);
      expect(report.locations).toEqual([]);
      expect(report.idle).toEqual([]);
    });

    it('a week at 50 scan points: totals per location, per day and overall, by colour and by kind, equal the entries ingested', async () => {
      const storage = await fresh();
      const uploads = await plantWeek(storage);
      const expected = expectedCounts(uploads);
      const report: Report = await buildReport(storage, {
        fromDay: day(WEEK.from),
        toDay: day(WEEK.to),
        by: 'day',
        now: Date.parse('2021-10-25T08:00:00+07:00'),
      });

      expect(expected.total.scans).toBeGreaterThan(1000);
      expect(expected.total.flagged).toBe(5);
      // Chip reads of each authenticity: the verified ones a group of their own, the others ID cards.
      expect(expected.total.byKind['chip-verified']).toBeGreaterThan(10);
      expect(report.totals.counts.byKind['chip-verified']).toBe(expected.total.byKind['chip-verified']);
      expect(plain(report.totals.counts)).toEqual(expected.total);
      // Registered: 1–50 (51 was revoked). Active: those with a scan in the week. Idle: the rest.
      expect(report.totals.registered).toBe(50);
      expect(report.totals.active).toBe(50 - IDLE.length);
      expect(report.idle.map((d) => d.deviceId)).toEqual(IDLE.map(kioskId));
      expect(report.idle.map((d) => d.location)).toEqual(IDLE.map(placeName));

      expect(report.periods.map((p) => p.label)).toEqual(['2021-10-18', '2021-10-19', '2021-10-20', '2021-10-21', '2021-10-22', '2021-10-23', '2021-10-24']);
      for (const p of report.periods) expect({ day: p.label, ...plain(p.counts) }).toEqual({ day: p.label, ...expected.byDay.get(p.label) });

      // Every registered place, and the revoked kiosk's place (its scans still count), nothing else.
      const places = [...Array.from({ length: 50 }, (_, i) => placeName(i + 1)), placeName(REVOKED)];
      expect(new Set(report.locations.map((l) => l.location))).toEqual(new Set(places));
      for (const place of report.locations) {
        const n = Number(place.location === placeName(7) ? 7 : /^Điểm (\d+)/.exec(place.location)?.[1]);
        expect({ place: place.location, registered: place.registered, active: place.active }).toEqual({
          place: place.location,
          registered: n === REVOKED ? 0 : 1,
          active: n === REVOKED || IDLE.includes(n) ? 0 : 1,
        });
        const none = {
          scans: 0,
          flagged: 0,
          byOutcome: { green: 0, yellow: 0, red: 0, none: 0 },
          byKind: { dcc: 0, 'status-pass': 0, 'id-card': 0, 'chip-verified': 0, 'health-insurance': 0, typed: 0, unreadable: 0, other: 0 },
        };
        expect({ place: place.location, ...plain(place.counts) }).toEqual({ place: place.location, ...(expected.byPlace.get(place.location) ?? none) });
        for (const p of place.periods) {
          expect({ at: `${place.location} ${p.label}`, ...plain(p.counts) }).toEqual({
            at: `${place.location} ${p.label}`,
            ...(expected.byPlaceDay.get(`${place.location}|${p.label}`) ?? none),
          });
        }
      }
      const flaggedPlaces = report.locations.filter((l) => l.counts.flagged > 0).map((l) => l.location);
      expect(flaggedPlaces.sort()).toEqual([3, 13, 23, 33, 43].map(placeName).sort());
    });

    it('buckets by ISO week, a partial week at either end of the period', async () => {
      const storage = await fresh();
      const uploads = await plantWeek(storage);
      const week = await buildReport(storage, { fromDay: day(WEEK.from), toDay: day(WEEK.to), by: 'week', now: 0 });
      expect(week.periods.map((p) => [p.label, vnDate(p.firstDay), vnDate(p.lastDay)])).toEqual([['2021-W42', '2021-10-18', '2021-10-24']]);
      expect(plain(week.periods[0]!.counts)).toEqual(expectedCounts(uploads).total);

      // Wednesday to Tuesday: the end of week 42 and the start of week 43 (kiosk 50's scans on the 25th).
      const fromMs = Date.parse('2021-10-20T00:00:00+07:00');
      const toMs = Date.parse('2021-10-27T00:00:00+07:00');
      const split = await buildReport(storage, { fromDay: day('2021-10-20'), toDay: day('2021-10-26'), by: 'week', now: 0 });
      expect(split.periods.map((p) => [p.label, vnDate(p.firstDay), vnDate(p.lastDay)])).toEqual([
        ['2021-W42', '2021-10-20', '2021-10-24'],
        ['2021-W43', '2021-10-25', '2021-10-26'],
      ]);
      expect(plain(split.periods[0]!.counts)).toEqual(expectedCounts(uploads, fromMs, Date.parse('2021-10-25T00:00:00+07:00')).total);
      expect(plain(split.periods[1]!.counts)).toEqual(expectedCounts(uploads, Date.parse('2021-10-25T00:00:00+07:00'), toMs).total);
      expect(split.periods[1]!.counts.scans).toBe(4); // kiosk 50's three, kiosk 1's one at 00:00 on the 25th
      // Kiosk 50 scanned on the 25th: no longer idle in the 7 days up to the 26th.
      expect(split.idle.map((d) => d.deviceId)).toEqual([48, 49].map(kioskId));
    });

    it('counts only [from, to): an entry at the very end of the range is the next period', async () => {
      const storage = await fresh();
      await plantWeek(storage);
      const all = await storage.reports.kioskActivity(FROM_MS, TO_MS);
      const one = all.find((k) => k.kioskId === kioskId(1));
      expect(one?.lastAtMs).toBeLessThan(TO_MS);
      expect(all.map((k) => k.kioskId)).not.toContain(kioskId(50));
      expect((await storage.reports.kioskActivity(TO_MS, TO_MS + 1)).map((k) => [k.kioskId, k.scans])).toEqual([[kioskId(1), 1]]);
      await expect(storage.reports.scanCounts({ fromMs: 10, toMs: 5, by: 'day' })).rejects.toThrow(RangeError);
    });
  });
}
