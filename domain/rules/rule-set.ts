import type { Bilingual, Reason } from '../text/bilingual.js';
import type { Colour } from '../verdict/verdict.js';

/** A CertLogic expression: JSON, evaluated by domain/rules/certlogic. */
export type CertLogicExpression = unknown;

/**
 * A rule set ("Bộ tiêu chí"): the criteria of one phase, as data. The kiosk evaluates it
 * at the moment of each scan (input: domain/rules/rule-input.ts). Rules are tried in
 * order and the first whose condition is truthy decides the colour; otherwise the
 * default does. Policies then adjust the decided colour (e.g. stale data: green → yellow).
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
   * Whether a colour needs facts about the person (default true): without them the verdict
   * is "no record". An access list decides on identity alone.
   */
  readonly requiresFacts?: boolean;
  /** Named values the conditions read as `params.<name>`; a kiosk may override them. */
  readonly parameters?: Readonly<Record<string, number | string | boolean | readonly unknown[]>>;
  readonly rules: readonly ColourRule[];
  readonly default: { readonly colour: Colour; readonly reason: Reason };
  readonly policies?: readonly PolicyRule[];
}

export interface ColourRule {
  readonly id: string;
  readonly colour: Colour;
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
