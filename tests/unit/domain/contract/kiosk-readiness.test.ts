import { describe, expect, it } from 'vitest';
import { NOT_READY_HEADLINE, decideReadiness, verdictHeadlineWhile, type ReadinessInput } from '../../../../domain/contract/kiosk-readiness.js';
import { asKioskEvent } from '../../../../domain/contract/kiosk-event-guard.js';
import { NO_COLOUR_HEADLINES, COLOUR_HEADLINES } from '../../../../domain/verdict/verdict.js';
import { UNKNOWN_PERSON } from '../../../../domain/verdict/assess-credential.js';

const HOUR = 3_600_000;
const base: ReadinessInput = { sync: { state: 'idle' }, staleAfterMs: 24 * HOUR, stalePolicy: true };

describe('decideReadiness: whether the kiosk’s verdicts can be trusted on its data', () => {
  it('enrolled and never synced: NOT READY, saying so and what staff do', () => {
    const readiness = decideReadiness({ ...base, sync: { state: 'offline' } });
    expect(readiness.state).toBe('not-ready');
    expect(readiness.headline).toEqual({ vi: 'DỮ LIỆU CHƯA SẴN SÀNG', en: 'NOT READY' });
    expect(readiness.line.en).toContain('never synced');
    expect(readiness.advice.en).toContain('chot sync');
    expect(readiness.advice.vi).toContain('IT');
  });

  it('not enrolled and no data at all: NOT READY too (every person would be "no record")', () => {
    expect(decideReadiness({ ...base, sync: { state: 'not-enrolled' } }).state).toBe('not-ready');
  });

  it('the demo data set: ready, whatever the age says', () => {
    expect(decideReadiness({ ...base, sync: { state: 'demo' } }).state).toBe('ready');
    expect(decideReadiness({ ...base, sync: { state: 'demo' }, dataAgeMs: 100 * HOUR }).state).toBe('ready');
  });

  it('past the threshold of a rule set whose stale-data policy takes the green away: NOT READY, with the age and the threshold', () => {
    const readiness = decideReadiness({ ...base, dataAgeMs: 30 * HOUR, dataSyncedAt: 1 });
    expect(readiness.state).toBe('not-ready');
    expect(readiness.line).toEqual({ vi: 'Đồng bộ lần cuối 30 giờ trước, quá ngưỡng 24 giờ', en: 'Last synced 30 h ago, over the 24 h threshold' });
  });

  it('past the threshold with no stale-data policy in force: only OUT OF DATE (the verdicts do not change)', () => {
    expect(decideReadiness({ ...base, stalePolicy: false, dataAgeMs: 30 * HOUR }).state).toBe('out-of-date');
  });

  it('older than the warning age (half the threshold) but under it: OUT OF DATE; younger: ready', () => {
    const aging = decideReadiness({ ...base, dataAgeMs: 13 * HOUR });
    expect(aging.state).toBe('out-of-date');
    expect(aging.headline).toEqual({ vi: 'DỮ LIỆU CŨ', en: 'OUT OF DATE' });
    expect(aging.line.en).toBe('Last synced 13 h ago (threshold 24 h)');
    expect(decideReadiness({ ...base, dataAgeMs: 11 * HOUR }).state).toBe('ready');
    expect(decideReadiness({ ...base, dataAgeMs: 24 * HOUR }).state).toBe('out-of-date');
  });
});

describe('verdictHeadlineWhile: a "no record" from a kiosk that knows nobody', () => {
  const noRecord = { outcome: 'none', headline: NO_COLOUR_HEADLINES['unknown-person'], reasons: [UNKNOWN_PERSON] };
  it('while NOT READY, "no record" reads NOT READY; other verdicts keep their headline', () => {
    const notReady = decideReadiness({ ...base });
    expect(verdictHeadlineWhile(notReady, noRecord)).toEqual(NOT_READY_HEADLINE);
    const green = { outcome: 'green', headline: COLOUR_HEADLINES.green, reasons: [] };
    expect(verdictHeadlineWhile(notReady, green)).toEqual(COLOUR_HEADLINES.green);
  });

  it('while NOT READY, an unknown person a stricter phase makes red reads NOT READY too, not a bare red', () => {
    const redUnknown = { outcome: 'red', headline: COLOUR_HEADLINES.red, reasons: [UNKNOWN_PERSON] };
    expect(verdictHeadlineWhile(decideReadiness({ ...base }), redUnknown)).toEqual(NOT_READY_HEADLINE);
    expect(verdictHeadlineWhile(decideReadiness({ ...base, dataAgeMs: 0 }), redUnknown)).toEqual(COLOUR_HEADLINES.red);
  });

  it('ready or out of date: "no record" is said as it is', () => {
    expect(verdictHeadlineWhile(decideReadiness({ ...base, dataAgeMs: 0 }), noRecord)).toEqual(noRecord.headline);
    expect(verdictHeadlineWhile(decideReadiness({ ...base, dataAgeMs: 13 * HOUR }), noRecord)).toEqual(noRecord.headline);
  });
});

describe('the readiness push passes the event guard only when well formed', () => {
  it('a decided readiness passes; an unknown state or missing words is dropped', () => {
    const readiness = decideReadiness({ ...base });
    expect(asKioskEvent({ name: 'readiness', readiness })).toEqual({ name: 'readiness', readiness });
    expect(asKioskEvent({ name: 'readiness', readiness: { ...readiness, state: 'fine' } })).toBeUndefined();
    expect(asKioskEvent({ name: 'readiness', readiness: { ...readiness, line: 'x' } })).toBeUndefined();
  });
});

describe('decideReadiness: the kiosk clock', () => {
  const fresh: ReadinessInput = { ...base, dataAgeMs: HOUR, dataSyncedAt: 1 };

  it('a clock behind the newest signed time: NOT READY by default, saying how far and what staff do', () => {
    const readiness = decideReadiness({ ...fresh, clock: { state: 'behind-signed-time', offByMs: 72 * HOUR } });
    expect(readiness.state).toBe('not-ready');
    expect(readiness.headline).toEqual(NOT_READY_HEADLINE);
    expect(readiness.line.en).toContain('4320 min behind a time the hub signed');
    expect(readiness.advice.en).toContain('NTP');
  });

  it('it comes before "never synced": the age of anything is measured with the wrong clock', () => {
    const readiness = decideReadiness({ ...base, clock: { state: 'behind-signed-time', offByMs: HOUR } });
    expect(readiness.line.en).toContain('behind a time the hub signed');
  });

  it('by policy, a clock behind is only a warning', () => {
    const readiness = decideReadiness({ ...fresh, clock: { state: 'behind-signed-time', offByMs: HOUR }, clockPolicy: { behind: 'warning' } });
    expect(readiness.state).toBe('out-of-date');
    expect(readiness.headline.en).toBe('CLOCK WRONG');
  });

  it('a clock only off from the hub: a warning, ahead or behind said as it is', () => {
    const ahead = decideReadiness({ ...fresh, clock: { state: 'off-from-hub', offByMs: -10 * 60_000 } });
    expect(ahead.state).toBe('out-of-date');
    expect(ahead.line.en).toBe("The kiosk clock is 10 min ahead of the hub's");
    expect(decideReadiness({ ...fresh, clock: { state: 'off-from-hub', offByMs: 10 * 60_000 } }).line.vi).toContain('chậm hơn');
  });

  it('a trusted or unknown clock changes nothing', () => {
    expect(decideReadiness({ ...fresh, clock: { state: 'trusted' } }).state).toBe('ready');
    expect(decideReadiness({ ...fresh, clock: { state: 'unknown' } }).state).toBe('ready');
  });
});
