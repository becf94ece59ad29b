import type { BenchFigure } from '../bench-types.js';

export interface Goal {
  readonly text: string;
  readonly met: boolean;
}

/** Collects one benchmark's figures in the shape run-benchmarks.ts prints and stores. */
export function figureCollector(benchmark: string): {
  readonly figures: BenchFigure[];
  figure(metric: string, value: number, unit: string, goal?: Goal, samples?: number): void;
} {
  const figures: BenchFigure[] = [];
  return {
    figures,
    figure(metric, value, unit, goal, samples) {
      figures.push({ benchmark, metric, value, unit, ...(goal === undefined ? {} : { goal }), ...(samples === undefined ? {} : { samples }) });
    },
  };
}

/** A positive integer from the environment, or the default; a typo fails loudly, not silently. */
export function envCount(name: string, fallback: number): number {
  const text = process.env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text.replace(/[_,]/g, ''));
  if (!Number.isSafeInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, got ${JSON.stringify(text)}`);
  return value;
}

/** Deterministic pseudo-random numbers (mulberry32): the same seed gives the same data on every run. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
