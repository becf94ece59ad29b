import Database from 'better-sqlite3';
import { execFileSync } from 'node:child_process';
import { rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { EntryStore } from '../../hub/entries/entry-store.js';
import { SqliteEntryStore } from '../../hub/storage/sqlite-entry-store.js';
import { HUB_SQLITE_FILE, SqliteHubStorage } from '../../hub/storage/sqlite-hub-storage.js';
import { tempDataDir } from '../support/kiosk-process.js';
import { round, type BenchFigure, type Benchmark } from './bench-types.js';
import { envCount, figureCollector, seededRandom } from './support/figures.js';
import { seedHubEntries } from './support/hub-entry-seed.js';
import { reportLatency, reportShape, traceAll } from './support/trace-runs.js';

const NAME = 'hub-trace';

/** A way of opening the hub database for the traces: as the hub does, or with one pragma changed. */
interface Opening {
  readonly label: string;
  open(file: string): { entries: EntryStore; close(): Promise<void> };
}

const asTheHubOpens = (label: string): Opening => ({
  label,
  open(file) {
    const storage = SqliteHubStorage.open(file);
    return { entries: storage.entries, close: () => storage.close() };
  },
});

/**
 * The hub's own opening (sqlite-hub-storage.ts), then the same connection settings plus one
 * pragma each, then the hub's own again: on a shared machine the load drifts over minutes,
 * and the last pass says how far.
 */
const OPENINGS: readonly Opening[] = [
  asTheHubOpens('hub as it opens (64 MB cache)'),
  ...['cache_size = -262144', 'mmap_size = 4294967296'].map((pragma): Opening => ({
    label: `hub + ${pragma}`,
    open(file) {
      const db = new Database(file);
      for (const setting of ['journal_mode = WAL', 'synchronous = FULL', 'busy_timeout = 5000', pragma]) db.pragma(setting);
      return { entries: new SqliteEntryStore(db), close: async () => void db.close() };
    },
  })),
  asTheHubOpens('hub as it opens, again (drift check)'),
];

/**
 * Drops the file's pages from the OS page cache (sync, then dd's nocache hint: this file
 * only, nothing else on the machine), so the next traces read from disk as after a restart
 * of the machine. False when that failed (no GNU dd): the "cold" pass is then warm.
 */
function evictFromPageCache(file: string): boolean {
  try {
    execFileSync('sync', [file]);
    execFileSync('dd', [`if=${file}`, 'iflag=nocache', 'count=0', 'status=none']);
    return true;
  } catch {
    return false;
  }
}

/**
 * Contact tracing (storage.entries.trace) on an embedded SQLite hub holding
 * CHOT_BENCH_TRACE_ENTRIES entries (default 10 000 000), bulk-seeded (support/hub-entry-seed.ts):
 * 2 000 locations × 2 kiosks, 2 M people, 21 days. CHOT_BENCH_TRACES traces (default 200, so
 * that p99 is not simply the maximum) of random people over the last 14 days, window ± 30 min,
 * first with the database opened as the hub opens it, then with one pragma changed each (a
 * fresh connection each, the same people), to see whether SQLite's page cache (2 MB by
 * default) or memory mapping matters. Each opening starts with the file dropped from the OS
 * page cache ("cold", as after a reboot), then traces other people ("warm").
 */
export const hubTrace: Benchmark = {
  name: NAME,
  description: 'hub contact tracing at 10 M entries (bulk-seeded SQLite): trace latency, and the page cache pragma',
  async run(): Promise<BenchFigure[]> {
    const entries = envCount('CHOT_BENCH_TRACE_ENTRIES', 10_000_000);
    const traces = envCount('CHOT_BENCH_TRACES', 200);
    const { figures, figure } = figureCollector(NAME);
    const dir = tempDataDir('chot-bench-trace-');
    const file = join(dir, HUB_SQLITE_FILE);
    try {
      const started = performance.now();
      const seeded = await seedHubEntries(file, { entries, locations: 2_000, people: 2_000_000, days: 21 });
      figure(`seed ${entries.toLocaleString('en')} entries (bulk SQL, not ingest), not a goal`, round((performance.now() - started) / 1000, 1), 's');
      figure('hub database size', Math.round(statSync(file).size / 2 ** 20), 'MB');
      figure('entries at the busiest location (of 2 000), over 21 days', seeded.busiestLocationEntries, 'entries');

      const random = seededRandom(99);
      const pick = (): number[] => Array.from({ length: traces }, () => Math.floor(random() * seeded.people));
      // Two sets of people: the first traced right after the file left the OS page cache,
      // the second after (other people, so not the same rows again, but warm upper pages).
      const passes = [
        { name: 'cold', people: pick() },
        { name: 'warm', people: pick() },
      ] as const;
      for (const [i, opening] of OPENINGS.entries()) {
        const evicted = evictFromPageCache(file);
        const hub = opening.open(file);
        try {
          for (const pass of passes) {
            const run = await traceAll(hub.entries, seeded, pass.people);
            const label = `${opening.label}, ${pass.name === 'cold' ? (evicted ? 'file out of the OS cache' : 'eviction FAILED, warm') : 'warm'}`;
            reportLatency(figure, label, run, i === 0);
            if (i === 0 && pass.name === 'cold') reportShape(figure, run);
          }
        } finally {
          await hub.close();
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    return figures;
  },
};
