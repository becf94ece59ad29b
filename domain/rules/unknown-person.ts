import type { Reason } from '../text/bilingual.js';
import type { CertLogicExpression, ColourRule, RuleSet } from './rule-set.js';

/**
 * "No record": the kiosk has no facts about this person. The one reason code every part
 * reads for it — the screen's NOT READY headline (kiosk-readiness.ts), staff overrides of a
 * no-colour verdict (operator-override.ts) — whichever colour the phase gives such a person.
 */
export const UNKNOWN_PERSON: Reason = {
  code: 'person.unknown',
  vi: 'Không có dữ liệu tiêm chủng, xét nghiệm của người này',
  en: 'No vaccination or test record for this person',
};

/** The condition "the kiosk has no facts about this person" (rule-input.ts, facts.known). */
export const FACTS_UNKNOWN: CertLogicExpression = { '!': [{ var: 'facts.known' }] };

/**
 * What a rule set that never mentions unknown persons does with one: no colour, see staff,
 * "no record" — the behaviour before `facts.known` was a rule input, kept for every rule set
 * published before it (rule-set.ts, requiresFacts).
 */
export const IMPLIED_UNKNOWN_PERSON_RULE: ColourRule = { id: 'unknown-person', colour: 'see-staff', when: FACTS_UNKNOWN, reason: UNKNOWN_PERSON };

const FACTS_ORIGIN_PATHS = new Set(['facts', 'facts.known', 'facts.source']);

/** Whether a rule set decides itself what a person without facts gets: it reads `facts.known` or `facts.source`. */
export function decidesUnknownPersons(ruleSet: RuleSet): boolean {
  const conditions = [...ruleSet.rules, ...(ruleSet.policies ?? [])].map((rule) => rule.when);
  return conditions.some(readsFactsOrigin);
}

function readsFactsOrigin(expression: CertLogicExpression): boolean {
  if (Array.isArray(expression)) return expression.some(readsFactsOrigin);
  if (typeof expression !== 'object' || expression === null) return false;
  return Object.entries(expression).some(([operator, operand]) =>
    operator === 'var' && typeof operand === 'string' ? FACTS_ORIGIN_PATHS.has(operand) : readsFactsOrigin(operand),
  );
}
