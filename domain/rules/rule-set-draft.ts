import { checkRuleSet, type RuleSetProblem } from './rule-set-check.js';
import type { RuleSet } from './rule-set.js';

/**
 * Stands in for a draft's missing validFrom while the rest is checked. The epoch: any
 * validTo is after it, so only `publish --valid-from` (which checks the whole set again
 * with the real instant) can find a validTo that comes too early.
 */
const PLACEHOLDER_VALID_FROM = '1970-01-01T00:00:00Z';

export type DraftCheck = { ok: true; ruleSet: RuleSet; validFromMissing: boolean } | { ok: false; problems: RuleSetProblem[] };

/** Whether a rule set document leaves validFrom out (for `chot hub rules publish --valid-from` to set). */
export function lacksValidFrom(document: unknown): boolean {
  return typeof document === 'object' && document !== null && !Array.isArray(document) && !('validFrom' in document);
}

/**
 * Checks a rule set being written (`chot rules check`): like checkRuleSet, except that a
 * document without validFrom passes, flagged, since the date a set takes effect is often
 * chosen only when it is published. A published (signed) set always has one.
 */
export function checkRuleSetDraft(document: unknown): DraftCheck {
  if (!lacksValidFrom(document)) {
    const checked = checkRuleSet(document);
    return checked.ok ? { ...checked, validFromMissing: false } : checked;
  }
  const checked = checkRuleSet({ ...(document as object), validFrom: PLACEHOLDER_VALID_FROM });
  return checked.ok ? { ...checked, validFromMissing: true } : checked;
}
