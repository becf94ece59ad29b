import { describe, expect, it } from 'vitest';
import type { PersonFacts } from '../../../domain/facts/person-facts.js';
import { NO_FACTS } from '../../../domain/facts/person-facts.js';
import { evaluateFirstRule } from '../../../domain/rules/first-rule.js';

const COMIRNATY = 'EU/1/20/1528';
const JANSSEN = 'EU/1/20/1525';
/** An instant in Vietnam time (UTC+7). */
const vn = (local: string): number => Date.parse(`${local}+07:00`);
const facts = (partial: Partial<PersonFacts>): PersonFacts => ({ ...NO_FACTS, ...partial });

describe('the foundation rule (Khánh Hòa, October 2021, as code)', () => {
  it.each<[string, PersonFacts, number, string, string]>([
    ['no facts', NO_FACTS, vn('2021-10-20T12:00'), 'red', 'no-protection'],
    ['second dose exactly 14 days ago at 00:00', facts({ doses: [{ dose: 1, date: '2021-09-01', product: COMIRNATY }, { dose: 2, date: '2021-10-01', product: COMIRNATY }] }), vn('2021-10-15T00:00'), 'green', 'vaccinated-full'],
    ['second dose one minute short of 14 days', facts({ doses: [{ dose: 1, date: '2021-09-01', product: COMIRNATY }, { dose: 2, date: '2021-10-01', product: COMIRNATY }] }), vn('2021-10-14T23:59'), 'yellow', 'vaccinated-partial'],
    ['one dose of a single-dose vaccine', facts({ doses: [{ dose: 1, date: '2021-09-01', product: JANSSEN }] }), vn('2021-10-01T08:00'), 'green', 'vaccinated-full'],
    ['first dose 13 days ago', facts({ doses: [{ dose: 1, date: '2021-10-01', product: COMIRNATY }] }), vn('2021-10-14T08:00'), 'red', 'no-protection'],
    ['recovered 180 days ago', facts({ recoveredOn: '2021-04-23' }), vn('2021-10-20T08:00'), 'green', 'recovered'],
    ['recovered 181 days ago', facts({ recoveredOn: '2021-04-22' }), vn('2021-10-20T08:00'), 'red', 'no-protection'],
    ['negative PCR exactly 72 h ago', facts({ tests: [{ takenAt: '2021-10-17T08:00:00+07:00', kind: 'pcr', result: 'negative' }] }), vn('2021-10-20T08:00'), 'yellow', 'test-negative'],
    ['negative PCR 72 h + 1 min ago', facts({ tests: [{ takenAt: '2021-10-17T08:00:00+07:00', kind: 'pcr', result: 'negative' }] }), vn('2021-10-20T08:01'), 'red', 'no-protection'],
    ['negative rapid test does not count', facts({ tests: [{ takenAt: '2021-10-20T07:00:00+07:00', kind: 'rapid', result: 'negative' }] }), vn('2021-10-20T08:00'), 'red', 'no-protection'],
    ['F0 with two doses', facts({ doses: [{ dose: 1, date: '2021-07-01', product: COMIRNATY }, { dose: 2, date: '2021-08-01', product: COMIRNATY }], quarantine: [{ status: 'F0', from: '2021-10-18' }] }), vn('2021-10-20T08:00'), 'red', 'quarantine'],
    ['F1 quarantine that ended yesterday', facts({ doses: [{ dose: 2, date: '2021-08-01', product: COMIRNATY }], quarantine: [{ status: 'F1', from: '2021-10-05', to: '2021-10-19' }] }), vn('2021-10-20T08:00'), 'green', 'vaccinated-full'],
  ])('%s → %s', (_label, personFacts, now, colour, reason) => {
    const outcome = evaluateFirstRule(personFacts, now);
    expect(outcome.colour).toBe(colour);
    expect(outcome.reasons.map((r) => r.code)).toEqual([reason]);
    expect(outcome.ruleSet.id).toBe('builtin-first-rule');
  });
});
