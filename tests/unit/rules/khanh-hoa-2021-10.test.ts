import { describe, expect, it } from 'vitest';
import { NO_FACTS, type PersonFacts } from '../../../domain/facts/person-facts.js';
import { KHANH_HOA_2021_10 } from '../../../domain/rules/builtin/khanh-hoa-2021-10.js';
import { CompiledRuleSet } from '../../../domain/rules/compiled-rule-set.js';
import type { RuleContext } from '../../../domain/rules/rule-input.js';

const compiled = CompiledRuleSet.compile(KHANH_HOA_2021_10);
if (!compiled.ok) throw new Error(JSON.stringify(compiled.problems));
const rules = compiled.compiled;

const COMIRNATY = 'EU/1/20/1528';
const JANSSEN = 'EU/1/20/1525';
/** An instant in Vietnam time (UTC+7). */
const vn = (local: string): number => Date.parse(`${local}+07:00`);
const facts = (partial: Partial<PersonFacts>): PersonFacts => ({ ...NO_FACTS, ...partial });
const twoDoses = (second: string): PersonFacts['doses'] => [
  { dose: 1, date: '2021-08-01', product: COMIRNATY },
  { dose: 2, date: second, product: COMIRNATY },
];
const decide = (personFacts: PersonFacts, nowMs: number, context: Partial<RuleContext> = {}) => {
  const outcome = rules.evaluate(personFacts, { nowMs, dataAgeMs: 3600_000, ...context });
  return [outcome.outcome, outcome.reasons.map((r) => r.code)] as const;
};

describe('khanh-hoa-2021-10 at its boundaries', () => {
  it.each<[string, PersonFacts, number, string, string[]]>([
    ['a person with no facts', NO_FACTS, vn('2021-10-20T12:00'), 'red', ['no-protection']],
    ['second dose exactly 14 days ago at 00:00 Vietnam time', facts({ doses: twoDoses('2021-10-01') }), vn('2021-10-15T00:00'), 'green', ['vaccinated-full']],
    ['second dose one minute short of 14 days', facts({ doses: twoDoses('2021-10-01') }), vn('2021-10-14T23:59'), 'yellow', ['vaccinated-partial']],
    ['14 days at 00:00 Vietnam time is 17:00 UTC the day before', facts({ doses: twoDoses('2021-10-01') }), Date.parse('2021-10-14T17:00:00Z'), 'green', ['vaccinated-full']],
    ['one dose of a single-dose vaccine, 14 days ago', facts({ doses: [{ dose: 1, date: '2021-09-16', product: JANSSEN }] }), vn('2021-09-30T00:00'), 'green', ['vaccinated-full']],
    ['a booster 3 days ago does not undo a course completed long ago', facts({ doses: [...twoDoses('2021-08-29'), { dose: 3, date: '2021-10-17', product: COMIRNATY }] }), vn('2021-10-20T08:00'), 'green', ['vaccinated-full']],
    ['first dose 13 days ago', facts({ doses: [{ dose: 1, date: '2021-10-07', product: COMIRNATY }] }), vn('2021-10-20T08:00'), 'red', ['no-protection']],
    ['first dose exactly 14 days ago', facts({ doses: [{ dose: 1, date: '2021-10-06', product: COMIRNATY }] }), vn('2021-10-20T00:00'), 'yellow', ['vaccinated-partial']],
    ['a PCR exactly 72 h old', facts({ tests: [{ takenAt: '2021-10-17T08:00:00+07:00', kind: 'pcr', result: 'negative' }] }), vn('2021-10-20T08:00'), 'yellow', ['test-negative']],
    ['a PCR 72 h + 1 min old', facts({ tests: [{ takenAt: '2021-10-17T08:00:00+07:00', kind: 'pcr', result: 'negative' }] }), vn('2021-10-20T08:01'), 'red', ['no-protection']],
    ['a negative rapid test does not count', facts({ tests: [{ takenAt: '2021-10-20T07:00:00+07:00', kind: 'rapid', result: 'negative' }] }), vn('2021-10-20T08:00'), 'red', ['no-protection']],
    ['recovered 180 days ago', facts({ recoveredOn: '2021-04-23' }), vn('2021-10-20T08:00'), 'green', ['recovered']],
    ['recovered 181 days ago', facts({ recoveredOn: '2021-04-22' }), vn('2021-10-20T08:00'), 'red', ['no-protection']],
    ['F0 with two doses', facts({ doses: twoDoses('2021-08-29'), quarantine: [{ status: 'F0', from: '2021-10-18' }] }), vn('2021-10-20T08:00'), 'red', ['quarantine']],
    ['F1 quarantine on its last day', facts({ doses: twoDoses('2021-08-29'), quarantine: [{ status: 'F1', from: '2021-10-06', to: '2021-10-20' }] }), vn('2021-10-20T23:59'), 'red', ['quarantine']],
    ['F1 quarantine ended yesterday', facts({ doses: twoDoses('2021-08-29'), quarantine: [{ status: 'F1', from: '2021-10-05', to: '2021-10-19' }] }), vn('2021-10-20T00:00'), 'green', ['vaccinated-full']],
    ['F0 from tomorrow does not apply yet', facts({ doses: twoDoses('2021-08-29'), quarantine: [{ status: 'F0', from: '2021-10-21' }] }), vn('2021-10-20T23:59'), 'green', ['vaccinated-full']],
  ])('%s → %s', (_label, personFacts, now, colour, reasons) => {
    expect(decide(personFacts, now)).toEqual([colour, reasons]);
  });
});

describe('the stale-data policy', () => {
  const green = facts({ doses: twoDoses('2021-08-29') });
  const at = vn('2021-10-20T08:00');

  it.each([
    ['synced an hour ago', 3600_000, 'green', ['vaccinated-full']],
    ['synced exactly 24 h ago', 24 * 3600_000, 'green', ['vaccinated-full']],
    ['synced 24 h + 1 min ago', 24 * 3600_000 + 60_000, 'yellow', ['vaccinated-full', 'data-stale']],
    ['synced 3 days ago', 72 * 3600_000, 'yellow', ['vaccinated-full', 'data-stale']],
  ])('green with data %s → %s', (_label, ageMs, colour, reasons) => {
    expect(decide(green, at, { dataAgeMs: ageMs })).toEqual([colour, reasons]);
  });

  it('says "dữ liệu chưa cập nhật"', () => {
    const outcome = rules.evaluate(green, { nowMs: at, dataAgeMs: 48 * 3600_000 });
    expect(outcome.reasons.at(-1)).toMatchObject({ vi: 'Dữ liệu chưa cập nhật' });
  });

  it('leaves red and yellow alone, and an unknown data age alone', () => {
    expect(decide(NO_FACTS, at, { dataAgeMs: 72 * 3600_000 })).toEqual(['red', ['no-protection']]);
    const { dataAgeMs: _unused, ...noAge } = { dataAgeMs: 0 };
    expect(rules.evaluate(green, { nowMs: at, ...noAge }).outcome).toBe('green');
  });

  it('has a configurable limit', () => {
    expect(rules.evaluate(green, { nowMs: at, dataAgeMs: 3 * 3600_000 }, { staleAfterHours: 2 }).outcome).toBe('yellow');
    expect(rules.evaluate(green, { nowMs: at, dataAgeMs: 47 * 3600_000 }, { staleAfterHours: 48 }).outcome).toBe('green');
  });
});
