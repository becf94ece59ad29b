import { join } from 'node:path';
import { chunkCount, loadCachedSnapshots, newBuildId, removeSnapshot, type SnapshotIndex } from './snapshot-files.js';
import type { SnapshotRunner } from './snapshot-runner.js';
import { messageOf } from '../../platform/message-of.js';
import type { Logger } from '../../platform/logging/logger.js';

export interface SnapshotCacheOptions {
  readonly cacheDir: string;
  readonly runner: SnapshotRunner;
  readonly log: Logger;
  /** How many snapshots stay on disk: the newest, and the one before for downloads under way. */
  readonly keep?: number;
  /** Wait after a failed build before the next try. */
  readonly retryMs?: number;
  /** Awaited before each build starts (tests hold a build back with it). */
  readonly beforeBuild?: ((seq: number) => Promise<void> | void) | undefined;
  /** Told each build's time once it is ready (the metrics). */
  readonly onBuilt?: ((buildMs: number) => void) | undefined;
  /** Told each snapshot once it is ready, with its data file: the artefact publisher's hook. */
  readonly onReady?: ((index: SnapshotIndex, path: string) => void) | undefined;
  /**
   * Whether this process builds snapshots now: with several hub processes on one database
   * only the elected builder does (hub/artefacts/builder-lease.ts). Default: always.
   */
  readonly mayBuild?: (() => boolean) | undefined;
}

const builtFrom = (index: SnapshotIndex): string =>
  index.mergedFrom !== undefined
    ? `(merged from sequence ${index.mergedFrom}, ${index.keptChunks ?? 0} chunks kept as they were)`
    : `(from the database: ${index.fullBuildBecause ?? 'a full build'})`;

/** Retry-After when nothing better is known: a first snapshot of a small hub takes seconds. */
const DEFAULT_RETRY_SECONDS = 5;
const MAX_RETRY_SECONDS = 60;

/**
 * The snapshots a kiosk can download. Each sequence's snapshot is built once, in the
 * background, one build at a time; sequences that pass during a build are coalesced into
 * one build of the newest when it ends. The two newest are kept (on disk, listed here);
 * older ones are deleted — a kiosk still downloading one keeps its open file and finishes.
 */
export class SnapshotCache {
  /** Newest first. */
  private ready: SnapshotIndex[];
  private building: { readonly seq: number; readonly startedAt: number } | undefined;
  private wanted: number | undefined;
  private retry: { readonly timer: NodeJS.Timeout; readonly at: number } | undefined;
  private closed = false;
  private readonly waiters = new Set<{ readonly atLeast: number; resolve(seq: number): void; reject(error: Error): void }>();
  private readonly keep: number;

  /** Opens the cache, keeping what a previous run completed (up to `currentSeq`, signed by `keyId`). */
  constructor(
    private readonly options: SnapshotCacheOptions,
    keyId: string,
    currentSeq: number,
  ) {
    this.keep = options.keep ?? 2;
    this.ready = loadCachedSnapshots(options.cacheDir, keyId, currentSeq);
    this.prune();
  }

  newest(): SnapshotIndex | undefined {
    return this.ready[0];
  }

  find(seq: number): SnapshotIndex | undefined {
    return this.ready.find((index) => index.seq === seq);
  }

  pathOf(index: SnapshotIndex): string {
    return join(this.options.cacheDir, index.dataFile);
  }

  /** This process may build now (it became the builder): build what is wanted. */
  buildingAllowed(): void {
    this.kick();
  }

  /** The hub's sequence is now `seq`: build its snapshot unless it exists. */
  want(seq: number): void {
    this.wanted = Math.max(this.wanted ?? seq, seq);
    this.kick();
  }

  /** The database went back to `seq` (a restored backup): snapshots above it describe lost data. */
  restored(seq: number): void {
    this.wanted = seq;
    for (const index of this.ready.filter((i) => i.seq > seq)) removeSnapshot(this.options.cacheDir, index);
    this.ready = this.ready.filter((i) => i.seq <= seq);
    this.kick();
  }

