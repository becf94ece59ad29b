import { describe, expect, it } from 'vitest';
import {
  bucketLabel,
  bucketStart,
  isoWeekLabel,
  isoWeekStart,
  vnDate,
  vnDayOf,
  vnDayOfDate,
  vnDayStartMs,
  vnDisplayDate,
} from '../../../hub/reports/vn-calendar.js';
import { bucketSql } from '../../../hub/reports/report-store.js';
import Database from 'better-sqlite3';

const day = (date: string): number => vnDayOfDate(date) as number;

describe('Vietnam calendar of reports', () => {
  it.each([
    ['2021-10-19T23:59:59.999+07:00', '2021-10-19'],
    ['2021-10-20T00:00:00.000+07:00', '2021-10-20'],
    ['2021-10-19T16:59:59.999Z', '2021-10-19'], // 23:59:59.999 in Vietnam
    ['2021-10-19T17:00:00.000Z', '2021-10-20'], // Vietnam's midnight
    ['2021-10-20T00:00:00.000Z', '2021-10-20'], // UTC's midnight is 07:00 in Vietnam
    ['2021-10-19T23:59:59.999Z', '2021-10-20'],
    ['2021-12-31T17:00:00.000Z', '2022-01-01'],
  ])('%s is on %s in Vietnam', (at, date) => {
    expect(vnDate(vnDayOf(Date.parse(at)))).toBe(date);
  });

  it('a day starts at 00:00+07:00', () => {
    expect(new Date(vnDayStartMs(day('2021-10-20'))).toISOString()).toBe('2021-10-19T17:00:00.000Z');
    expect(vnDayOf(vnDayStartMs(day('2021-10-20')) - 1)).toBe(day('2021-10-19'));
  });

  it.each(['2021-02-29', '2021-13-01', '2021-10-32', '21-10-20', '2021-10-20T00:00', '', 'today'])('%j is not a date', (text) => {
    expect(vnDayOfDate(text)).toBeUndefined();
  });

  it.each([
    // [date, Monday of its ISO week, ISO week]
    ['2021-10-18', '2021-10-18', '2021-W42'], // a Monday
    ['2021-10-24', '2021-10-18', '2021-W42'], // a Sunday
    ['2021-10-25', '2021-10-25', '2021-W43'],
    ['2021-01-03', '2020-12-28', '2020-W53'], // early January in the last year's week 53
    ['2021-01-04', '2021-01-04', '2021-W01'],
    ['2020-12-31', '2020-12-28', '2020-W53'],
    ['2019-12-30', '2019-12-30', '2020-W01'], // late December in next year's week 1
    ['1970-01-01', '1969-12-29', '1970-W01'], // day 0, a Thursday
  ])('%s: week from %s, %s', (date, monday, week) => {
    expect(vnDate(isoWeekStart(day(date)))).toBe(monday);
    expect(isoWeekLabel(day(date))).toBe(week);
    expect(bucketLabel(bucketStart(day(date), 'week'), 'week')).toBe(week);
    expect(bucketLabel(bucketStart(day(date), 'day'), 'day')).toBe(date);
  });

  it('writes dates the Vietnamese way', () => {
    expect(vnDisplayDate(day('2021-10-05'))).toBe('05/10/2021');
  });

  it('the SQL bucket expressions agree with the TypeScript ones across Vietnam midnight', () => {
    const db = new Database(':memory:');
    // An integer, as at_ms is in the table (better-sqlite3 binds a JavaScript number as a REAL).
    const T = 'CAST(@t AS INTEGER)';
    try {
      const times = [
        '2021-10-17T16:59:59.999Z',
        '2021-10-17T17:00:00.000Z',
        '2021-10-24T16:59:59.999Z',
        '2021-10-24T17:00:00.000Z',
        '2021-01-03T17:00:00Z',
        '2021-01-03T16:59:59Z',
      ];
      for (const at of times) {
        const ms = Date.parse(at);
        const [byDay, byWeek] = db
          .prepare(`SELECT ${bucketSql('day', T)} AS d, ${bucketSql('week', T)} AS w`)
          .raw()
          .get({ t: ms }) as [number, number];
        expect({ at, byDay, byWeek }).toEqual({ at, byDay: vnDayOf(ms), byWeek: isoWeekStart(vnDayOf(ms)) });
      }
    } finally {
      db.close();
    }
  });
});
