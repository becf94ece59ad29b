import { CertLogicDateTime, compile, evaluate, type CompiledExpression } from '../../domain/rules/certlogic/index.js';
import { percentile, round, type Benchmark, type BenchFigure } from './bench-types.js';

const ITERATIONS = 20_000;
const WARM_UP = 2_000;
/** The scan path's budget (scan to paint p99 ≤ 50 ms) holds a whole rule set; one expression should use a small part of it. */
const GOAL_P99_MS = 0.2;

const v = (path: string) => ({ var: path });
const at = (date: unknown, amount: number, unit: string) => ({ plusTime: [date, amount, unit] });
const PCR = 'LP6464-4';
const NOT_DETECTED = '260415000';

/**
 * "At least 2 doses, the last ≥ 14 days before the scan, or a negative PCR taken within the
 * 72 h before the scan", in CertLogic. CertLogic has no "or" (it is `if(a, true, b)`), no
 * array length (`payload.v.1` exists ⇔ 2 doses or more) and a reduce lambda that sees only
 * `current` and `accumulator` — so the scan time travels in the accumulator until a test
 * qualifies, and the last dose is picked by one reduce and read by a second over `[last]`.
 */
export const RULE = {
  if: [
    {
      and: [
        v('payload.v.1'),
        {
          'not-after': [
            { reduce: [[{ reduce: [v('payload.v'), v('current'), 0] }], at(v('current.dt'), 14, 'day'), 0] },
            at(v('external.validationClock'), 0, 'day'),
          ],
        },
      ],
    },
    true,
    {
      '===': [
        {
          reduce: [
            v('payload.t'),
            {
              if: [
                { '===': [v('accumulator'), true] },
                true,
                {
                  if: [
                    {
                      and: [
                        { '===': [v('current.tt'), PCR] },
                        { in: [v('current.tr'), [NOT_DETECTED]] },
                        { 'not-after': [at(v('current.sc'), 0, 'hour'), at(v('accumulator'), 0, 'hour'), at(v('current.sc'), 72, 'hour')] },
                      ],
                    },
                    true,
                    v('accumulator'),
                  ],
                },
              ],
            },
            v('external.validationClock'),
          ],
        },
        true,
      ],
    },
  ],
} as const;

const dose = (dn: number, dt: string) => ({
  tg: '840539006',
  vp: '1119349007',
  mp: 'EU/1/20/1528',
  ma: 'ORG-100030215',
  dn,
  sd: 2,
  dt,
  co: 'VN',
  is: 'Bộ Y tế',
  ci: `URN:UVCI:01:VN:${dn}ABC#X`,
});
const test = (sc: string, tr: string) => ({ tg: '840539006', tt: PCR, sc, tr, tc: 'BV Khánh Hòa', co: 'VN', is: 'Bộ Y tế', ci: 'URN:UVCI:01:VN:T1#Y' });
const SCAN_MS = Date.parse('2021-10-15T01:30:00Z');
const DAY_MS = 86_400_000;
/** An instant as Vietnamese local time with its offset, the way a kiosk writes its clock. */
const vietnamTime = (epochMs: number): string => new CertLogicDateTime(epochMs, 7 * 60).toISOString();
const isoDate = (epochMs: number): string => new Date(epochMs).toISOString().slice(0, 10);

/**
 * Data for scan number `i`: a different person each time (dates shifted, scan clock a second
 * later), so no evaluation can reuse text from the one before. Three kinds in turn: green by
 * vaccination, green by a fresh negative PCR after an old one and a positive one, and red
 * (second dose too recent, test too old).
 */
function contextFor(i: number): { data: unknown; expected: boolean } {
  const scan = SCAN_MS + i * 1000;
  const clock = vietnamTime(scan);
  const shift = (i % 7) * 3_600_000;
  switch (i % 3) {
    case 0:
      return {
        data: {
          payload: { v: [dose(1, isoDate(scan - (70 + (i % 20)) * DAY_MS)), dose(2, isoDate(scan - (35 + (i % 20)) * DAY_MS))], t: [] },
          external: { validationClock: clock },
        },
        expected: true,
      };
    case 1:
      return {
        data: {
          payload: {
            v: [dose(1, isoDate(scan - 5 * DAY_MS))],
            t: [
              test(vietnamTime(scan - 14 * DAY_MS - shift), NOT_DETECTED),
              test(vietnamTime(scan - DAY_MS - shift), '260373001'),
              test(vietnamTime(scan - DAY_MS - shift), NOT_DETECTED),
            ],
          },
          external: { validationClock: clock },
        },
        expected: true,
      };
    default:
      return {
        data: {
          payload: {
            v: [dose(1, isoDate(scan - 20 * DAY_MS)), dose(2, isoDate(scan - 3 * DAY_MS))],
            t: [test(vietnamTime(scan - 4 * DAY_MS - shift), NOT_DETECTED)],
          },
          external: { validationClock: clock },
        },
        expected: false,
      };
  }
}

const PEOPLE = 3_000;

function measure(contexts: readonly unknown[], evaluateOnce: (data: unknown) => unknown): number[] {
  for (let i = 0; i < WARM_UP; i++) evaluateOnce(contexts[i % contexts.length]);
  // Preallocated, so the measuring loop itself makes no garbage to collect.
  const samples = new Float64Array(ITERATIONS);
  for (let i = 0; i < ITERATIONS; i++) {
    const data = contexts[i % contexts.length];
    const start = performance.now();
    evaluateOnce(data);
    samples[i] = performance.now() - start;
  }
  return Array.from(samples);
}

function figures(metricPrefix: string, samples: readonly number[], goal: boolean): BenchFigure[] {
  const p99 = percentile(samples, 99);
  return [
    { benchmark: 'certlogic-eval', metric: `${metricPrefix} p50`, value: round(percentile(samples, 50), 4), unit: 'ms', samples: samples.length },
    {
      benchmark: 'certlogic-eval',
      metric: `${metricPrefix} p99`,
      value: round(p99, 4),
      unit: 'ms',
      samples: samples.length,
      ...(goal ? { goal: { text: `p99 ≤ ${GOAL_P99_MS} ms`, met: p99 <= GOAL_P99_MS } } : {}),
    },
  ];
}

/**
 * One realistic rule (vaccination or test: three reduces, up to a dozen date-times) over
 * DCC-shaped data of 3 000 different people, in process: compiled once, then evaluated; and,
 * for comparison, validated and compiled on every call (`evaluate`), which is what compiling
 * once saves.
 */
export const certlogicEval: Benchmark = {
  name: 'certlogic-eval',
  description: 'CertLogic: "2 doses ≥ 14 days ago, or negative PCR within 72 h", compiled once, evaluated per scan',
  async run() {
    const compiled = compile(RULE);
    if (!compiled.ok) throw new Error(`the benchmark rule does not compile: ${JSON.stringify(compiled.problems)}`);
    const rule: CompiledExpression = compiled.compiled;
    const people = Array.from({ length: PEOPLE }, (_, i) => contextFor(i));
    people.forEach(({ data, expected }, i) => {
      const result = rule.evaluate(data);
      if (!result.ok || result.value !== expected) throw new Error(`the benchmark rule gives ${JSON.stringify(result)} for person ${i}`);
    });
    const contexts = people.map(({ data }) => data);
    const compiledSamples = measure(contexts, (data) => rule.evaluate(data));
    const uncompiledSamples = measure(contexts, (data) => evaluate(RULE, data));
    return [...figures('compiled', compiledSamples, true), ...figures('evaluate (validate + compile each call)', uncompiledSamples, false)];
  },
};
