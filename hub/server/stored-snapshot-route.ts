import { once } from 'node:events';
import type { ArtefactSnapshot } from '../../domain/sync/artefact-index.js';
import { HUB_HEADERS, SYNC_CONTENT_TYPE } from '../../domain/protocol/hub-headers.js';
import type { Exchange, HubContext } from './hub-context.js';
import type { SnapshotChunkSource } from './scoped-snapshot.js';
import { snapshotHead } from './snapshot-answer.js';
import { writeOkHead } from './http-responses.js';

/**
 * The snapshot the artefact store's index names, when it is newer than any this process
 * built (a process that is not the builder builds none) and is the one asked for.
 */
export async function storedSnapshotFor(hub: HubContext, asked: number | undefined): Promise<ArtefactSnapshot | undefined> {
  if (hub.artefacts === undefined) return undefined;
  const stored = (await hub.artefacts.reader.index())?.snapshot ?? undefined;
  if (stored === undefined || stored === null) return undefined;
  if (asked !== undefined) return asked === stored.seq && hub.snapshots.find(asked) === undefined ? stored : undefined;
  const local = hub.snapshots.newest();
  return local === undefined || stored.seq > local.seq ? stored : undefined;
}

/** `GET /v1/snapshot` answered from the artefact store's chunks, one object at a time, as from the cache file. */
export async function sendStoredSnapshot(hub: HubContext, exchange: Exchange, snapshot: ArtefactSnapshot, from: number): Promise<void> {
  const reader = hub.artefacts?.reader;
  if (reader === undefined) throw new Error('no artefact store');
  const headers = snapshotHead(exchange, { seq: snapshot.seq, chunks: snapshot.chunks.length, from });
  if (headers === undefined) return;
  const wanted = snapshot.chunks.slice(from);
  // The first chunk is read before answering: a store that lost the snapshot is an error, not a cut 200.
  let next = await reader.snapshotChunk(snapshot, from);
  // A stored chunk and the API's differ only in their header: the same length.
  const length = wanted.reduce((sum, ref) => sum + ref.bytes, 0);
  writeOkHead(exchange.response, { ...headers, [HUB_HEADERS.contentType]: SYNC_CONTENT_TYPE, 'Content-Length': String(length) });
  const response = exchange.response;
  try {
    for (let i = from + 1; ; i++) {
      if (!response.write(next)) await once(response, 'drain');
      if (i >= snapshot.chunks.length) break;
      next = await reader.snapshotChunk(snapshot, i);
    }
    response.end();
  } catch {
    // The kiosk went away, or a chunk vanished mid-answer: the cut body tells the kiosk to resume with from=.
    response.destroy();
  }
}

/** The stored snapshot's chunks, one object each, for deriving a scoped kiosk's snapshot from them. */
export function storedSnapshotChunks(hub: HubContext, snapshot: ArtefactSnapshot): SnapshotChunkSource {
  const reader = hub.artefacts?.reader;
  if (reader === undefined) throw new Error('no artefact store');
  return { seq: snapshot.seq, count: snapshot.chunks.length, read: (i) => reader.snapshotChunk(snapshot, i) };
}