  /** Seconds a kiosk should wait for the next snapshot, from how long the last build took. */
  retryAfterSeconds(now = Date.now()): number {
    let ms: number | undefined;
    if (this.retry !== undefined) ms = this.retry.at - now;
    else if (this.building !== undefined && this.ready[0] !== undefined) ms = this.ready[0].buildMs - (now - this.building.startedAt);
    const seconds = ms === undefined || ms <= 0 ? DEFAULT_RETRY_SECONDS : Math.ceil(ms / 1000);
    return Math.min(MAX_RETRY_SECONDS, Math.max(1, seconds));
  }

  /** Resolves with the newest ready sequence once it is at least `atLeast`. */
  whenReady(atLeast = 0): Promise<number> {
    const newest = this.ready[0];
    if (newest !== undefined && newest.seq >= atLeast) return Promise.resolve(newest.seq);
    if (this.closed) return Promise.reject(new Error('the hub server is closed'));
    return new Promise((resolve, reject) => this.waiters.add({ atLeast, resolve, reject }));
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retry !== undefined) clearTimeout(this.retry.timer);
    for (const waiter of this.waiters) waiter.reject(new Error('the hub server closed before the snapshot was ready'));
    this.waiters.clear();
    await this.options.runner.cancel();
  }

  private kick(): void {
    const seq = this.wanted;
    if (this.closed || this.building !== undefined || this.retry !== undefined || seq === undefined || this.find(seq) !== undefined) return;
    if (this.options.mayBuild?.() === false) return;
    this.building = { seq, startedAt: Date.now() };
    void this.build(seq);
  }

  private async build(seq: number): Promise<void> {
    try {
      await this.options.beforeBuild?.(seq);
      if (this.closed) return;
      const index = await this.options.runner.build(seq, newBuildId());
      if (this.closed) return; // complete on disk: the next start serves it
      if (!this.add(index)) return;
      this.options.onBuilt?.(index.buildMs);
      this.options.onReady?.(index, this.pathOf(index));
      const bytes = index.offsets.at(-1) ?? 0;
      this.options.log.info(
        `snapshot at sequence ${seq} ready: ${index.people} people, ${chunkCount(index)} chunks, ${bytes} bytes, built in ${index.buildMs} ms ${builtFrom(index)}`,
      );
    } catch (error) {
      if (this.closed) return;
      const retryMs = this.options.retryMs ?? 10_000;
      this.options.log.warn(`snapshot at sequence ${seq} failed (next try in ${retryMs} ms): ${messageOf(error)}`);
      this.retry = {
        at: Date.now() + retryMs,
        timer: setTimeout(() => {
          this.retry = undefined;
          this.kick();
        }, retryMs),
      };
    } finally {
      this.building = undefined;
      this.kick();
    }
  }

  /** False when the snapshot was not kept. */
  private add(index: SnapshotIndex): boolean {
    // Built before the database was restored to an older sequence: it describes lost data.
    if (this.wanted !== undefined && index.seq > this.wanted) {
      removeSnapshot(this.options.cacheDir, index);
      return false;
    }
    this.ready = [index, ...this.ready.filter((i) => i.seq !== index.seq)].sort((a, b) => b.seq - a.seq);
    this.prune();
    const newest = this.ready[0];
    if (newest === undefined) return true;
    for (const waiter of this.waiters) {
      if (newest.seq < waiter.atLeast) continue;
      this.waiters.delete(waiter);
      waiter.resolve(newest.seq);
    }
    return true;
  }

  private prune(): void {
    for (const index of this.ready.slice(this.keep)) {
      try {
        removeSnapshot(this.options.cacheDir, index);
      } catch (error) {
        this.options.log.warn(`could not delete the old snapshot at sequence ${index.seq}: ${messageOf(error)}`);
      }
    }
    this.ready = this.ready.slice(0, this.keep);
  }
}
