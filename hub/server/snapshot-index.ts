/**
 * The index of one snapshot in the cache (snapshot-files.ts), on its own so that the merge
 * (incremental-snapshot.ts), which snapshot-files.ts runs, can read it without a cycle.
 */
export interface SnapshotIndex {
  readonly format: number;
  readonly seq: number;
  /** The hub key the chunks are signed with: a snapshot signed by a replaced key is rebuilt. */
  readonly keyId: string;
  /** The data file's name in the cache directory. */
  readonly dataFile: string;
  readonly people: number;
  /** Where each chunk starts, plus the file's length last: chunk i is [offsets[i], offsets[i+1]). */
  readonly offsets: readonly number[];
  /** How long the build took, for the Retry-After estimate of the next one. */
  readonly buildMs: number;
  /** People per chunk the snapshot was cut with: one cut otherwise is not merged into (absent in older caches). */
  readonly chunkRecords?: number;
  /** The earlier snapshot this one was merged from; absent for a build from the database. */
  readonly mergedFrom?: number;
  /** Of a merged snapshot, the earlier chunks no change fell into: same range and compressed bytes, header signed again. */
  readonly keptChunks?: number;
  /** Of a build from the database, why the earlier one could not be merged (for the log). */
  readonly fullBuildBecause?: string;
}
