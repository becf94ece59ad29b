import { describe, expect, it } from 'vitest';
import type { Credential } from '../../../../domain/credentials/credential.js';
import { isParseError } from '../../../../domain/credentials/credential.js';
import { parseScan } from '../../../../domain/credentials/parse-scan.js';
import { NO_FACTS, type PersonFacts } from '../../../../domain/facts/person-facts.js';
import { ACCESS_LIST } from '../../../../domain/rules/builtin/access-list.js';
import { KHANH_HOA_2021_10 } from '../../../../domain/rules/builtin/khanh-hoa-2021-10.js';
import { CompiledRuleSet } from '../../../../domain/rules/compiled-rule-set.js';
import { checkRuleSet } from '../../../../domain/rules/rule-set-check.js';
import type { RuleSet } from '../../../../domain/rules/rule-set.js';
import { FACTS_UNKNOWN, UNKNOWN_PERSON } from '../../../../domain/rules/unknown-person.js';
import { assessCredential, type LocalFacts } from '../../../../domain/verdict/assess-credential.js';

const NOW = Date.parse('2021-10-20T08:00:00+07:00');
const CCCD = '056089001234|225123456|Nguyễn Văn An|15031989|Nam|Số 1 Trần Phú, Nha Trang|10072021';
const FULLY_VACCINATED: PersonFacts = {
  ...NO_FACTS,
  doses: [
    { dose: 1, date: '2021-07-01', product: 'EU/1/20/1528' },
    { dose: 2, date: '2021-08-01', product: 'EU/1/20/1528' },
  ],
};

/** The built-in set with its own rules and nothing about unknown persons: a set published before `facts.known` existed. */
const WITHOUT_UNKNOWN_RULE: RuleSet = {
  ...KHANH_HOA_2021_10,
  id: 'older-phase',
  rules: KHANH_HOA_2021_10.rules.filter((rule) => rule.id !== 'unknown-person'),
};

/** A stricter phase: a person the province's data does not hold is red, not "see staff". */
const STRICT_PHASE: RuleSet = {
  ...WITHOUT_UNKNOWN_RULE,
  id: 'strict-phase',
  rules: [{ id: 'unknown-person-red', colour: 'red', when: FACTS_UNKNOWN, reason: UNKNOWN_PERSON }, ...WITHOUT_UNKNOWN_RULE.rules],
};

/** A phase that lets a certificate the person carries (a DCC, a pass) count for at most yellow: `facts.source` as data. */
const CREDENTIAL_FACTS_YELLOW: RuleSet = {
  ...KHANH_HOA_2021_10,
  id: 'credential-facts-yellow',
  policies: [
    {
      id: 'facts-from-credential',
      from: ['green'],
      to: 'yellow',
      when: { '===': [{ var: 'facts.source' }, 'credential'] },
      reason: { code: 'facts-from-credential', vi: 'Dữ liệu chỉ từ giấy tờ người này mang theo', en: 'Facts only from the credential presented' },
    },
  ],
};

function compiled(ruleSet: RuleSet): CompiledRuleSet {
  const checked = checkRuleSet(JSON.parse(JSON.stringify(ruleSet)));
  if (!checked.ok) throw new Error(JSON.stringify(checked.problems));
  const result = CompiledRuleSet.compile(checked.ruleSet);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.compiled;
}

function cccd(): Credential {
  const parsed = parseScan(CCCD, { now: NOW });
  if (isParseError(parsed)) throw new Error(parsed.code);
  return parsed;
}

/** The gate's decision for the card, with the kiosk's data holding `local` (or nothing) about the person. */
function gate(ruleSet: RuleSet, local?: LocalFacts) {
  const assessment = assessCredential(cccd(), () => local, compiled(ruleSet), NOW);
  return { outcome: assessment.outcome, headline: assessment.headline.en, reasons: assessment.reasons.map((r) => r.code), ruleSet: assessment.ruleSet?.id };
}

describe('a person absent from the synced data: the phase decides', () => {
  it('the same unknown person is "see staff" under the built-in set and red under a stricter phase', () => {
    expect(gate(KHANH_HOA_2021_10)).toEqual({
      outcome: 'none',
      headline: 'No record for this person',
      reasons: ['person.unknown'],
      ruleSet: 'khanh-hoa-2021-10',
    });
    expect(gate(STRICT_PHASE)).toEqual({ outcome: 'red', headline: 'Entry not allowed', reasons: ['person.unknown'], ruleSet: 'strict-phase' });
  });

  it('a known person is decided by the facts alike in both phases', () => {
    const known = { facts: FULLY_VACCINATED, ageMs: 3_600_000 };
    expect(gate(KHANH_HOA_2021_10, known)).toMatchObject({ outcome: 'green', reasons: ['vaccinated-full'] });
    expect(gate(STRICT_PHASE, known)).toMatchObject({ outcome: 'green', reasons: ['vaccinated-full'] });
  });

  it('the kiosk knowing the person with no doses at all is not "unknown": the facts decide (red, not vaccinated)', () => {
    expect(gate(KHANH_HOA_2021_10, { facts: NO_FACTS, ageMs: 3_600_000 })).toMatchObject({ outcome: 'red', reasons: ['no-protection'] });
  });

  it('a set that never reads facts.known keeps "no record" for an unknown person, as before the input existed', () => {
    expect(gate(WITHOUT_UNKNOWN_RULE)).toEqual({ outcome: 'none', headline: 'No record for this person', reasons: ['person.unknown'], ruleSet: 'older-phase' });
  });

  it('a set deciding on identity alone (requiresFacts false) decides an unknown person by its list', () => {
    const list: RuleSet = { ...ACCESS_LIST, parameters: { allowed: ['056089001234'], denied: [] } };
    expect(gate(list)).toMatchObject({ outcome: 'green', reasons: ['access-allowed'] });
  });

  it('"see staff" is not a colour a policy can change: the stale-data policy leaves it', () => {
    const rules = compiled(KHANH_HOA_2021_10);
    const stale = rules.evaluate(NO_FACTS, { nowMs: NOW, factsSource: 'none', dataAgeMs: 48 * 3_600_000 });
    expect(stale).toMatchObject({ outcome: 'none', reasons: [{ code: 'person.unknown' }] });
  });

  it('facts.source tells the rules where the facts came from', () => {
    const rules = compiled(CREDENTIAL_FACTS_YELLOW);
    const from = (factsSource: 'local' | 'credential') => rules.evaluate(FULLY_VACCINATED, { nowMs: NOW, factsSource }).outcome;
    expect([from('local'), from('credential')]).toEqual(['green', 'yellow']);
  });

  it('a rule set may say "see-staff" in a rule or its default; any other word is refused', () => {
    const seeStaffDefault = { ...STRICT_PHASE, default: { colour: 'see-staff', reason: UNKNOWN_PERSON } };
    expect(checkRuleSet(JSON.parse(JSON.stringify(seeStaffDefault))).ok).toBe(true);
    const wrong = { ...STRICT_PHASE, rules: [{ ...STRICT_PHASE.rules[0], colour: 'staff' }] };
    const checked = checkRuleSet(JSON.parse(JSON.stringify(wrong)));
    expect(checked.ok ? [] : checked.problems.map((p) => p.path)).toEqual(['/rules/0/colour']);
  });
});
