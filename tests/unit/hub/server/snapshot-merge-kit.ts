import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HEADER_BYTES, parseChunkHeader, type ChunkHeader } from '../../../../domain/sync/sync-chunk.js';
import type { ChangedPerson, SyncedPerson } from '../../../../domain/sync/synced-person.js';
import type { SnapshotSigner } from '../../../../hub/server/incremental-snapshot.js';
import { newBuildId, writeSnapshotFile, type SnapshotIndex } from '../../../../hub/server/snapshot-files.js';
import type { HubStorage } from '../../../../hub/storage/hub-storage.js';
import { tempDataDir } from '../../../support/kiosk-process.js';
import { readChunks } from './hub-test-kit.js';

/**
 * The change feed of a hub held in memory, with the two reads a snapshot build makes
 * (snapshotPage, changedSince) answering as the storage contract says: latest state only,
 * ID order, keyset pages. Lets a test place people exactly at chunk boundaries.
 */
export class MemoryPeople {
  private readonly byId = new Map<string, ChangedPerson>();
  seq = 0;

  /** One import: everyone in `changed` gets the next sequence. */
  apply(changed: Iterable<SyncedPerson>): number {
    this.seq += 1;
    for (const person of changed) this.byId.set(person.id12, { ...person, seq: this.seq });
    return this.seq;
  }

  private sorted(): ChangedPerson[] {
    return [...this.byId.values()].sort((a, b) => (a.id12 < b.id12 ? -1 : 1));
  }

  readonly storage = {
    snapshotPage: async (atSeq: number, after: string | undefined, limit: number): Promise<SyncedPerson[]> =>
      this.sorted()
        .filter((p) => p.seq <= atSeq && (after === undefined || p.id12 > after))
        .slice(0, limit)
        .map(({ seq: _seq, ...person }) => person),
    changedSince: async (since: number, after: string | undefined, limit: number): Promise<ChangedPerson[]> =>
      this.sorted()
        .filter((p) => p.seq > since && (after === undefined || p.id12 > after))
        .slice(0, limit),
  } as unknown as HubStorage;
}

export interface BuiltSnapshot {
  readonly index: SnapshotIndex;
  readonly people: SyncedPerson[];
  readonly chunks: readonly Uint8Array[];
}

/** Builds the snapshot at `seq` into `cacheDir` (merged when an earlier one is there) and reads it back as a kiosk would. */
export async function buildSnapshot(
  storage: HubStorage,
  signer: SnapshotSigner,
  cacheDir: string,
  seq: number,
  maxRecords: number,
  pageSize = 100,
): Promise<BuiltSnapshot> {
  const index = await writeSnapshotFile({ storage, signer, cacheDir, seq, buildId: newBuildId(), pageSize, chunking: { maxRecords } });
  const body = readFileSync(join(cacheDir, index.dataFile));
  const read = await readChunks(body, 'snapshot', Buffer.from(signer.publicKeyRaw).toString('base64'));
  if (!read.complete || read.toSeq !== seq) throw new Error(`snapshot at ${seq} did not verify to its final chunk`);
  const chunks = index.offsets.slice(1).map((end, i) => body.subarray(index.offsets[i], end));
  return { index, people: read.people, chunks };
}

/** The same sequence built from the database alone, in a cache of its own. */
export const fullBuild = (storage: HubStorage, signer: SnapshotSigner, seq: number, maxRecords: number): Promise<BuiltSnapshot> =>
  buildSnapshot(storage, signer, tempDataDir('chot-full-snapshot-'), seq, maxRecords);

export const headerOf = (chunk: Uint8Array): ChunkHeader => parseChunkHeader(chunk);
export const compressedBody = (chunk: Uint8Array): Buffer => {
  const header = parseChunkHeader(chunk);
  return Buffer.from(chunk.subarray(HEADER_BYTES, HEADER_BYTES + header.compressedLength));
};
export const rangesOf = (built: BuiltSnapshot): string[] => built.chunks.map((chunk) => `${headerOf(chunk).rangeStart}-${headerOf(chunk).rangeEnd}`);
