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
