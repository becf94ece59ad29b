import { closeSync, mkdirSync, openSync, readSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { AtRestKey } from '../../main/store/at-rest-key.js';
import { EntryLog } from '../../main/store/entry-log.js';
import { FACTS_DATABASE_FILE, openFactsDatabase } from '../../main/store/facts-database.js';
import { FactsStore } from '../../main/store/facts-store.js';
import { KIOSK_DATABASE_FILE, openKioskDatabase } from '../../main/store/kiosk-database.js';
import { sqliteFileState, type SqliteDatabase } from '../../main/store/sqlite-database.js';
import { tempDataDir } from '../support/kiosk-process.js';
import { people, personId, testHubKey, writeChunkFile } from '../support/sync-fixtures.js';
import { percentile, round, type BenchFigure, type Benchmark } from './bench-types.js';
import { applySnapshotInChild, type ApplyChildFigures } from './support/apply-child.js';
import { DATABASE_VARIANTS, libraryVersions, openWithBetterSqlite3, writeBenchKeyFile, type DatabaseVariant } from './support/database-variants.js';
import { envCount, figureCollector, seededRandom, type Goal } from './support/figures.js';
import { gateEntry } from './support/gate-entries.js';
import { interleave } from './support/interleave.js';

const NAME = 'encryption';
/** The goals for encryption at rest: the initial sync at most 1.3× as long, lookups still fast, the log still durable at a busy gate's pace. */
const GOALS = { syncRatio: 1.3, lookupP99Us: 50, appendsPerSecond: 1_000, peakRssMb: 400 };
const LOOKUPS = 200_000;
const LOOKUP_BLOCK = 2_000;
const LOOKUP_WARMUP = 20_000;
const APPEND_BLOCK = 500;
const APPEND_WARMUP = 200;
const MB = 2 ** 20;

type SyncVariant = Exclude<DatabaseVariant, 'better-sqlite3'>;
const SYNC_VARIANTS: readonly SyncVariant[] = ['unencrypted', 'encrypted'];
type Figure = (metric: string, value: number, unit: string, goal?: Goal, samples?: number) => void;

const say = (text: string): void => void process.stderr.write(`  ${NAME}: ${text}\n`);
const median = (values: readonly number[]): number => percentile(values, 50);
const fileSize = (file: string): number => statSync(file, { throwIfNoEntry: false })?.size ?? 0;
const idText = (i: number): string => String(personId(i)).padStart(12, '0');

function removeDatabase(file: string): void {
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${file}${suffix}`, { force: true });
}

/** Reads a file once so that every variant's lookups start from the page cache, not from whichever file the disk served last. */
function warmPageCache(file: string): void {
  const fd = openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(8 * MB);
    while (readSync(fd, buffer, 0, buffer.length, null) > 0);
  } finally {
    closeSync(fd);
  }
}

/**
 * A fresh kiosk's initial sync of N people, unencrypted and encrypted in turn (ABBA…), each
 * from the same signed chunk file through the real SyncApplier in a child process of its own.
 * Leaves the last round's two facts databases for the lookups.
 */
async function measureSync(dir: string, n: number, rounds: number, keyFile: string, figure: Figure): Promise<Record<SyncVariant, string>> {
  const hubKey = testHubKey();
  const chunks = join(dir, 'snapshot.bin');
  const started = performance.now();
  const chunkCount = writeChunkFile(chunks, people(n), { kind: 'snapshot', fromSeq: 0, toSeq: 1000 }, hubKey);
  say(`snapshot of ${n.toLocaleString('en')} people (${chunkCount} chunks) encoded in ${round((performance.now() - started) / 1000, 1)} s`);
  const files: Record<SyncVariant, string> = { unencrypted: '', encrypted: '' };
  for (const variant of SYNC_VARIANTS) {
    mkdirSync(join(dir, variant), { mode: 0o700 });
    files[variant] = join(dir, variant, FACTS_DATABASE_FILE);
  }
  const runs: Record<SyncVariant, ApplyChildFigures[]> = { unencrypted: [], encrypted: [] };
  await interleave(SYNC_VARIANTS, rounds, async (variant, index) => {
    removeDatabase(files[variant]);
    const applied = await applySnapshotInChild({
      factsDatabase: files[variant],
      chunks,
      hubPublicKey: hubKey.publicKeyBase64,
      ...(variant === 'encrypted' ? { dbKeyFile: keyFile } : {}),
    });
    if (applied.records !== n) throw new Error(`${variant} sync applied ${applied.records} people, not ${n}`);
    runs[variant].push(applied);
    say(
      `round ${index + 1} ${variant}: ${round(applied.elapsedMs / 1000, 1)} s, peak RSS ${round(applied.maxRssBytes / MB, 0)} MB, ` +
        `final chunk ${round(applied.finalChunkMs / 1000, 1)} s`,
    );
  });
  rmSync(chunks, { force: true });
  // A benchmark of an unencrypted file under the wrong name would be worse than none.
  if (sqliteFileState(files.encrypted) !== 'encrypted') throw new Error(`${files.encrypted} is not encrypted`);
  if (sqliteFileState(files.unencrypted) !== 'plaintext') throw new Error(`${files.unencrypted} is not plaintext`);

  const seconds = (variant: SyncVariant): number => median(runs[variant].map((r) => r.elapsedMs)) / 1000;
  for (const variant of SYNC_VARIANTS) {
    figure(`initial sync (snapshot apply) of ${n.toLocaleString('en')} people, ${variant}, median`, round(seconds(variant), 1), 's', undefined, rounds);
  }
  const syncRatioGoal = (ratio: number): Goal => ({ text: `≤ ${GOALS.syncRatio}×`, met: ratio <= GOALS.syncRatio });
  const ratio = seconds('encrypted') / seconds('unencrypted');
  figure('initial sync time, encrypted ÷ unencrypted (of the medians)', round(ratio, 2), '×', syncRatioGoal(ratio), rounds);
  // Each round's two runs ran back to back: their ratio is less exposed to the machine's load
  // drifting between rounds, the ratio of the medians less to a burst within one run.
  const paired = median(runs.encrypted.map((run, i) => run.elapsedMs / (runs.unencrypted[i] as ApplyChildFigures).elapsedMs));
  figure('initial sync time, encrypted ÷ unencrypted (median of the rounds)', round(paired, 2), '×', syncRatioGoal(paired), rounds);
  for (const variant of SYNC_VARIANTS) {
    const rss = median(runs[variant].map((r) => r.maxRssBytes)) / MB;
    figure(
      `peak RSS of the syncing process, ${variant}, median`,
      round(rss, 0),
      'MB',
      { text: `≤ ${GOALS.peakRssMb} MB`, met: rss <= GOALS.peakRssMb },
      rounds,
    );
  }
  for (const variant of SYNC_VARIANTS) {
    const finalSeconds = median(runs[variant].map((r) => r.finalChunkMs)) / 1000;
    figure(`final chunk (index build + swap), ${variant}, median, not a goal`, round(finalSeconds, 1), 's', undefined, rounds);
  }
  for (const variant of SYNC_VARIANTS) {
    figure(`facts database size, ${variant}`, round((fileSize(files[variant]) + fileSize(`${files[variant]}-wal`)) / MB, 0), 'MB');
  }
  return files;
}

/** Lookups by random 12-digit IDs through FactsStore, as the scan path reads, on each variant in turn, block by block. */
async function measureLookups(files: Record<SyncVariant, string>, key: AtRestKey, n: number, figure: Figure): Promise<void> {
  for (const file of Object.values(files)) warmPageCache(file);
  const unencrypted = openFactsDatabase(files.unencrypted);
  const connections: Record<DatabaseVariant, SqliteDatabase> = {
    unencrypted,
    encrypted: openFactsDatabase(files.encrypted, key),
    'better-sqlite3': openWithBetterSqlite3(files.unencrypted, unencrypted),
  };
  try {
    const stores = new Map(DATABASE_VARIANTS.map((variant) => [variant, new FactsStore(connections[variant])]));
    const random = seededRandom(11);
    const ids = Array.from({ length: LOOKUPS }, () => idText(Math.floor(random() * n)));
    for (const store of stores.values()) for (const id of ids.slice(0, LOOKUP_WARMUP)) store.findById12(id);
    const samples = new Map<DatabaseVariant, number[]>(DATABASE_VARIANTS.map((variant) => [variant, []]));
    await interleave(DATABASE_VARIANTS, LOOKUPS / LOOKUP_BLOCK, (variant, index) => {
      const store = stores.get(variant) as FactsStore;
      const out = samples.get(variant) as number[];
      for (const id of ids.slice(index * LOOKUP_BLOCK, (index + 1) * LOOKUP_BLOCK)) {
        const t = performance.now();
        const found = store.findById12(id);
        out.push((performance.now() - t) * 1000);
        if (found === undefined) throw new Error(`${variant}: person ${id} not found`);
      }
    });
    for (const variant of DATABASE_VARIANTS) {
      const us = samples.get(variant) as number[];
      figure(`lookup by 12-digit ID p50, ${variant}`, round(percentile(us, 50), 1), 'µs', undefined, us.length);
      const p99 = percentile(us, 99);
      figure(`lookup by 12-digit ID p99, ${variant}`, round(p99, 1), 'µs', { text: `≤ ${GOALS.lookupP99Us} µs`, met: p99 <= GOALS.lookupP99Us }, us.length);
    }
  } finally {
    for (const db of Object.values(connections)) db.close();
  }
}

/** Opens one kiosk database per variant, each a fresh entry log as the kiosk opens it (WAL, synchronous=FULL). */
function openEntryLogs(dir: string, key: AtRestKey): Map<DatabaseVariant, { db: SqliteDatabase; log: EntryLog }> {
  const logs = new Map<DatabaseVariant, { db: SqliteDatabase; log: EntryLog }>();
  for (const variant of DATABASE_VARIANTS) {
    mkdirSync(join(dir, `log-${variant}`), { mode: 0o700 });
    const file = join(dir, `log-${variant}`, KIOSK_DATABASE_FILE);
    let db = openKioskDatabase(file, variant === 'encrypted' ? key : undefined);
    if (variant === 'better-sqlite3') {
      const migrated = db;
      db = openWithBetterSqlite3(file, migrated);
      migrated.close();
    }
    if (Number(db.pragma('synchronous', { simple: true })) !== 2) throw new Error(`${variant}: the entry log is not synchronous=FULL`);
    logs.set(variant, { db, log: new EntryLog(db) });
  }
  return logs;
}

/** Durable appends (one transaction each) to each variant's entry log in turn, block by block. */
async function measureAppends(dir: string, key: AtRestKey, count: number, figure: Figure): Promise<void> {
  const logs = openEntryLogs(dir, key);
  try {
    const random = seededRandom(7);
    for (const { log } of logs.values()) for (let i = 0; i < APPEND_WARMUP; i++) log.append(gateEntry(random, Date.now()));
    const latencies = new Map<DatabaseVariant, number[]>(DATABASE_VARIANTS.map((variant) => [variant, []]));
    await interleave(DATABASE_VARIANTS, Math.ceil(count / APPEND_BLOCK), (variant) => {
      const { log } = logs.get(variant) as { log: EntryLog };
      const out = latencies.get(variant) as number[];
      for (let i = 0; i < APPEND_BLOCK; i++) {
        const entry = gateEntry(random, Date.now());
        const t = performance.now();
        log.append(entry);
        out.push(performance.now() - t);
      }
    });
    for (const variant of DATABASE_VARIANTS) {
      const ms = latencies.get(variant) as number[];
      const rate = ms.length / (ms.reduce((sum, t) => sum + t, 0) / 1000);
      figure(
        `durable appends, ${variant}`,
        Math.round(rate),
        'entries/s',
        { text: `≥ ${GOALS.appendsPerSecond}/s`, met: rate >= GOALS.appendsPerSecond },
        ms.length,
      );
      figure(`append p50, ${variant}`, round(percentile(ms, 50), 3), 'ms', undefined, ms.length);
      figure(`append p99, ${variant}`, round(percentile(ms, 99), 3), 'ms', undefined, ms.length);
    }
  } finally {
    for (const { db } of logs.values()) db.close();
  }
}

/**
 * Encryption at rest, side by side in one run (docs/encryption.md): a fresh kiosk's initial
 * sync of N people (CHOT_BENCH_PEOPLE, default 1 000 000; the goal's figure is 10 000 000)
 * CHOT_BENCH_ROUNDS times each (default 3), unencrypted and encrypted alternating; then
 * lookups on the two databases the last rounds left, and durable appends to the entry log,
 * each interleaved block by block with the same work on the plain better-sqlite3 library
 * beside the kiosk's better-sqlite3-multiple-ciphers without and with a key.
 * The key is a key file in a directory of its own, read through the kiosk's loader.
 */
export const encryption: Benchmark = {
  name: NAME,
  description: 'encryption at rest: initial sync, lookups and durable appends, encrypted vs unencrypted vs better-sqlite3, interleaved',
  async run(): Promise<BenchFigure[]> {
    const n = envCount('CHOT_BENCH_PEOPLE', 1_000_000);
    const rounds = envCount('CHOT_BENCH_ROUNDS', 3);
    const appends = envCount('CHOT_BENCH_APPENDS', 10_000);
    const dir = tempDataDir('chot-bench-encryption-');
    // The key apart from the data it encrypts, as an operator is told to keep it.
    const keyDir = tempDataDir('chot-bench-key-');
    const { figures, figure } = figureCollector(NAME);
    try {
      say(libraryVersions());
      const { file: keyFile, key } = writeBenchKeyFile(keyDir);
      const files = await measureSync(dir, n, rounds, keyFile, figure);
      await measureLookups(files, key, n, figure);
      await measureAppends(dir, key, appends, figure);
    } finally {
      rmSync(dir, { recursive: true, force: true });
      rmSync(keyDir, { recursive: true, force: true });
    }
    return figures;
  },
};
