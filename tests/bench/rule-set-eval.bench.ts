import type { PersonFacts } from '../../domain/facts/person-facts.js';
import { KHANH_HOA_2021_10 } from '../../domain/rules/builtin/khanh-hoa-2021-10.js';
import { CompiledRuleSet } from '../../domain/rules/compiled-rule-set.js';
import { percentile, round, type Benchmark } from './bench-types.js';

const ITERATIONS = 50_000;
const WARM_UP = 5_000;
const GOAL_P99_MS = 0.2;

/** Varied people, so no branch is favoured: doses, tests, recoveries and quarantines. */
function people(count: number): PersonFacts[] {
  const day = (n: number) => new Date(Date.UTC(2021, 5, 1) + n * 86_400_000).toISOString().slice(0, 10);
  return Array.from({ length: count }, (_, i) => ({
    doses: Array.from({ length: i % 4 }, (_, d) => ({
      dose: d + 1,
      date: day(((i * 7) % 60) + d * 30),
      product: i % 5 === 0 ? 'EU/1/20/1525' : 'EU/1/20/1528',
    })),
    tests: i % 3 === 0 ? [{ takenAt: new Date(Date.UTC(2021, 9, 18, i % 24)).toISOString(), kind: 'pcr' as const, result: 'negative' as const }] : [],
    ...(i % 11 === 0 ? { recoveredOn: day(i % 120) } : {}),
    quarantine: i % 13 === 0 ? [{ status: 'F1' as const, from: day(130 + (i % 10)), to: day(144 + (i % 10)) }] : [],
  }));
}

/**
 * One scan's rule decision with the default rule set (khanh-hoa-2021-10 and the stale-data
 * policy): building the rule input from the person's facts, then evaluating the compiled
 * CertLogic conditions in order — exactly what the kiosk does per scan.
 */
export const ruleSetEval: Benchmark = {
  name: 'rule-set-eval',
  description: 'khanh-hoa-2021-10: facts → rule input → colour, per scan (compiled once)',
  async run() {
    const compiled = CompiledRuleSet.compile(KHANH_HOA_2021_10);
    if (!compiled.ok) throw new Error('the default rule set does not compile');
    const rules = compiled.compiled;
    const crowd = people(1000);
    const nowMs = Date.parse('2021-10-20T08:00:00+07:00');
    for (let i = 0; i < WARM_UP; i++) rules.evaluate(crowd[i % crowd.length] as PersonFacts, { nowMs, dataAgeMs: 3600_000 });
    const times: number[] = [];
    for (let i = 0; i < ITERATIONS; i++) {
      const person = crowd[i % crowd.length] as PersonFacts;
      const start = performance.now();
      rules.evaluate(person, { nowMs, dataAgeMs: 3600_000 });
      times.push(performance.now() - start);
    }
    const p99 = percentile(times, 99);
    return [
      { benchmark: 'rule-set-eval', metric: 'p50', value: round(percentile(times, 50), 4), unit: 'ms', samples: times.length },
      {
        benchmark: 'rule-set-eval',
        metric: 'p99',
        value: round(p99, 4),
        unit: 'ms',
        samples: times.length,
        goal: { text: `p99 ≤ ${GOAL_P99_MS} ms`, met: p99 <= GOAL_P99_MS },
      },
    ];
  },
};
