import type { CompiledRuleSet } from './compiled-rule-set.js';

/**
 * The rule set in force at an instant: among those valid then, the one that started
 * last (ties: the higher version). Chosen at every scan, so a set published ahead of
 * time takes effect at its validFrom without a restart.
 */
export function ruleSetInForce(sets: readonly CompiledRuleSet[], nowMs: number): CompiledRuleSet | undefined {
  let best: CompiledRuleSet | undefined;
  for (const set of sets) {
    if (!set.appliesAt(nowMs)) continue;
    if (best === undefined || startsLater(set, best)) best = set;
  }
  return best;
}

function startsLater(a: CompiledRuleSet, b: CompiledRuleSet): boolean {
  const from = Date.parse(a.ruleSet.validFrom) - Date.parse(b.ruleSet.validFrom);
  return from !== 0 ? from > 0 : compareVersions(a.ruleSet.version, b.ruleSet.version) > 0;
}

export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) {
    const diff = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return 0;
}
