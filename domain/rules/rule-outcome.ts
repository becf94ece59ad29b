import type { PersonFacts } from '../facts/person-facts.js';
import type { Reason } from '../text/bilingual.js';
import type { Colour } from '../verdict/verdict.js';

/** What a rule set decides for one person at one instant. */
export interface RuleOutcome {
  readonly colour: Colour;
  readonly reasons: readonly Reason[];
  readonly ruleSet: { readonly id: string; readonly version: string };
}

/** Rules are a function of facts and the instant of the scan, nothing else. */
export type RuleEvaluator = (facts: PersonFacts, nowMs: number) => RuleOutcome;
