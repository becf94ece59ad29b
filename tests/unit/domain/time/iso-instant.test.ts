import { describe, expect, it } from 'vitest';
import { parseIsoInstant, readIsoInstant } from '../../../../domain/time/iso-instant.js';

describe('readIsoInstant: the one strict ISO 8601 reader', () => {
  it.each([
    ['2021-10-20T08:00:00Z', '2021-10-20T08:00:00.000Z'],
    ['2021-10-20T08:00+07:00', '2021-10-20T01:00:00.000Z'],
    ['2021-10-20T08:00:00.123456+0700', '2021-10-20T01:00:00.123Z'],
    ['2021-10-20T08:00:00+07', '2021-10-20T01:00:00.000Z'],
    ['2021-10-20', '2021-10-20T00:00:00.000Z'],
    ['2024-02-29T12:00Z', '2024-02-29T12:00:00.000Z'],
  ])('%s is %s (zoneless: UTC)', (text, iso) => {
    const result = readIsoInstant(text);
    expect(result.ok && new Date(result.ms).toISOString()).toBe(iso);
  });

  it('reads a zoneless time at the offset asked for (Vietnam time for the hub’s trace)', () => {
    const result = readIsoInstant('2021-10-20', 7 * 60);
    expect(result.ok && new Date(result.ms).toISOString()).toBe('2021-10-19T17:00:00.000Z');
  });

  it.each([
    ['2021-02-31', /not a real date: February 2021 has 28 days/],
    ['2021-02-29T08:00Z', /February 2021 has 28 days/],
    ['2021-04-31', /April 2021 has 30 days/],
    ['2021-00-10', /has no month 0/],
    ['2021-13-10', /has no month 13/],
    ['2021-10-20T24:00', /not a real time of day \(24:00\)/],
    ['2021-10-20T08:60', /not a real time of day/],
    ['2021-10-20T08:00+24:00', /no time zone offset/],
    ['1899-12-31', /year outside/],
    ['20 October 2021', /not an ISO 8601 date or time/],
    ['2021-10-20T08:00:00Zjunk', /not an ISO 8601/],
  ])('%s is refused: %s', (text, problem) => {
    const result = readIsoInstant(text);
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.problem).toMatch(problem);
    expect(parseIsoInstant(text)).toBeNull();
  });
});
