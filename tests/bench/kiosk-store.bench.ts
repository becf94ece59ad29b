import { createReadStream, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { EntryLog } from '../../main/store/entry-log.js';
import { FACTS_DATABASE_FILE, openFactsDatabase } from '../../main/store/facts-database.js';
import { FactsStore } from '../../main/store/facts-store.js';
import { KIOSK_DATABASE_FILE, openKioskDatabase } from '../../main/store/kiosk-database.js';
import { frameChunks } from '../../main/sync/chunk-framer.js';
import { SyncApplier } from '../../main/sync/sync-applier.js';
import { tempDataDir } from '../support/kiosk-process.js';
import { changedPeople, people, personId, testHubKey, writeChunkFile } from '../support/sync-fixtures.js';
import { percentile, round, type BenchFigure, type Benchmark } from './bench-types.js';
import { applySnapshotInChild } from './support/apply-child.js';

const NAME = 'kiosk-store';
const DELTA_PEOPLE = 100_000;
const LOOKUPS = 200_000;
const MB = 1024 * 1024;
/** The sync goals for a province-sized data set. The apply rate goal is 10 M people in 60 s, whatever N this run uses. */
const GOALS = { peoplePerSecond: 10_000_000 / 60, peakRssMb: 400, deltaSeconds: 5, lookupDuringDeltaMs: 1, lookupUs: 50 };

const idText = (i: number): string => String(personId(i)).padStart(12, '0');

const fileSize = (file: string): number => {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
};

/**
 * The kiosk's local store at scale: an initial snapshot of N people (CHOT_BENCH_PEOPLE,
 * default 1 000 000; the goal's figure is 10 000 000), ~2 facts each, applied from a
 * chunk file by a child process through the real SyncApplier, so its peak RSS is the
 * applying kiosk's alone; then lookups in process, and a delta of 100 000 changes applied
 * by the worker while the main thread keeps looking people up and logging entries. As in
 * the kiosk, the people are in facts.sqlite and the entry log in kiosk.sqlite: two files,
 * two write locks, so the entries' figure shows whether a delta still holds them up.
 * Hub → kiosk transfer over HTTP is not included (a local file stands in for it).
 */
export const kioskStore: Benchmark = {
  name: NAME,
  description: 'kiosk store: initial snapshot apply (child process), lookups, a 100 000-person delta under lookups',
  async run(): Promise<BenchFigure[]> {
    const n = Number(process.env['CHOT_BENCH_PEOPLE'] ?? 1_000_000);
    const dir = tempDataDir('chot-bench-store-');
    const database = join(dir, FACTS_DATABASE_FILE);
    const key = testHubKey();
    const figures: BenchFigure[] = [];
    const figure = (metric: string, value: number, unit: string, goal?: { text: string; met: boolean }, samples?: number): void => {
      figures.push({ benchmark: NAME, metric, value, unit, ...(goal === undefined ? {} : { goal }), ...(samples === undefined ? {} : { samples }) });
    };
    try {
      let started = performance.now();
      const chunkCount = writeChunkFile(join(dir, 'snapshot.bin'), people(n), { kind: 'snapshot', fromSeq: 0, toSeq: 1000 }, key);
      figure(`hub: encode + sign snapshot (${chunkCount} chunks), not a goal`, round((performance.now() - started) / 1000, 1), 's');
      figure('snapshot size on the wire', round(fileSize(join(dir, 'snapshot.bin')) / MB, 1), 'MB');

      const applied = await applySnapshotInChild({ factsDatabase: database, chunks: join(dir, 'snapshot.bin'), hubPublicKey: key.publicKeyBase64 });
      const rate = applied.records / (applied.elapsedMs / 1000);
      figure(
        `initial snapshot apply, ${n.toLocaleString('en')} people`,
        round(applied.elapsedMs / 1000, 1),
        's',
        n >= 10_000_000 ? { text: '≤ 60 s at 10 M', met: applied.elapsedMs <= 60_000 } : undefined,
      );
      figure('apply rate', Math.round(rate), 'people/s', { text: '≥ 166 667 people/s (10 M in 60 s)', met: rate >= GOALS.peoplePerSecond });
      figure('peak RSS of the applying process', round(applied.maxRssBytes / MB, 0), 'MB', {
        text: '≤ 400 MB',
        met: applied.maxRssBytes / MB <= GOALS.peakRssMb,
      });
      // The facts database's write lock only: the entry log (kiosk.sqlite) does not wait for it.
      figure('longest chunk (verify + insert) while loading, not a goal', round(applied.longestChunkMs, 0), 'ms');
      figure('final chunk: index build + swap under the write lock, not a goal', round(applied.finalChunkMs / 1000, 1), 's');
      figure('facts database size', round((fileSize(database) + fileSize(`${database}-wal`)) / MB, 0), 'MB');

      const db = openFactsDatabase(database);
      const facts = new FactsStore(db);
      const ids = Array.from({ length: LOOKUPS }, () => idText(Math.floor(Math.random() * n)));
      for (const id of ids.slice(0, 20_000)) facts.findById12(id);
      const lookups = ids.map((id) => {
        const t = performance.now();
        facts.findById12(id);
        return (performance.now() - t) * 1000;
      });
      figure('lookup by 12-digit ID p50', round(percentile(lookups, 50), 1), 'µs', undefined, lookups.length);
      figure(
        'lookup by 12-digit ID p99',
        round(percentile(lookups, 99), 1),
        'µs',
        { text: `≤ 50 µs${n >= 10_000_000 ? '' : ' (at 10 M)'}`, met: percentile(lookups, 99) <= GOALS.lookupUs },
        lookups.length,
      );

      const stride = Math.max(1, Math.floor(n / DELTA_PEOPLE));
      writeChunkFile(join(dir, 'delta.bin'), changedPeople(Math.min(n, stride * DELTA_PEOPLE), stride, 1), { kind: 'delta', fromSeq: 1000, toSeq: 1100 }, key);
      const applier = await SyncApplier.open({ factsDatabaseFile: database, hubKeys: [key.publicKeyBase64] });
      const kioskDb = openKioskDatabase(join(dir, KIOSK_DATABASE_FILE));
      const log = new EntryLog(kioskDb);
      const during: number[] = [];
      const appends: number[] = [];
      let finished = false;
      started = performance.now();
      const deltaApplied = applier.applyDelta(frameChunks(createReadStream(join(dir, 'delta.bin')))).finally(() => (finished = true));
      let lastEntry = 0;
      while (!finished) {
        // A busy gate: lookups back to back, and an entry logged every 50 ms as a scan would.
        for (let k = 0; k < 20; k++) {
          const id = ids[(during.length + k) % ids.length] as string;
          const t = performance.now();
          facts.findById12(id);
          during.push(performance.now() - t);
        }
        if (performance.now() - lastEntry > 50) {
          lastEntry = performance.now();
          log.append({
            at: new Date().toISOString(),
            kioskId: 'bench',
            location: '',
            lane: '1',
            direction: 'in',
            sourceKind: 'wedge',
            sourceDeviceId: 'bench',
            credentialKind: 'cccd-qr',
            authenticity: 'unsigned',
            personId: ids[0] as string,
            outcome: 'green',
            reasonCodes: [],
            ruleSet: null,
            override: null,
          });
          appends.push(performance.now() - lastEntry);
        }
        await new Promise((resolve) => setImmediate(resolve));
      }
      const delta = await deltaApplied;
      const deltaSeconds = (performance.now() - started) / 1000;
      figure(`delta of ${delta.records.toLocaleString('en')} changes`, round(deltaSeconds, 2), 's', { text: '≤ 5 s', met: deltaSeconds <= GOALS.deltaSeconds });
      figure(
        'lookup p99 during the delta',
        round(percentile(during, 99), 3),
        'ms',
        { text: '≤ 1 ms', met: percentile(during, 99) <= GOALS.lookupDuringDeltaMs },
        during.length,
      );
      figure('entry append (durable) max during the delta, not a goal', round(Math.max(...appends), 1), 'ms', undefined, appends.length);
      await applier.close();
      kioskDb.close();
      db.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    return figures;
  },
};
