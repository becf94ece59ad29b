import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NO_FACTS } from '../../../../domain/facts/person-facts.js';
import { ACCESS_LIST } from '../../../../domain/rules/builtin/access-list.js';
import { KHANH_HOA_2021_10 } from '../../../../domain/rules/builtin/khanh-hoa-2021-10.js';
import { CompiledRuleSet } from '../../../../domain/rules/compiled-rule-set.js';
import { checkRuleSet } from '../../../../domain/rules/rule-set-check.js';
import { ruleSetInForce } from '../../../../domain/rules/rule-book.js';
import type { RuleSet } from '../../../../domain/rules/rule-set.js';

const compile = (ruleSet: RuleSet): CompiledRuleSet => {
  const result = CompiledRuleSet.compile(ruleSet);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.compiled;
};
const withRule = (when: unknown): unknown => ({ ...KHANH_HOA_2021_10, rules: [{ ...KHANH_HOA_2021_10.rules[0], when }] });
const paths = (document: unknown): string[] => {
  const result = checkRuleSet(document);
  return result.ok ? [] : result.problems.map((p) => p.path);
};

describe('checkRuleSet', () => {
  it('accepts the shipped rule sets', () => {
    expect(checkRuleSet(KHANH_HOA_2021_10).ok).toBe(true);
    expect(checkRuleSet(ACCESS_LIST).ok).toBe(true);
  });

  it.each([
    ['an unknown operation', withRule({ and: [true, { frobnicate: [1] }] }), '/rules/0/when/and/1'],
    ['wrong arity', withRule({ and: [true, { '===': [1] }] }), '/rules/0/when/and/1'],
    ['a var with a default (not allowed in CertLogic)', withRule({ and: [true, { var: ['facts.doses', 0] }] }), '/rules/0/when/and/1'],
    ['a bad plusTime unit', withRule({ plusTime: [{ var: 'scan.at' }, 1, 'fortnight'] }), '/rules/0/when/plusTime'],
  ])('refuses %s, with the JSON path of the problem', (_label, document, path) => {
    expect(paths(document).some((p) => p.startsWith(path))).toBe(true);
  });

  it('reports every shape problem with its path', () => {
    const broken = {
      ...KHANH_HOA_2021_10,
      id: 'Bad Id',
      version: '1',
      validFrom: 'soon',
      rules: [{ id: 'x', colour: 'purple', when: true, reason: { code: 'x' } }],
      extra: 1,
    };
    expect(paths(broken)).toEqual(['/id', '/version', '/validFrom', '/rules/0/colour', '/rules/0/reason/vi', '/rules/0/reason/en', '/extra']);
    // A reason code the entry log could not keep (the hub refuses such entries).
    const spaced = { ...KHANH_HOA_2021_10, rules: [{ id: 'x', colour: 'green', when: true, reason: { code: 'fully vaccinated', vi: 'v', en: 'e' } }] };
    expect(paths(spaced)).toEqual(['/rules/0/reason/code']);
  });
});

