import { PgHubStorage } from '../../hub/storage/pg-hub-storage.js';
import { findPostgresBin, startPostgres } from '../support/postgres.js';
import { round, type BenchFigure, type Benchmark } from './bench-types.js';
import { envCount, figureCollector, seededRandom } from './support/figures.js';
import { seedPgHubEntries } from './support/pg-entry-seed.js';
import { reportLatency, reportShape, traceAll } from './support/trace-runs.js';

const NAME = 'hub-trace-pg';

/**
 * The hub-trace benchmark's traces on PostgreSQL: the same seeded spread (2 000 locations,
 * 2 M people, 21 days; CHOT_BENCH_TRACE_ENTRIES, default 10 000 000) in a throwaway cluster
 * (tests/support/postgres.ts: shared_buffers 32 MB, fsync off), CHOT_BENCH_TRACES traces
 * (default 200) through PgHubStorage's trace, twice with different people. A figure, no
 * goal of its own; skipped, saying so, when PostgreSQL's server binaries are not installed.
 */
export const hubTracePg: Benchmark = {
  name: NAME,
  description: 'hub contact tracing at 10 M entries on PostgreSQL (bulk-seeded throwaway cluster)',
  async run(): Promise<BenchFigure[]> {
    const { figures, figure } = figureCollector(NAME);
    if (findPostgresBin() === undefined) {
      process.stderr.write(`${NAME}: PostgreSQL server binaries not found (initdb in /usr/lib/postgresql/<version>/bin or $CHOT_PG_BIN): skipped\n`);
      return figures;
    }
    const entries = envCount('CHOT_BENCH_TRACE_ENTRIES', 10_000_000);
    const traces = envCount('CHOT_BENCH_TRACES', 200);
    const cluster = startPostgres();
    try {
      const url = cluster.createDatabase();
      const started = performance.now();
      const seeded = await seedPgHubEntries(url, { entries, locations: 2_000, people: 2_000_000, days: 21 });
      figure(`seed ${entries.toLocaleString('en')} entries (bulk INSERT, not ingest), not a goal`, round((performance.now() - started) / 1000, 1), 's');
      const random = seededRandom(99);
      const pick = (): number[] => Array.from({ length: traces }, () => Math.floor(random() * seeded.people));
      const storage = await PgHubStorage.open(url);
      try {
        // The same two sets of people as hub-trace (same seed), so the figures compare.
        for (const [i, name] of ['first pass', 'second pass'].entries()) {
          const run = await traceAll(storage.entries, seeded, pick());
          reportLatency(figure, `PostgreSQL (32 MB shared buffers), ${name}`, run, false);
          if (i === 0) reportShape(figure, run);
        }
      } finally {
        await storage.close();
      }
    } finally {
      cluster.stop();
    }
    return figures;
  },
};
