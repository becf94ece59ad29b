/** One figure a benchmark measured. */
export interface BenchFigure {
  readonly benchmark: string;
  readonly metric: string;
  readonly value: number;
  readonly unit: string;
  /** The figure's goal, e.g. `p99 ≤ 50 ms` (README, "Performance"), and whether the figure meets it. */
  readonly goal?: { readonly text: string; readonly met: boolean };
  readonly samples?: number;
}

export interface Benchmark {
  readonly name: string;
  readonly description: string;
  run(): Promise<BenchFigure[]>;
}

/** Nearest-rank percentile of unsorted samples. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) throw new Error('no samples');
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] as number;
}

export const round = (value: number, digits = 2): number => Number(value.toFixed(digits));
