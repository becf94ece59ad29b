import { describe, expect, it } from 'vitest';
import { NO_FACTS } from '../../../../domain/facts/person-facts.js';
import { buildRuleInput } from '../../../../domain/rules/rule-input.js';

const context = { nowMs: Date.parse('2021-10-20T08:00:00+07:00') };

describe('the rule input: what the rules see of a recovery and of uncounted entries', () => {
  it('a certificate of recovery: its positive result and first valid day at 00:00 in Vietnam, its last valid day ending at 00:00 the day after', () => {
    const input = buildRuleInput(
      { ...NO_FACTS, recoveryCertificate: { positiveOn: '2021-09-01', validFrom: '2021-09-12', validUntil: '2022-02-28' } },
      context,
      {},
    );
    expect(input.facts.recoveryCertificate).toEqual({
      positiveAt: '2021-09-01T00:00:00.000+07:00',
      validFrom: '2021-09-12T00:00:00.000+07:00',
      validUntil: '2022-03-01T00:00:00.000+07:00',
    });
    expect(input.facts.recoveredAt).toBeUndefined();
  });

  it('a recovery date from the hub stays a recovery date, with no certificate window', () => {
    const input = buildRuleInput({ ...NO_FACTS, recoveredOn: '2021-09-01' }, context, {});
    expect(input.facts.recoveredAt).toBe('2021-09-01T00:00:00.000+07:00');
    expect(input.facts).not.toHaveProperty('recoveryCertificate');
  });

  it('uncounted entries are always an array: empty for facts from the hub', () => {
    expect(buildRuleInput(NO_FACTS, context, {}).facts.notCounted).toEqual([]);
    expect(buildRuleInput({ ...NO_FACTS, notCounted: [{ kind: 'test', why: 'test-type' }] }, context, {}).facts.notCounted).toEqual([
      { kind: 'test', why: 'test-type' },
    ]);
  });
});

describe('the rule input: kiosk.clockTrusted', () => {
  it('false when the kiosk says its clock is not trusted, so a phase may take the green away', () => {
    expect(buildRuleInput(NO_FACTS, { ...context, clockTrusted: false }, {}).kiosk.clockTrusted).toBe(false);
    expect(buildRuleInput(NO_FACTS, { ...context, clockTrusted: true }, {}).kiosk.clockTrusted).toBe(true);
  });

  it('true when nothing judged the clock (a rule set tested on its own)', () => {
    expect(buildRuleInput(NO_FACTS, context, {}).kiosk.clockTrusted).toBe(true);
  });
});
