import { describe, expect, it } from 'vitest';
import { NO_FACTS, type PersonFacts } from '../../../../domain/facts/person-facts.js';
import { KHANH_HOA_2021_10 } from '../../../../domain/rules/builtin/khanh-hoa-2021-10.js';
import { CompiledRuleSet } from '../../../../domain/rules/compiled-rule-set.js';
import type { RuleContext } from '../../../../domain/rules/rule-input.js';

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
    [
      '14 days at 00:00 Vietnam time is 17:00 UTC the day before',
      facts({ doses: twoDoses('2021-10-01') }),
      Date.parse('2021-10-14T17:00:00Z'),
      'green',
      ['vaccinated-full'],
    ],
    [
      'one dose of a single-dose vaccine, 14 days ago',
      facts({ doses: [{ dose: 1, date: '2021-09-16', product: JANSSEN }] }),
      vn('2021-09-30T00:00'),
      'green',
      ['vaccinated-full'],
    ],
    [
      'a booster 3 days ago does not undo a course completed long ago',
      facts({ doses: [...twoDoses('2021-08-29'), { dose: 3, date: '2021-10-17', product: COMIRNATY }] }),
      vn('2021-10-20T08:00'),
      'green',
      ['vaccinated-full'],
    ],
    [
      'first dose 13 days ago: red, and the reason says the 14 days are not over',
      facts({ doses: [{ dose: 1, date: '2021-10-07', product: COMIRNATY }] }),
      vn('2021-10-20T08:00'),
      'red',
      ['vaccinated-under-14-days'],
    ],
    [
      'a single-dose course one minute short of 14 days',
      facts({ doses: [{ dose: 1, date: '2021-09-16', product: JANSSEN }] }),
      vn('2021-09-29T23:59'),
      'red',
      ['vaccinated-under-14-days'],
    ],
    [
      'first dose 20 days ago: yellow, the newer rule does not override it',
      facts({ doses: [{ dose: 1, date: '2021-09-30', product: COMIRNATY }] }),
      vn('2021-10-20T08:00'),
      'yellow',
      ['vaccinated-partial'],
    ],
    [
      'first dose exactly 14 days ago',
      facts({ doses: [{ dose: 1, date: '2021-10-06', product: COMIRNATY }] }),
      vn('2021-10-20T00:00'),
      'yellow',
      ['vaccinated-partial'],
    ],
    [
      'a PCR exactly 72 h old',
      facts({ tests: [{ takenAt: '2021-10-17T08:00:00+07:00', kind: 'pcr', result: 'negative' }] }),
      vn('2021-10-20T08:00'),
      'yellow',
      ['test-negative'],
    ],
    [
      'a PCR 72 h + 1 min old',
      facts({ tests: [{ takenAt: '2021-10-17T08:00:00+07:00', kind: 'pcr', result: 'negative' }] }),
      vn('2021-10-20T08:01'),
      'red',
      ['no-protection'],
    ],
    [
      'a negative rapid test does not count',
      facts({ tests: [{ takenAt: '2021-10-20T07:00:00+07:00', kind: 'rapid', result: 'negative' }] }),
      vn('2021-10-20T08:00'),
      'red',
      ['no-protection'],
    ],
    ['recovered 180 days ago', facts({ recoveredOn: '2021-04-23' }), vn('2021-10-20T08:00'), 'green', ['recovered']],
    ['recovered 181 days ago', facts({ recoveredOn: '2021-04-22' }), vn('2021-10-20T08:00'), 'red', ['no-protection']],
    [
      'F0 with two doses',
      facts({ doses: twoDoses('2021-08-29'), quarantine: [{ status: 'F0', from: '2021-10-18' }] }),
      vn('2021-10-20T08:00'),
      'red',
      ['quarantine'],
    ],
    [
      'F1 quarantine on its last day',
      facts({ doses: twoDoses('2021-08-29'), quarantine: [{ status: 'F1', from: '2021-10-06', to: '2021-10-20' }] }),
      vn('2021-10-20T23:59'),
      'red',
      ['quarantine'],
    ],
    [
      'F1 quarantine ended yesterday',
      facts({ doses: twoDoses('2021-08-29'), quarantine: [{ status: 'F1', from: '2021-10-05', to: '2021-10-19' }] }),
      vn('2021-10-20T00:00'),
      'green',
      ['vaccinated-full'],
    ],
    [
      'F0 from tomorrow does not apply yet',
      facts({ doses: twoDoses('2021-08-29'), quarantine: [{ status: 'F0', from: '2021-10-21' }] }),
      vn('2021-10-20T23:59'),
      'green',
      ['vaccinated-full'],
    ],
  ])('%s → %s', (_label, personFacts, now, colour, reasons) => {
    expect(decide(personFacts, now)).toEqual([colour, reasons]);
  });
});

