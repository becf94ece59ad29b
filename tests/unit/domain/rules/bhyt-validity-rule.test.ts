import { describe, expect, it } from 'vitest';
import { isParseError } from '../../../../domain/credentials/credential.js';
import { parseScan } from '../../../../domain/credentials/parse-scan.js';
import { NO_FACTS, type PersonFacts } from '../../../../domain/facts/person-facts.js';
import { KHANH_HOA_2021_10 } from '../../../../domain/rules/builtin/khanh-hoa-2021-10.js';
import { CompiledRuleSet } from '../../../../domain/rules/compiled-rule-set.js';
import type { RuleSet } from '../../../../domain/rules/rule-set.js';
import { encodeHexUtf8 } from '../../../../domain/text/hex-utf8.js';
import { assessCredential } from '../../../../domain/verdict/assess-credential.js';

const FULLY_VACCINATED: PersonFacts = {
  ...NO_FACTS,
  doses: [
    { dose: 1, date: '2021-07-01', product: 'EU/1/20/1528' },
    { dose: 2, date: '2021-08-01', product: 'EU/1/20/1528' },
  ],
};
/** Vietnam time. */
const vn = (local: string): number => Date.parse(`${local}+07:00`);

/** A 2021 health-insurance card valid through `validTo` (dd/mm/yyyy). */
const bhytCard = (validTo: string): string =>
  [
    '7931774309',
    encodeHexUtf8('Nguyễn Văn An'),
    '15/03/1989',
    '1',
    '-',
    '79 - 033',
    '01/01/2021',
    validTo,
    '01/01/2021',
    '79079',
    '-',
    '4',
    '-',
    '-',
    '-',
    '-',
    '$',
  ].join('|');

/** A phase in which an insurance card past its validity is only yellow: staff ask for another document. */
const VALID_CARDS_ONLY: RuleSet = {
  ...KHANH_HOA_2021_10,
  id: 'valid-cards-only',
  policies: [
    ...(KHANH_HOA_2021_10.policies ?? []),
    {
      id: 'card-expired',
      from: ['green'],
      to: 'yellow',
      when: {
        and: [
          { var: 'credential.validUntil' },
          { 'not-before': [{ plusTime: [{ var: 'scan.at' }, 0, 'day'] }, { plusTime: [{ var: 'credential.validUntil' }, 0, 'day'] }] },
        ],
      },
      reason: { code: 'card-expired', vi: 'Thẻ đã hết hạn — xuất trình giấy tờ khác', en: 'The card has expired — show another document' },
    },
  ],
};

function gate(ruleSet: RuleSet, text: string, nowMs: number) {
  const compiled = CompiledRuleSet.compile(ruleSet);
  if (!compiled.ok) throw new Error(JSON.stringify(compiled.problems));
  const credential = parseScan(text, { now: nowMs });
  if (isParseError(credential)) throw new Error(credential.code);
  const assessment = assessCredential(credential, () => ({ facts: FULLY_VACCINATED, ageMs: 3_600_000 }), compiled.compiled, nowMs);
  return [assessment.outcome, assessment.reasons.map((r) => r.code)];
}

describe('a health-insurance card past its validity date', () => {
  it('says so beside the colour; the built-in set keeps the colour the facts give', () => {
    expect(gate(KHANH_HOA_2021_10, bhytCard('30/09/2021'), vn('2021-10-20T08:00'))).toEqual(['green', ['vaccinated-full', 'bhyt.expired']]);
  });

  it('a rule set decides its colour from credential.validUntil, which ends at 00:00 Vietnam time after the last valid day', () => {
    const card = bhytCard('19/10/2021');
    expect(gate(VALID_CARDS_ONLY, card, vn('2021-10-19T23:59'))).toEqual(['green', ['vaccinated-full']]);
    expect(gate(VALID_CARDS_ONLY, card, vn('2021-10-20T00:00'))).toEqual(['yellow', ['vaccinated-full', 'card-expired', 'bhyt.expired']]);
  });

  it('a card that prints no validity, or a credential that has none, is never "expired" by the rule', () => {
    expect(gate(VALID_CARDS_ONLY, bhytCard('-'), vn('2021-10-20T08:00'))).toEqual(['green', ['vaccinated-full']]);
    expect(gate(VALID_CARDS_ONLY, '056089001234|225123456|Nguyễn Văn An|15031989|Nam|x|10072021', vn('2021-10-20T08:00'))).toEqual([
      'green',
      ['vaccinated-full'],
    ]);
  });
});
