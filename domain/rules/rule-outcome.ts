import type { Reason } from '../text/bilingual.js';
import type { Colour } from '../verdict/verdict.js';

/** What a rule set decides for one person at one instant. */
export interface RuleOutcome {
  readonly colour: Colour;
  readonly reasons: readonly Reason[];
  readonly ruleSet: { readonly id: string; readonly version: string };
}