describe('rule evaluation', () => {
  it('an access list decides on identity alone', () => {
    const list = compile({ ...ACCESS_LIST, parameters: { allowed: ['056089001234'], denied: ['079195004321'] } });
    const at = Date.parse('2021-10-20T08:00:00+07:00');
    // No facts about anyone: the list does not need them.
    const colour = (id12: string) => list.evaluate(NO_FACTS, { nowMs: at, person: { id12 }, factsSource: 'none' }).outcome;
    expect([colour('056089001234'), colour('079195004321'), colour('001089000001')]).toEqual(['green', 'red', 'red']);
  });

  it('a condition that fails on the data gives no colour, never a later rule’s green', () => {
    const broken = compile({
      ...KHANH_HOA_2021_10,
      rules: [
        {
          id: 'unguarded',
          colour: 'red',
          when: { 'not-after': [{ plusTime: [{ var: 'facts.nothing' }, 0, 'day'] }, { plusTime: [{ var: 'scan.at' }, 0, 'day'] }] },
          reason: { code: 'r', vi: 'r', en: 'r' },
        },
        { id: 'always', colour: 'green', when: true, reason: { code: 'g', vi: 'g', en: 'g' } },
      ],
    });
    const outcome = broken.evaluate(NO_FACTS, { nowMs: Date.now() });
    expect(outcome.outcome).toBe('none');
    expect(outcome.reasons[0]?.code).toBe('rules.error');
  });

  it('never throws, whatever the facts (100 000 random people)', { timeout: 120_000 }, () => {
    const rules = compile(KHANH_HOA_2021_10);
    const date = fc.date({ min: new Date('2019-01-01'), max: new Date('2030-01-01'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
    const person = fc.record({
      doses: fc.array(fc.record({ dose: fc.integer({ min: 0, max: 20 }), date, product: fc.constantFrom('EU/1/20/1528', 'EU/1/20/1525', 'unknown', '') }), {
        maxLength: 5,
      }),
      tests: fc.array(
        fc.record({
          takenAt: fc.date({ noInvalidDate: true, min: new Date('2019-01-01'), max: new Date('2030-01-01') }).map((d) => d.toISOString()),
          kind: fc.constantFrom('pcr' as const, 'rapid' as const),
          result: fc.constantFrom('positive' as const, 'negative' as const),
        }),
        { maxLength: 4 },
      ),
      recoveredOn: fc.option(date, { nil: undefined }),
      quarantine: fc.array(fc.record({ status: fc.constantFrom('F0' as const, 'F1' as const), from: date }), { maxLength: 2 }),
      recoveryCertificate: fc.option(fc.record({ positiveOn: date, validFrom: date, validUntil: date }), { nil: undefined }),
      notCounted: fc.array(
        fc.record({
          kind: fc.constantFrom('vaccination' as const, 'test' as const, 'recovery' as const),
          why: fc.constantFrom(
            'disease' as const,
            'vaccine-product' as const,
            'vaccine-type' as const,
            'test-type' as const,
            'test-result' as const,
            'incomplete' as const,
          ),
        }),
        { maxLength: 2 },
      ),
    });
    fc.assert(
      fc.property(
        person,
        fc.integer({ min: Date.parse('2020-01-01'), max: Date.parse('2030-01-01') }),
        fc.option(fc.nat(10 ** 9), { nil: undefined }),
        (facts, nowMs, age) => {
          const { recoveredOn, recoveryCertificate, ...rest } = facts;
          const present = { ...(recoveredOn === undefined ? {} : { recoveredOn }), ...(recoveryCertificate === undefined ? {} : { recoveryCertificate }) };
          const outcome = rules.evaluate({ ...rest, ...present }, { nowMs, ...(age === undefined ? {} : { dataAgeMs: age }) });
          expect(['green', 'yellow', 'red']).toContain(outcome.outcome);
        },
      ),
      { numRuns: 100_000 },
    );
  });
});

describe('the rule set in force', () => {
  // Versions pinned here, so the built-in set's own version does not matter to the choice.
  const base = { ...KHANH_HOA_2021_10, version: '1.0.0' };
  const october = compile(base);
  const december = compile({ ...base, id: 'khanh-hoa-2021-12', validFrom: '2021-12-01T00:00:00+07:00' });
  const patched = compile({ ...base, version: '1.0.1' });
  const ended = compile({ ...base, id: 'ended', validFrom: '2021-11-01T00:00:00+07:00', validTo: '2021-11-15T00:00:00+07:00' });

  it.each([
    ['before any set', '2021-09-30T23:59:59+07:00', undefined],
    ['at the first set’s validFrom', '2021-10-01T00:00:00+07:00', 'khanh-hoa-2021-10@1.0.1'],
    ['during a set with an end', '2021-11-14T23:59:59+07:00', 'ended@1.0.0'],
    ['after its end', '2021-11-15T00:00:00+07:00', 'khanh-hoa-2021-10@1.0.1'],
    ['at the next set’s validFrom', '2021-12-01T00:00:00+07:00', 'khanh-hoa-2021-12@1.0.0'],
  ])('%s', (_label, at, expected) => {
    const set = ruleSetInForce([october, december, patched, ended], Date.parse(at));
    expect(set === undefined ? undefined : `${set.ruleSet.id}@${set.ruleSet.version}`).toBe(expected);
  });
});
