import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { DEFAULT_CHUNK_RECORDS, type ChunkingOptions } from '../../domain/sync/sync-encoder.js';
import type { SyncedPerson } from '../../domain/sync/synced-person.js';
import { MAX_PAGE_SIZE, type HubStorage } from '../storage/hub-storage.js';
import { encodePages } from './chunk-pump.js';
import type { SnapshotIndex } from './snapshot-index.js';
import { MergeNotPossible, mergedSnapshotChunks, zlibDeflate, type SnapshotSigner } from './incremental-snapshot.js';

/**
 * The snapshot cache on disk, `<data>/cache/snapshots/`: per snapshot, one data file of its
 * chunks concatenated and one index naming that file and the byte offset of every chunk.
 *
 *   snapshot-<seq>-<build id>.chsy   the chunks, as a kiosk downloads them
 *   snapshot-<seq>.json              { format, seq, keyId, dataFile, people, offsets, chunkRecords, … }
 *
 * Both are written to temporary names, flushed to disk and renamed; the index last, so an
 * index only ever names a complete data file, and a crash leaves at most temporary files
 * and an unnamed data file, both removed at the next start. The build id in the data file's
 * name means a rebuild never overwrites the bytes an index (or a download) refers to.
 */
export const SNAPSHOT_CACHE_DIR = join('cache', 'snapshots');
const INDEX_FORMAT = 1;
const INDEX_PATTERN = /^snapshot-(\d+)\.json$/;
const TEMP_SUFFIX = '.tmp';
const WRITE_BATCH_BYTES = 1024 * 1024;

export type { SnapshotIndex } from './snapshot-index.js';

export const chunkCount = (index: SnapshotIndex): number => index.offsets.length - 1;
export const newBuildId = (): string => `${Date.now().toString(36)}${randomBytes(4).toString('hex')}`;
const indexName = (seq: number): string => `snapshot-${seq}.json`;

export interface SnapshotBuildRequest {
  readonly storage: HubStorage;
  readonly signer: SnapshotSigner;
  readonly cacheDir: string;
  readonly seq: number;
  /** Names the data file and the temporary files, so a cancelled build's leftovers can be found. */
  readonly buildId: string;
  /** People per storage page: large in a worker, smaller on the main thread. */
  readonly pageSize?: number;
  readonly chunking?: ChunkingOptions;
  /** Checked between chunks; true stops the build (its temporary files are removed). */
  readonly cancelled?: () => boolean;
}

/**
 * Builds the snapshot at `seq` into the cache directory and returns its index: merged from
 * the newest earlier snapshot in the cache and the delta since it (incremental-snapshot.ts)
 * when that snapshot is usable, else from every person in the database.
 */
export async function writeSnapshotFile(build: SnapshotBuildRequest): Promise<SnapshotIndex> {
  const started = Date.now();
  mkdirSync(build.cacheDir, { recursive: true });
  const base = findPreviousSnapshot(build.cacheDir, build.seq);
  let fullBuildBecause = 'no earlier snapshot in the cache';
  if (base !== undefined) {
    try {
      return await writeMergedSnapshot(build, base, started);
    } catch (error) {
      if (!(error instanceof MergeNotPossible)) throw error;
      fullBuildBecause = error.message;
    }
  }
  let people = 0;
  const pageSize = build.pageSize ?? MAX_PAGE_SIZE;
  async function* pages(): AsyncGenerator<readonly SyncedPerson[]> {
    let after: string | undefined;
    for (;;) {
      const page = await build.storage.snapshotPage(build.seq, after, pageSize);
      people += page.length;
      yield page;
      if (page.length < pageSize) return;
      after = page.at(-1)?.id12;
      await nextTurn();
    }
  }
  const chunks = encodePages(pages(), { kind: 'snapshot', fromSeq: 0, toSeq: build.seq }, build.signer, build.chunking, zlibDeflate);
  return writeChunks(build, chunks, () => ({ people, buildMs: Date.now() - started, fullBuildBecause }));
}

async function writeMergedSnapshot(build: SnapshotBuildRequest, base: SnapshotIndex, started: number): Promise<SnapshotIndex> {
  const baseData = await open(join(build.cacheDir, base.dataFile), 'r');
  try {
    let people = 0;
    let keptChunks = 0;
    const chunks = mergedSnapshotChunks({
      storage: build.storage,
      signer: build.signer,
      base,
      baseData,
      seq: build.seq,
      pageSize: build.pageSize ?? MAX_PAGE_SIZE,
      chunking: build.chunking ?? {},
      onChunk: (count, kept) => {
        people += count;
        if (kept) keptChunks += 1;
      },
    });
    return await writeChunks(build, chunks, () => ({ people, buildMs: Date.now() - started, mergedFrom: base.seq, keptChunks }));
  } finally {
    await baseData.close();
  }
}

