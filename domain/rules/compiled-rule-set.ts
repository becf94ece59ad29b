import type { PersonFacts } from '../facts/person-facts.js';
import type { Reason } from '../text/bilingual.js';
import type { Outcome } from '../verdict/verdict.js';
import { compile, truthinessOf, type CompiledExpression } from './certlogic/index.js';
import { buildRuleInput, type RuleContext } from './rule-input.js';
import { SEE_STAFF, type RuleDecision, type RuleSet } from './rule-set.js';
import type { RuleSetProblem } from './rule-set-check.js';
import { decidesUnknownPersons, IMPLIED_UNKNOWN_PERSON_RULE } from './unknown-person.js';

/** What a rule set decided for one person at one instant. */
export interface RuleSetOutcome {
  readonly outcome: Outcome;
  readonly reasons: readonly Reason[];
  readonly ruleSet: { readonly id: string; readonly version: string };
}

const RULE_ERROR: Reason = {
  code: 'rules.error',
  vi: 'Không áp dụng được bộ tiêu chí — mời gặp nhân viên',
  en: 'The criteria could not be applied — please see staff',
};

interface Compiled<T> {
  readonly rule: T;
  readonly when: CompiledExpression;
}

/**
 * A rule set compiled once, evaluated at every scan. Evaluation never throws: if a
 * condition cannot be evaluated on some data, no colour is given (a rule that cannot
 * say "red" must not let a later rule say "green"), and the reason names the rule.
 */
export class CompiledRuleSet {
  private constructor(
    readonly ruleSet: RuleSet,
    private readonly rules: readonly Compiled<RuleSet['rules'][number]>[],
    private readonly policies: readonly Compiled<NonNullable<RuleSet['policies']>[number]>[],
  ) {}

  static compile(ruleSet: RuleSet): { ok: true; compiled: CompiledRuleSet } | { ok: false; problems: RuleSetProblem[] } {
    const problems: RuleSetProblem[] = [];
    const compileAll = <T extends { when: unknown }>(items: readonly T[], base: string): Compiled<T>[] =>
      items.flatMap((rule, i) => {
        const result = compile(rule.when);
        if (result.ok) return [{ rule, when: result.compiled }];
        problems.push(...result.problems.map((p) => ({ path: `${base}/${i}/when${p.path}`, message: p.message })));
        return [];
      });
    // A set that says nothing about persons without facts, and needs facts, gives them "no
    // record" before its own rules: the behaviour every set had before `facts.known` existed.
    const implied = ruleSet.requiresFacts !== false && !decidesUnknownPersons(ruleSet) ? compileAll([IMPLIED_UNKNOWN_PERSON_RULE], '/implied') : [];
    const rules = [...implied, ...compileAll(ruleSet.rules, '/rules')];
    const policies = compileAll(ruleSet.policies ?? [], '/policies');
    return problems.length > 0 ? { ok: false, problems } : { ok: true, compiled: new CompiledRuleSet(ruleSet, rules, policies) };
  }

  /** Whether this set applies at `nowMs` (validFrom ≤ now < validTo). */
  appliesAt(nowMs: number): boolean {
    return Date.parse(this.ruleSet.validFrom) <= nowMs && (this.ruleSet.validTo === undefined || nowMs < Date.parse(this.ruleSet.validTo));
  }

  evaluate(facts: PersonFacts, context: RuleContext, parameterOverrides: Readonly<Record<string, unknown>> = {}): RuleSetOutcome {
    const name = { id: this.ruleSet.id, version: this.ruleSet.version };
    const input = buildRuleInput(facts, context, { ...this.ruleSet.parameters, ...parameterOverrides });
    const failed = (ruleId: string): RuleSetOutcome => ({ outcome: 'none', reasons: [{ ...RULE_ERROR, en: `${RULE_ERROR.en} (${ruleId})` }], ruleSet: name });

    let colour: RuleDecision = this.ruleSet.default.colour;
    const reasons: Reason[] = [this.ruleSet.default.reason];
    for (const { rule, when } of this.rules) {
      const result = when.evaluate(input);
      const truth = result.ok ? truthinessOf(result.value) : 'neither';
      // A condition that is neither true nor false is a broken rule, not a "no".
      if (truth === 'neither') return failed(rule.id);
      if (truth === 'truthy') {
        colour = rule.colour;
        reasons[0] = rule.reason;
        break;
      }
    }
    for (const { rule, when } of this.policies) {
      if (colour === SEE_STAFF || !rule.from.includes(colour)) continue;
      const result = when.evaluate({ ...input, outcome: { colour } });
      const truth = result.ok ? truthinessOf(result.value) : 'neither';
      if (truth === 'neither') return failed(rule.id);
      if (truth === 'truthy') {
        colour = rule.to;
        reasons.push(rule.reason);
      }
    }
    return { outcome: colour === SEE_STAFF ? 'none' : colour, reasons, ruleSet: name };
  }
}
