import { rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { EntryLog } from '../../main/store/entry-log.js';
import { KIOSK_DATABASE_FILE, openKioskDatabase } from '../../main/store/kiosk-database.js';
import { tempDataDir } from '../support/kiosk-process.js';
import { percentile, round, type BenchFigure, type Benchmark } from './bench-types.js';
import { envCount, figureCollector, seededRandom } from './support/figures.js';
import { gateEntry } from './support/gate-entries.js';
import type { ReaderOptions, ReaderReport } from './support/entry-log-reader.js';

const NAME = 'entry-log';
/** The log must keep up with a busy gate, and add little to the verdict path. */
const GOALS = { perSecond: 1_000, p99Ms: 5 };
/** Rows per read of the stand-in uploader (the hub's ingest takes batches of this size). */
const READ_BATCH = 5_000;
const WARMUP = 200;

const fileSize = (file: string): number => statSync(file, { throwIfNoEntry: false })?.size ?? 0;

/** Appends `count` entries back to back, each its own durable transaction; milliseconds per append. */
function appendMany(log: EntryLog, count: number, random: () => number): { latencies: number[]; elapsedMs: number } {
  const latencies: number[] = [];
  const started = performance.now();
  for (let i = 0; i < count; i++) {
    const entry = gateEntry(random, Date.now());
    const t = performance.now();
    log.append(entry);
    latencies.push(performance.now() - t);
  }
  return { latencies, elapsedMs: performance.now() - started };
}

function startReader(file: string): { ready: Promise<void>; stop(): Promise<ReaderReport> } {
  const stop = new SharedArrayBuffer(4);
  const options: ReaderOptions = { file, batch: READ_BATCH, stop };
  const worker = new Worker(new URL('./support/entry-log-reader.js', import.meta.url), { workerData: options });
  let report: ((value: ReaderReport) => void) | undefined;
  const reported = new Promise<ReaderReport>((resolve) => (report = resolve));
  const failed = new Promise<never>((_, reject) => worker.once('error', reject));
  const ready = new Promise<void>((resolve) =>
    worker.on('message', (message: unknown) => {
      if (message === 'ready') resolve();
      else report?.(message as ReaderReport);
    }),
  );
  return {
    ready: Promise.race([ready, failed]),
    async stop() {
      Atomics.store(new Int32Array(stop), 0, 1);
      const result = await Promise.race([reported, failed]);
      await worker.terminate();
      return result;
    },
  };
}

/**
 * The kiosk's entry log (main/store/entry-log.ts) on a real kiosk database file in a temp
 * directory, WAL and synchronous=FULL as the kiosk opens it: CHOT_BENCH_APPENDS appends
 * (default 10 000) back to back, one durable transaction each, then as many again while a
 * worker thread on its own connection reads the log 5 000 rows at a time, as an uploader
 * would. Back to back is harsher than a gate (one scan every second or two per lane): the
 * rate says how much headroom there is, the percentiles what an append adds to a verdict.
 */
export const entryLog: Benchmark = {
  name: NAME,
  description: 'kiosk entry log: durable appends (one transaction each), alone and under a concurrent 5 000-row reader',
  async run(): Promise<BenchFigure[]> {
    const count = envCount('CHOT_BENCH_APPENDS', 10_000);
    const dir = tempDataDir('chot-bench-entry-log-');
    const file = join(dir, KIOSK_DATABASE_FILE);
    const { figures, figure } = figureCollector(NAME);
    const random = seededRandom(7);
    const db = openKioskDatabase(file);
    try {
      const log = new EntryLog(db);
      figure('synchronous pragma as the log runs (2 = FULL)', Number(db.pragma('synchronous', { simple: true })), '');
      appendMany(log, WARMUP, random);

      const alone = appendMany(log, count, random);
      const rate = count / (alone.elapsedMs / 1000);
      figure(
        `durable appends back to back (${count.toLocaleString('en')})`,
        Math.round(rate),
        'entries/s',
        { text: '≥ 1000/s', met: rate >= GOALS.perSecond },
        count,
      );
      figure('append p50', round(percentile(alone.latencies, 50), 3), 'ms', undefined, count);
      figure('append p99', round(percentile(alone.latencies, 99), 3), 'ms', { text: '≤ 5 ms', met: percentile(alone.latencies, 99) <= GOALS.p99Ms }, count);
      figure('append max', round(Math.max(...alone.latencies), 2), 'ms', undefined, count);

      const reader = startReader(file);
      await reader.ready;
      const busy = appendMany(log, count, random);
      const read = await reader.stop();
      const busyRate = count / (busy.elapsedMs / 1000);
      figure(
        'durable appends while a reader reads 5 000-row batches',
        Math.round(busyRate),
        'entries/s',
        { text: '≥ 1000/s', met: busyRate >= GOALS.perSecond },
        count,
      );
      figure('append p50 under the reader', round(percentile(busy.latencies, 50), 3), 'ms', undefined, count);
      figure(
        'append p99 under the reader',
        round(percentile(busy.latencies, 99), 3),
        'ms',
        { text: '≤ 5 ms', met: percentile(busy.latencies, 99) <= GOALS.p99Ms },
        count,
      );
      figure('append max under the reader', round(Math.max(...busy.latencies), 2), 'ms', undefined, count);
      figure(
        'reader: 5 000-row batch read + JSON p50, not a goal',
        round(read.batches === 0 ? 0 : percentile(read.batchMs, 50), 1),
        'ms',
        undefined,
        read.batches,
      );
      figure('reader: rows read during the appends, not a goal', read.rows, 'rows', undefined, read.batches);
      figure('kiosk database size after the run', round((fileSize(file) + fileSize(`${file}-wal`)) / 2 ** 20, 1), 'MB');
    } finally {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    }
    return figures;
  },
};