/** Writes a snapshot's chunks to its data file, then its index (the header comment's order). */
async function writeChunks(
  build: SnapshotBuildRequest,
  chunks: AsyncIterable<Uint8Array>,
  outcome: () => Pick<SnapshotIndex, 'people' | 'buildMs' | 'mergedFrom' | 'keptChunks' | 'fullBuildBecause'>,
): Promise<SnapshotIndex> {
  const dataFile = `snapshot-${build.seq}-${build.buildId}.chsy`;
  const dataPath = join(build.cacheDir, dataFile);
  const tempData = `${dataPath}${TEMP_SUFFIX}`;
  const tempIndex = join(build.cacheDir, `${indexName(build.seq)}.${build.buildId}${TEMP_SUFFIX}`);
  const offsets = [0];
  try {
    const data = await open(tempData, 'wx', 0o600);
    try {
      // Written in batches: one write per chunk would cost more than encoding small chunks.
      let batch: Uint8Array[] = [];
      let batched = 0;
      const flush = async (): Promise<void> => {
        if (batched > 0) await data.write(Buffer.concat(batch, batched));
        batch = [];
        batched = 0;
      };
      for await (const chunk of chunks) {
        if (build.cancelled?.() === true) throw new Error('snapshot build cancelled');
        batch.push(chunk);
        batched += chunk.length;
        offsets.push((offsets.at(-1) as number) + chunk.length);
        if (batched >= WRITE_BATCH_BYTES) await flush();
      }
      await flush();
      await data.sync();
    } finally {
      await data.close();
    }
    await rename(tempData, dataPath);
    const chunkRecords = build.chunking?.maxRecords ?? DEFAULT_CHUNK_RECORDS;
    const index: SnapshotIndex = { format: INDEX_FORMAT, seq: build.seq, keyId: build.signer.keyId, dataFile, offsets, chunkRecords, ...outcome() };
    const indexHandle = await open(tempIndex, 'wx', 0o600);
    try {
      await indexHandle.writeFile(`${JSON.stringify(index)}\n`);
      await indexHandle.sync();
    } finally {
      await indexHandle.close();
    }
    await rename(tempIndex, join(build.cacheDir, indexName(build.seq)));
    return index;
  } catch (error) {
    await Promise.all([tempData, tempIndex, dataPath].map((file) => rm(file, { force: true })));
    throw error;
  }
}

/** The newest complete snapshot in the cache before `seq`, whatever its key (the merge checks that), without removing anything. */
export function findPreviousSnapshot(cacheDir: string, seq: number): SnapshotIndex | undefined {
  if (!existsSync(cacheDir)) return undefined;
  let newest: SnapshotIndex | undefined;
  for (const name of readdirSync(cacheDir)) {
    const indexSeq = Number(INDEX_PATTERN.exec(name)?.[1] ?? Number.NaN);
    if (!(indexSeq < seq) || (newest !== undefined && indexSeq <= newest.seq)) continue;
    newest = readIndex(cacheDir, name) ?? newest;
  }
  return newest;
}

/** Removes what a cancelled or crashed build with this id left behind. */
export function removeBuildLeftovers(cacheDir: string, buildId: string): void {
  if (!existsSync(cacheDir)) return;
  for (const name of readdirSync(cacheDir)) {
    if (name.includes(`-${buildId}.chsy`) || name.endsWith(`.${buildId}${TEMP_SUFFIX}`)) rmSync(join(cacheDir, name), { force: true });
  }
}

/**
 * The complete snapshots in the cache signed by `keyId` and not above `maxSeq` (a higher
 * one was built before the hub's database was restored from a backup), newest first.
 * Everything else — temporary files, data files no index names, indexes of another key or
 * of a missing or short data file — is removed.
 */
export function loadCachedSnapshots(cacheDir: string, keyId: string, maxSeq: number): SnapshotIndex[] {
  if (!existsSync(cacheDir)) return [];
  const kept: SnapshotIndex[] = [];
  for (const name of readdirSync(cacheDir)) {
    if (!INDEX_PATTERN.test(name)) continue;
    const index = readIndex(cacheDir, name);
    if (index !== undefined && index.keyId === keyId && index.seq <= maxSeq) kept.push(index);
    else rmSync(join(cacheDir, name), { force: true });
  }
  const named = new Set(kept.map((index) => index.dataFile));
  for (const name of readdirSync(cacheDir)) {
    if (!INDEX_PATTERN.test(name) && !named.has(name)) rmSync(join(cacheDir, name), { force: true });
  }
  return kept.sort((a, b) => b.seq - a.seq);
}

/** Deletes a snapshot: the index first, so it is never found half deleted. A download in progress keeps its open file. */
export function removeSnapshot(cacheDir: string, index: SnapshotIndex): void {
  rmSync(join(cacheDir, indexName(index.seq)), { force: true });
  rmSync(join(cacheDir, index.dataFile), { force: true });
}

function readIndex(cacheDir: string, name: string): SnapshotIndex | undefined {
  try {
    const index = JSON.parse(readFileSync(join(cacheDir, name), 'utf8')) as SnapshotIndex;
    const seq = Number(INDEX_PATTERN.exec(name)?.[1]);
    const offsets = index.offsets;
    const valid =
      index.format === INDEX_FORMAT &&
      index.seq === seq &&
      typeof index.dataFile === 'string' &&
      /^snapshot-\d+-[0-9a-z]+\.chsy$/.test(index.dataFile) &&
      Array.isArray(offsets) &&
      offsets.length >= 2 &&
      offsets[0] === 0 &&
      offsets.every((offset, i) => Number.isSafeInteger(offset) && (i === 0 || offset > (offsets[i - 1] as number))) &&
      (index.chunkRecords === undefined || Number.isSafeInteger(index.chunkRecords));
    if (!valid) return undefined;
    // The data file must be exactly as long as the index says: anything else is not the file it names.
    return statSync(join(cacheDir, index.dataFile)).size === offsets.at(-1) ? index : undefined;
  } catch {
    return undefined;
  }
}
