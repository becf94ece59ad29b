import { describe, expect, it } from 'vitest';
import { isParseError } from '../../../../domain/credentials/credential.js';
import { parseScan } from '../../../../domain/credentials/parse-scan.js';
import { NO_FACTS, type PersonFacts } from '../../../../domain/facts/person-facts.js';
import { KHANH_HOA_2021_10 } from '../../../../domain/rules/builtin/khanh-hoa-2021-10.js';
import { CompiledRuleSet } from '../../../../domain/rules/compiled-rule-set.js';
import type { RuleSet } from '../../../../domain/rules/rule-set.js';
import { assessCredential } from '../../../../domain/verdict/assess-credential.js';

const NOW = Date.parse('2021-10-20T08:00:00+07:00');
const FULLY_VACCINATED: PersonFacts = {
  ...NO_FACTS,
  doses: [
    { dose: 1, date: '2021-07-01', product: 'EU/1/20/1528' },
    { dose: 2, date: '2021-08-01', product: 'EU/1/20/1528' },
  ],
};
/** 097 follows Cà Mau (096): no province on the 2021 list has it, a number issued after the merger may. */
const UNLISTED_ID = '097089001234';
const cardOf = (id12: string) => `${id12}|225123456|Nguyễn Văn An|15031989|Nam|Số 1 Trần Phú, Nha Trang|10072021`;

/** A phase that will not let an ID off the province list through on the rules: staff look at the card. */
const LISTED_PROVINCES_ONLY: RuleSet = {
  ...KHANH_HOA_2021_10,
  id: 'listed-provinces-only',
  policies: [
    ...(KHANH_HOA_2021_10.policies ?? []),
    {
      id: 'province-unlisted',
      from: ['green'],
      to: 'yellow',
      when: { '===': [{ var: 'person.idProvinceKnown' }, false] },
      reason: { code: 'id-province-check', vi: 'Mã tỉnh lạ — nhân viên kiểm tra giấy tờ', en: 'Unusual province code — staff check the card' },
    },
  ],
};

function gate(ruleSet: RuleSet, scanned: string) {
  const compiled = CompiledRuleSet.compile(ruleSet);
  if (!compiled.ok) throw new Error(JSON.stringify(compiled.problems));
  const credential = parseScan(scanned, { now: NOW });
  if (isParseError(credential)) throw new Error(credential.code);
  const assessment = assessCredential(credential, () => ({ facts: FULLY_VACCINATED, ageMs: 3_600_000 }), compiled.compiled, NOW);
  return [assessment.outcome, assessment.reasons.map((r) => r.code)];
}

describe('an ID whose province code is off the 2021 list', () => {
  it('is decided by the facts, with a warning reason beside the colour — a card and a typed number alike', () => {
    expect(gate(KHANH_HOA_2021_10, cardOf(UNLISTED_ID))).toEqual(['green', ['vaccinated-full', 'id.province-unlisted']]);
    expect(gate(KHANH_HOA_2021_10, UNLISTED_ID)).toEqual(['green', ['vaccinated-full', 'id.province-unlisted', 'credential.manual']]);
  });

  it('an ID on the list has no such reason', () => {
    expect(gate(KHANH_HOA_2021_10, cardOf('056089001234'))).toEqual(['green', ['vaccinated-full']]);
  });

  it('a rule set may decide otherwise, on person.idProvinceKnown', () => {
    expect(gate(LISTED_PROVINCES_ONLY, cardOf(UNLISTED_ID))).toEqual(['yellow', ['vaccinated-full', 'id-province-check', 'id.province-unlisted']]);
    expect(gate(LISTED_PROVINCES_ONLY, cardOf('056089001234'))).toEqual(['green', ['vaccinated-full']]);
  });
});