const certificate = (positiveOn: string, validFrom: string, validUntil: string): Partial<PersonFacts> => ({
  recoveryCertificate: { positiveOn, validFrom, validUntil },
});
const pcr = (takenAt: string, result: 'positive' | 'negative') => ({ tests: [{ takenAt, kind: 'pcr' as const, result }] });

describe('khanh-hoa-2021-10: a positive test is F0, a certificate of recovery counts inside its window', () => {
  it.each<[string, Partial<PersonFacts>, number, string, string[]]>([
    [
      'a positive PCR this morning, two doses long ago',
      { doses: twoDoses('2021-08-29'), ...pcr('2021-10-20T07:00:00+07:00', 'positive') },
      vn('2021-10-20T08:00'),
      'red',
      ['test-positive'],
    ],
    ['a positive PCR 14 days ago less a minute', pcr('2021-10-06T08:01:00+07:00', 'positive'), vn('2021-10-20T08:00'), 'red', ['test-positive']],
    [
      'a positive PCR exactly 14 days ago, two doses',
      { doses: twoDoses('2021-08-29'), ...pcr('2021-10-06T08:00:00+07:00', 'positive') },
      vn('2021-10-20T08:00'),
      'green',
      ['vaccinated-full'],
    ],
    [
      'a positive test sampled after the scan does not apply yet',
      pcr('2021-10-20T09:00:00+07:00', 'positive'),
      vn('2021-10-20T08:00'),
      'red',
      ['no-protection'],
    ],
    ['a certificate on its first valid day', certificate('2021-09-01', '2021-10-20', '2022-02-28'), vn('2021-10-20T00:00'), 'green', ['recovered']],
    [
      'a certificate the minute before its first valid day',
      certificate('2021-09-01', '2021-10-20', '2022-02-28'),
      vn('2021-10-19T23:59'),
      'red',
      ['recovery-not-yet-valid'],
    ],
    [
      'a certificate at the last minute of its last valid day',
      certificate('2021-09-01', '2021-09-12', '2021-10-20'),
      vn('2021-10-20T23:59'),
      'green',
      ['recovered'],
    ],
    [
      'a certificate the day after its last valid day',
      certificate('2021-09-01', '2021-09-12', '2021-10-20'),
      vn('2021-10-21T00:00'),
      'red',
      ['recovery-expired'],
    ],
    [
      'a certificate whose positive result was 13 days ago',
      certificate('2021-10-07', '2021-10-07', '2022-02-28'),
      vn('2021-10-20T08:00'),
      'red',
      ['test-positive'],
    ],
    [
      'a certificate whose positive result was 14 days ago',
      certificate('2021-10-06', '2021-10-06', '2022-02-28'),
      vn('2021-10-20T00:00'),
      'green',
      ['recovered'],
    ],
    ['a certificate 180 days after its positive result', certificate('2021-04-23', '2021-05-04', '2022-04-01'), vn('2021-10-20T08:00'), 'green', ['recovered']],
    [
      'a certificate 181 days after its positive result, whatever its issuer wrote',
      certificate('2021-04-22', '2021-05-03', '2022-04-01'),
      vn('2021-10-20T08:00'),
      'red',
      ['recovery-expired'],
    ],
    [
      'an expired certificate does not hide a negative PCR',
      { ...certificate('2021-03-01', '2021-03-12', '2021-08-28'), ...pcr('2021-10-19T08:00:00+07:00', 'negative') },
      vn('2021-10-20T08:00'),
      'yellow',
      ['test-negative'],
    ],
    ['a recovery date from the hub has no window of its own (unchanged)', { recoveredOn: '2021-10-19' }, vn('2021-10-20T08:00'), 'green', ['recovered']],
    ['an entry about another disease', { notCounted: [{ kind: 'vaccination', why: 'disease' }] }, vn('2021-10-20T08:00'), 'red', ['certificate-not-covid']],
    ['an unrecognised vaccine', { notCounted: [{ kind: 'vaccination', why: 'vaccine-product' }] }, vn('2021-10-20T08:00'), 'red', ['vaccine-not-recognised']],
    ['an unrecognised vaccine type', { notCounted: [{ kind: 'vaccination', why: 'vaccine-type' }] }, vn('2021-10-20T08:00'), 'red', ['vaccine-not-recognised']],
    ['an unrecognised test result', { notCounted: [{ kind: 'test', why: 'test-result' }] }, vn('2021-10-20T08:00'), 'red', ['test-not-recognised']],
    [
      'an incomplete entry says no more than "no protection"',
      { notCounted: [{ kind: 'test', why: 'incomplete' }] },
      vn('2021-10-20T08:00'),
      'red',
      ['no-protection'],
    ],
  ])('%s → %s', (_label, partial, now, colour, reasons) => {
    expect(decide(facts(partial), now)).toEqual([colour, reasons]);
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
