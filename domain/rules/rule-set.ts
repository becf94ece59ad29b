import type { Bilingual, Reason } from '../text/bilingual.js';
import type { Colour } from '../verdict/verdict.js';

/** A CertLogic expression: JSON, evaluated by domain/rules/certlogic. */
export type CertLogicExpression = unknown;

/**
 * A rule set ("Bộ tiêu chí"): the criteria of one phase, as data. The kiosk evaluates it
 * at the moment of each scan (input: domain/rules/rule-input.ts). Rules are tried in
 * order and the first whose condition is truthy decides the colour; otherwise the
 * default does. Policies then adjust the decided colour (e.g. stale data: green → yellow).
 *
 * A rule (or the default) may decide `"see-staff"` instead of a colour: no colour, the gate
 * stays closed and the screen says to see staff, with the rule's reason (e.g. a person the
 * kiosk has no facts about, `facts.known` false). Policies leave it as it is: they change
 * colours only.
 */
export interface RuleSet {
  readonly id: string;
  readonly version: string;
  /** ISO 8601 instant from which the set applies. */
  readonly validFrom: string;
  /** ISO 8601 instant at which it stops applying; absent: open-ended. */
  readonly validTo?: string;
  readonly description: Bilingual;
  /**
   * Whether a colour needs facts about the person (default true). A set that reads
   * `facts.known` or `facts.source` decides itself what a person without facts gets. A set
   * that reads neither and leaves this true gets "no record" (see staff, `person.unknown`)
   * for such a person before its rules are tried, as every rule set did before those inputs
   * existed (compiled-rule-set.ts). false: the set decides on identity alone (an access list).
   */
  readonly requiresFacts?: boolean;
  /** Named values the conditions read as `params.<name>`; a kiosk may override them. */
  readonly parameters?: Readonly<Record<string, number | string | boolean | readonly unknown[]>>;
  readonly rules: readonly ColourRule[];
  readonly default: { readonly colour: RuleDecision; readonly reason: Reason };
  readonly policies?: readonly PolicyRule[];
}

/** No colour: staff decide (the verdict's outcome `none`, its headline "see staff"). */
export const SEE_STAFF = 'see-staff';
/** What a rule or the default decides: a colour, or see staff. */
export type RuleDecision = Colour | typeof SEE_STAFF;

export interface ColourRule {
  readonly id: string;
  readonly colour: RuleDecision;
  readonly when: CertLogicExpression;
  readonly reason: Reason;
}

/** Changes a decided colour in `from` to `to` when its condition holds, adding its reason. */
export interface PolicyRule {
  readonly id: string;
  readonly from: readonly Colour[];
  readonly to: Colour;
  readonly when: CertLogicExpression;
  readonly reason: Reason;
}

export const COLOURS: readonly Colour[] = ['green', 'yellow', 'red'];
/** What a rule's or the default's `colour` may be. */
export const RULE_DECISIONS: readonly RuleDecision[] = [...COLOURS, SEE_STAFF];
