import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { toVietnamIso } from '../../domain/time/calendar-date.js';
import type { EntryStore, UploadedEntry } from '../../hub/entries/entry-store.js';
import { PgHubStorage } from '../../hub/storage/pg-hub-storage.js';
import { HUB_SQLITE_FILE, SqliteHubStorage } from '../../hub/storage/sqlite-hub-storage.js';
import { kioskChain } from '../support/entry-fixtures.js';
import { tempDataDir } from '../support/kiosk-process.js';
import { findPostgresBin, startPostgres } from '../support/postgres.js';
import { percentile, round, type BenchFigure, type Benchmark } from './bench-types.js';
import { envCount, figureCollector, seededRandom } from './support/figures.js';

const NAME = 'hub-ingest';
/** A hub must take a day's uploads of a province's kiosks in minutes, not hours. */
const GOAL_PER_SECOND = 20_000;
const START_MS = Date.UTC(2021, 9, 20, 0, 0, 0);

interface Upload {
  readonly kioskId: string;
  readonly entries: readonly UploadedEntry[];
}

/**
 * Every kiosk's chain, cut into uploads of `batch` entries and interleaved kiosk by kiosk
 * (kiosk 1's first batch, kiosk 2's first…, then the second batches), as uploads arrive
 * from many gates: each later batch chains onto entries the hub already stored. Hashed
 * here, before the clock starts: that is the kiosks' work, not the hub's (the hub's own
 * hash check of every entry is part of ingest and is timed).
 */
const kioskIdOf = (k: number): string => `k-${String(k).padStart(4, '0')}`;

function prepareUploads(kiosks: number, perKiosk: number, batch: number): Upload[] {
  const random = seededRandom(11);
  const chains = Array.from({ length: kiosks }, (_, k) => {
    const kioskId = kioskIdOf(k);
    let atMs = START_MS + k * 1_000;
    return kioskChain(kioskId, perKiosk, () => {
      atMs += 1_000 + Math.floor(random() * 20_000);
      const outcome = random() < 0.9 ? 'green' : 'yellow';
      return {
        at: toVietnamIso(atMs),
        location: `Điểm ${Math.floor(k / 2)}`,
        lane: String((k % 2) + 1),
        personId: String(1_000_000_000 + Math.floor(random() * 2_000_000) * 97).padStart(12, '0'),
        outcome,
        reasonCodes: outcome === 'green' ? ['vaccinated-full'] : ['vaccinated-partial'],
      };
    });
  });
  const uploads: Upload[] = [];
  for (let start = 0; start < perKiosk; start += batch) {
    for (const [k, chain] of chains.entries()) uploads.push({ kioskId: kioskIdOf(k), entries: chain.slice(start, start + batch) });
  }
  return uploads;
}

/** Ingests every upload in order; milliseconds per upload. Throws if the hub flagged anything. */
interface IngestRun {
  readonly batchMs: number[];
  readonly sizes: number[];
  readonly elapsedMs: number;
}

async function ingestAll(store: EntryStore, uploads: readonly Upload[]): Promise<IngestRun> {
  const batchMs: number[] = [];
  const started = performance.now();
  for (const { kioskId, entries } of uploads) {
    const t = performance.now();
    const result = await store.ingest(kioskId, entries);
    batchMs.push(performance.now() - t);
    // A run that flags or drops entries does not measure the path real uploads take.
    if (result.accepted !== entries.length || result.problems.length > 0 || result.contiguousSeq !== (entries.at(-1)?.seq ?? 0)) {
      throw new Error(`ingest of ${kioskId} did not accept its batch cleanly: ${JSON.stringify({ ...result, problems: result.problems.slice(0, 3) })}`);
    }
  }
  return { batchMs, sizes: uploads.map((u) => u.entries.length), elapsedMs: performance.now() - started };
}

function report(figure: ReturnType<typeof figureCollector>['figure'], engine: string, total: number, run: IngestRun, goal: boolean): void {
  const rate = total / (run.elapsedMs / 1000);
  figure(
    `${engine}: ingest rate, ${total.toLocaleString('en')} entries`,
    Math.round(rate),
    'entries/s',
    goal ? { text: '≥ 20 000/s', met: rate >= GOAL_PER_SECOND } : undefined,
    run.batchMs.length,
  );
  // The second half lands in a table already holding the first: does the rate hold up?
  const half = Math.floor(run.batchMs.length / 2);
  const sum = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0);
  const lateRate = sum(run.sizes.slice(half)) / (sum(run.batchMs.slice(half)) / 1000);
  figure(`${engine}: ingest rate, second half of the uploads only`, Math.round(lateRate), 'entries/s', undefined, run.batchMs.length - half);
  figure(`${engine}: one upload (batch) p50`, round(percentile(run.batchMs, 50), 1), 'ms', undefined, run.batchMs.length);
  figure(`${engine}: one upload (batch) p99`, round(percentile(run.batchMs, 99), 1), 'ms', undefined, run.batchMs.length);
}

/**
 * The hub's ingest (storage.entries.ingest) of CHOT_BENCH_ENTRIES entries (default
 * 200 000) from CHOT_BENCH_KIOSKS kiosks (default 20, so 10 000 each), uploaded in batches
 * of CHOT_BENCH_BATCH (default 5 000): into an embedded SQLite hub (synchronous=FULL, as the
 * hub opens it) and, when PostgreSQL's server binaries are installed, into a throwaway
 * cluster (tests/support/postgres.ts: fsync off, so its figure leaves out the disk flush).
 */
export const hubIngest: Benchmark = {
  name: NAME,
  description: 'hub entry ingest: chained uploads of 5 000 entries from many kiosks, SQLite and PostgreSQL',
  async run(): Promise<BenchFigure[]> {
    const kiosks = envCount('CHOT_BENCH_KIOSKS', 20);
    const perKiosk = Math.max(1, Math.floor(envCount('CHOT_BENCH_ENTRIES', 200_000) / kiosks));
    const batch = envCount('CHOT_BENCH_BATCH', 5_000);
    const total = kiosks * perKiosk;
    const { figures, figure } = figureCollector(NAME);
    const started = performance.now();
    const uploads = prepareUploads(kiosks, perKiosk, batch);
    figure(
      `kiosks: chain ${total.toLocaleString('en')} entries (${kiosks} kiosks × ${perKiosk.toLocaleString('en')}, batches of ${Math.min(batch, perKiosk)}), not timed below`,
      round((performance.now() - started) / 1000, 1),
      's',
    );

    const dir = tempDataDir('chot-bench-ingest-');
    try {
      const storage = SqliteHubStorage.open(join(dir, HUB_SQLITE_FILE));
      try {
        report(figure, 'SQLite', total, await ingestAll(storage.entries, uploads), true);
      } finally {
        await storage.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }

    if (findPostgresBin() === undefined) {
      process.stderr.write(
        `${NAME}: PostgreSQL server binaries not found (initdb in /usr/lib/postgresql/<version>/bin or $CHOT_PG_BIN): PostgreSQL figures skipped\n`,
      );
      return figures;
    }
    const cluster = startPostgres();
    try {
      const storage = await PgHubStorage.open(cluster.createDatabase());
      try {
        report(figure, 'PostgreSQL (fsync off)', total, await ingestAll(storage.entries, uploads), false);
      } finally {
        await storage.close();
      }
    } finally {
      cluster.stop();
    }
    return figures;
  },
};
