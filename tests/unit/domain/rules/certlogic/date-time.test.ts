import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addTime, parseDateOfBirth, parseDateTime } from '../../../../../domain/rules/certlogic/date-time.js';

/**
 * The hand-written date-time reader against JavaScript's own Date parsing, on every format
 * the spec lists; and plusTime's offsetting against the spec's reference (`setUTC<unit>`).
 */

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

const offsetForm = fc.oneof(
  fc.constant({ text: '', minutes: 0 }),
  fc.constant({ text: 'Z', minutes: 0 }),
  fc
    .tuple(fc.constantFrom('+', '-'), fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }), fc.integer({ min: 0, max: 5 }))
    .map(([sign, h, m, form]) => {
      const minutes = (sign === '-' ? -1 : 1) * (h * 60 + (form < 2 ? 0 : m));
      const texts = [`${h}`, pad(h), `${h}${pad(m)}`, `${pad(h)}${pad(m)}`, `${h}:${pad(m)}`, `${pad(h)}:${pad(m)}`];
      // `h` and `hmm` need a one-digit hour; use the two-digit forms otherwise.
      const text = h > 9 && (form === 0 || form === 2 || form === 4) ? texts[form + 1] : texts[form];
      return { text: `${sign}${text}`, minutes };
    }),
);

const dateTimeText = fc
  .record({
    year: fc.integer({ min: 1000, max: 2999 }),
    month: fc.integer({ min: 1, max: 12 }),
    day: fc.integer({ min: 1, max: 28 }),
    hour: fc.integer({ min: 0, max: 23 }),
    minute: fc.integer({ min: 0, max: 59 }),
    second: fc.integer({ min: 0, max: 59 }),
    fraction: fc.option(fc.stringMatching(/^\d{1,7}$/), { nil: undefined }),
    offset: offsetForm,
  })
  .map((f) => {
    const local = `${f.year}-${pad(f.month)}-${pad(f.day)}T${pad(f.hour)}:${pad(f.minute)}:${pad(f.second)}`;
    const text = `${local}${f.fraction === undefined ? '' : `.${f.fraction}`}${f.offset.text}`;
    const ms = f.fraction === undefined ? '000' : f.fraction.slice(0, 3).padEnd(3, '0');
    const expected = Date.parse(`${local}.${ms}Z`) - f.offset.minutes * 60_000;
    return { text, expected, offset: f.offset.minutes };
  });

describe('CertLogic date-times', () => {
  it('reads every format of the spec as JavaScript reads the same instant', () => {
    fc.assert(
      fc.property(dateTimeText, ({ text, expected, offset }) => {
        const parsed = parseDateTime(text);
        expect(parsed?.epochMs, text).toBe(expected);
        expect(parsed?.offsetMinutes, text).toBe(offset);
      }),
      { numRuns: 5_000 },
    );
  });

  it('offsets exactly as setUTC<unit>(getUTC<unit>() + amount) does', () => {
    const unit = fc.constantFrom('year', 'month', 'day', 'hour') as fc.Arbitrary<'year' | 'month' | 'day' | 'hour'>;
    fc.assert(
      fc.property(dateTimeText, fc.integer({ min: -5000, max: 5000 }), unit, ({ text }, amount, u) => {
        const parsed = parseDateTime(text);
        if (parsed === null) return false;
        const reference = new Date(parsed.epochMs);
        if (u === 'year') reference.setUTCFullYear(reference.getUTCFullYear() + amount);
        if (u === 'month') reference.setUTCMonth(reference.getUTCMonth() + amount);
        if (u === 'day') reference.setUTCDate(reference.getUTCDate() + amount);
        if (u === 'hour') reference.setUTCHours(reference.getUTCHours() + amount);
        return addTime(parsed, amount, u)?.epochMs === reference.getTime();
      }),
      { numRuns: 5_000 },
    );
  });

  it('refuses what is outside the time range instead of wrapping', () => {
    const end = parseDateTime('9999-12-31T23:59:59Z');
    expect(end).not.toBeNull();
    if (end === null) return;
    expect(addTime(end, 300_000, 'year')).toBeNull();
    expect(addTime(end, 2 ** 40, 'hour')).toBeNull();
    expect(addTime(end, 1, 'day')?.toISOString()).toBe('+010000-01-01T23:59:59.000Z');
  });

  it.each([
    ['2004', '2004-12-31T00:00:00.000Z'],
    ['2004-02', '2004-02-29T00:00:00.000Z'],
    ['2004-04', '2004-04-30T00:00:00.000Z'],
    ['2004-04-05', '2004-04-05T00:00:00.000Z'],
  ])('dccDateOfBirth %s → %s', (text, expected) => {
    expect(parseDateOfBirth(text)?.toISOString()).toBe(expected);
  });

  it.each(['', '204', '2004-', '2004-00', '2004-1', '2004-02-30', '2004-02-1', '2004-02-01T00:00:00Z', 'XXXX'])('dccDateOfBirth refuses %j', (text) => {
    expect(parseDateOfBirth(text)).toBeNull();
  });
});
