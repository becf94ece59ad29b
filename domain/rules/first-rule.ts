import type { PersonFacts } from '../facts/person-facts.js';
import { dosesInFullCourse } from '../facts/person-facts.js';
import { addDaysMs, vietnamDateOf, vietnamMidnightMs } from '../time/calendar-date.js';
import type { Reason } from '../text/bilingual.js';
import type { RuleOutcome } from './rule-outcome.js';

/**
 * The foundation's built-in rule: Khánh Hòa's October 2021 criteria written as code.
 * It is the seam the CertLogic rule sets (data, signed, synced) replace; keep its
 * signature — facts and an instant in, colour and reasons out — and nothing else.
 */
export const FIRST_RULE_SET = { id: 'builtin-first-rule', version: '1' } as const;

const REASONS = {
  quarantine: { code: 'quarantine', vi: 'Đang là F0 hoặc đang cách ly F1', en: 'Currently F0 or in F1 quarantine' },
  fullCourse: { code: 'vaccinated-full', vi: 'Đã tiêm đủ liều từ 14 ngày trở lên', en: 'Fully vaccinated at least 14 days ago' },
  recovered: { code: 'recovered', vi: 'Đã khỏi bệnh COVID-19 trong vòng 180 ngày', en: 'Recovered from COVID-19 within 180 days' },
  firstDose: { code: 'vaccinated-partial', vi: 'Đã tiêm mũi 1 từ 14 ngày trở lên', en: 'First dose at least 14 days ago' },
  negativeTest: { code: 'test-negative', vi: 'Xét nghiệm PCR âm tính trong vòng 72 giờ', en: 'Negative PCR test within 72 hours' },
  nothing: { code: 'no-protection', vi: 'Chưa tiêm vắc-xin, chưa có xét nghiệm âm tính', en: 'Not vaccinated and no negative test' },
} as const satisfies Record<string, Reason>;

const HOUR_MS = 60 * 60 * 1000;

export function evaluateFirstRule(facts: PersonFacts, nowMs: number): RuleOutcome {
  const decide = (colour: RuleOutcome['colour'], reason: Reason): RuleOutcome => ({
    colour,
    reasons: [reason],
    ruleSet: FIRST_RULE_SET,
  });
  const today = vietnamDateOf(nowMs);
  const inQuarantine = facts.quarantine.some((q) => q.from <= today && (q.to === undefined || today <= q.to));
  if (inQuarantine) return decide('red', REASONS.quarantine);

  const dosesAtLeast14DaysAgo = facts.doses.filter((d) => addDaysMs(vietnamMidnightMs(d.date), 14) <= nowMs);
  if (dosesAtLeast14DaysAgo.some((d) => d.dose >= dosesInFullCourse(d))) return decide('green', REASONS.fullCourse);
  if (facts.recoveredOn !== undefined) {
    const recovered = vietnamMidnightMs(facts.recoveredOn);
    if (recovered <= nowMs && nowMs < addDaysMs(recovered, 181)) return decide('green', REASONS.recovered);
  }
  if (dosesAtLeast14DaysAgo.length > 0) return decide('yellow', REASONS.firstDose);
  const negativePcrWithin72h = facts.tests.some((t) => {
    const taken = Date.parse(t.takenAt);
    return t.kind === 'pcr' && t.result === 'negative' && taken <= nowMs && nowMs - taken <= 72 * HOUR_MS;
  });
  if (negativePcrWithin72h) return decide('yellow', REASONS.negativeTest);
  return decide('red', REASONS.nothing);
}
