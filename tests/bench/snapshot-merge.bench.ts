import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { loadOrCreateHubSigningKey } from '../../hub/keys/hub-signing-key.js';
import { newBuildId, writeSnapshotFile, type SnapshotIndex } from '../../hub/server/snapshot-files.js';
import { WORKER_SNAPSHOT_PAGE_SIZE } from '../../hub/server/snapshot-runner.js';
import type { HubStorage } from '../../hub/storage/hub-storage.js';
import { openHubStorage } from '../../hub/storage/open-hub-storage.js';
import { seedSqliteHub, seedSqliteHubDelta } from '../support/hub-seed.js';
import { tempDataDir } from '../support/kiosk-process.js';
import { round, type BenchFigure, type Benchmark } from './bench-types.js';
import { envCount, figureCollector } from './support/figures.js';

const NAME = 'snapshot';
const IMPORT_PEOPLE = 100_000;
/** The goal at 10 M people: a snapshot after a 100 000-person import within 15 s (a full build takes minutes). */
const GOAL_SECONDS = 15;
const GOAL_PEOPLE = 10_000_000;

/**
 * The hub's snapshot build after an import, merged from the previous snapshot against a
 * full build from the database, of the same sequence in the same run: a SQLite hub seeded
 * with N people (CHOT_BENCH_PEOPLE, default 1 000 000; the goal's figure is 10 000 000), its
 * snapshot at sequence 1 built, then
 *   - an import of 100 000 boosters spread evenly over everyone (every chunk changes: the
 *     merge inflates, merges and recompresses them all — the worst case for it), and
 *   - an import of 100 000 boosters to consecutive people (a district's campaign: most
 *     chunks are kept as they were, only their headers signed again),
 * each followed by the merged build; the first also by the full build of the same sequence
 * (a full build reads every person whatever changed, so one is enough). One run each (a full build at 10 M
 * takes minutes on a shared machine): the figures are single runs, not medians. The builds
 * run on this thread with the snapshot worker's page size — the same code the hub's build
 * worker runs.
 */
export const snapshotMerge: Benchmark = {
  name: NAME,
  description: 'snapshot after a 100 000-person import: merged from the previous snapshot vs a full build from the database, same sequence',
  async run(): Promise<BenchFigure[]> {
    const n = envCount('CHOT_BENCH_PEOPLE', 1_000_000);
    const dir = tempDataDir('chot-bench-snapshot-');
    const { figures, figure } = figureCollector(NAME);
    const say = (text: string): void => void process.stderr.write(`  ${NAME}: ${text}\n`);
    let storage: HubStorage | undefined;
    try {
      let started = performance.now();
      await seedSqliteHub(dir, n);
      say(`hub seeded with ${n.toLocaleString('en')} people in ${round((performance.now() - started) / 1000, 1)} s`);
      storage = await openHubStorage({ dataDir: dir });
      const signer = loadOrCreateHubSigningKey(dir);
      const cacheDir = join(dir, 'cache-merged');
      const build = async (seq: number, into: string): Promise<SnapshotIndex> => {
        const index = await writeSnapshotFile({
          storage: storage as HubStorage,
          signer,
          cacheDir: into,
          seq,
          buildId: newBuildId(),
          pageSize: WORKER_SNAPSHOT_PAGE_SIZE,
        });
        say(
          `snapshot at ${seq} into ${into.slice(dir.length + 1)}: ${index.people} people, ${index.offsets.length - 1} chunks, ${index.buildMs} ms${index.mergedFrom === undefined ? '' : `, merged from ${index.mergedFrom}, ${index.keptChunks ?? 0} chunks kept`}`,
        );
        return index;
      };
      const first = await build(1, cacheDir);
      figure(
        `full build of the first snapshot, ${n.toLocaleString('en')} people (${first.offsets.length - 1} chunks), not a goal`,
        round(first.buildMs / 1000, 1),
        's',
      );

      const imports = [
        { label: 'spread over everyone', stride: Math.max(1, Math.floor(n / IMPORT_PEOPLE)), sideBySide: true },
        // A full build reads the same people whatever the import changed: measured once, above.
        { label: 'to consecutive people', stride: 1, sideBySide: false },
      ];
      for (const { label, stride, sideBySide } of imports) {
        const changed = Math.min(n, stride * IMPORT_PEOPLE);
        started = performance.now();
        const seq = seedSqliteHubDelta(dir, changed, stride);
        say(
          `import of ${Math.ceil(changed / stride).toLocaleString('en')} boosters ${label} at sequence ${seq} in ${round((performance.now() - started) / 1000, 1)} s`,
        );
        const merged = await build(seq, cacheDir);
        if (merged.mergedFrom === undefined) throw new Error(`the snapshot at ${seq} was not merged: ${merged.fullBuildBecause ?? ''}`);
        const chunks = merged.offsets.length - 1;
        const seconds = merged.buildMs / 1000;
        figure(
          `snapshot after an import of 100 000 ${label}: merged (${merged.keptChunks ?? 0} of ${chunks} chunks kept)`,
          round(seconds, 1),
          's',
          n >= GOAL_PEOPLE ? { text: `≤ ${GOAL_SECONDS} s at 10 M`, met: seconds <= GOAL_SECONDS } : undefined,
        );
        if (!sideBySide) continue;
        const full = await build(seq, join(dir, `cache-full-${seq}`));
        if (full.people !== merged.people) throw new Error(`merged ${merged.people} people, a full build ${full.people}`);
        rmSync(join(dir, `cache-full-${seq}`), { recursive: true, force: true });
        figure(`snapshot after an import of 100 000 ${label}: full build, same sequence, not a goal`, round(full.buildMs / 1000, 1), 's');
      }
    } finally {
      await storage?.close();
      rmSync(dir, { recursive: true, force: true });
    }
    return figures;
  },
};
