import { open, type FileHandle } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import type { Exchange, HubContext } from './hub-context.js';
import { HttpError, integerParameter, matchesEtag, sendNotModified, writeOkHead } from './http-responses.js';
import { chunkCount } from './snapshot-files.js';
import { snapshotHead } from './snapshot-answer.js';
import { sendStoredSnapshot, storedSnapshotChunks, storedSnapshotFor } from './stored-snapshot-route.js';
import { cachedSnapshotChunks, type ScopedSnapshot, type SnapshotChunkSource } from './scoped-snapshot.js';
import { scopeKey } from '../../domain/sync/province-scope.js';
import { deltaEtag, HUB_HEADERS, SYNC_CONTENT_TYPE } from '../../domain/protocol/hub-headers.js';

/** Read-ahead per download: a few chunks' worth at most in memory per kiosk. */
const STREAM_BUFFER_BYTES = 256 * 1024;

/**
 * `GET /v1/snapshot[?seq=S][&from=I]`: the snapshot's chunks from index I, streamed from the
 * cache file by byte offset (a 10-million-person snapshot is ~200 MB: never read whole).
 */
export async function handleSnapshot(hub: HubContext, exchange: Exchange): Promise<void> {
  const asked = integerParameter(exchange.query, 'seq');
  const from = integerParameter(exchange.query, 'from') ?? 0;
  const scope = exchange.device?.scope;
  const stored = await storedSnapshotFor(hub, asked);
  if (stored !== undefined) {
    // A scoped kiosk takes its provinces' people only, derived from the store's chunks as from the cache file.
    if (scope === undefined) await sendStoredSnapshot(hub, exchange, stored, from);
    else await sendScopedSnapshot(hub, exchange, storedSnapshotChunks(hub, stored), scope, from);
    return;
  }
  const newest = hub.snapshots.newest();
  if (newest === undefined) {
    const seconds = hub.snapshots.retryAfterSeconds();
    throw new HttpError('snapshot-building', `the hub's first snapshot is being built: try again in ${seconds} s`, {
      [HUB_HEADERS.retryAfter]: String(seconds),
    });
  }
  const index = asked === undefined ? newest : hub.snapshots.find(asked);
  if (index === undefined) throw gone(asked as number, newest);
  if (scope !== undefined) {
    await sendScopedSnapshot(hub, exchange, cachedSnapshotChunks(hub.snapshots.pathOf(index), index), scope, from);
    return;
  }
  const headers = snapshotHead(exchange, { seq: index.seq, chunks: chunkCount(index), from });
  if (headers === undefined) return;
  // Opened before answering: a snapshot deleted since it was looked up is gone, not a 500.
  let file: FileHandle;
  try {
    file = await open(hub.snapshots.pathOf(index), 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw gone(index.seq, hub.snapshots.newest() ?? newest);
    throw error;
  }
  const start = index.offsets[from] as number;
  const end = index.offsets.at(-1) as number;
  writeOkHead(exchange.response, { ...headers, [HUB_HEADERS.contentType]: SYNC_CONTENT_TYPE, 'Content-Length': String(end - start) });
  try {
    await pipeline(file.createReadStream({ start, end: end - 1, highWaterMark: STREAM_BUFFER_BYTES }), exchange.response);
  } catch {
    // The kiosk went away mid-download (it resumes with from=): the streams are destroyed, nothing to answer.
  }
}

/**
 * A scoped kiosk's snapshot (its enrolment's provinces): the same sequence with only its
 * people, built once per (sequence, scope) from the full snapshot and served from memory.
 * Its ETag names the scope, so a kiosk whose scope changed never takes one for the other.
 */
async function sendScopedSnapshot(hub: HubContext, exchange: Exchange, source: SnapshotChunkSource, scope: readonly string[], from: number): Promise<void> {
  const index = { seq: source.seq };
  let scoped: ScopedSnapshot;
  try {
    scoped = await hub.scopedSnapshot(source, scope);
  } catch (error) {
    // Pruned while it was read: as for a full snapshot, the kiosk starts over on the newest.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw gone(index.seq, hub.snapshots.newest() ?? index);
    throw error;
  }
  const headers = snapshotHead(exchange, { seq: index.seq, chunks: scoped.offsets.length - 1, from, etag: `"snapshot-${index.seq}-${scopeKey(scope)}"` });
  if (headers === undefined) return;
  const body = scoped.body.subarray(scoped.offsets[from] as number);
  writeOkHead(exchange.response, { ...headers, [HUB_HEADERS.contentType]: SYNC_CONTENT_TYPE, 'Content-Length': String(body.length) });
  exchange.response.end(body);
}

function gone(seq: number, newest: { readonly seq: number }): HttpError {
  return new HttpError('snapshot-gone', `the snapshot at sequence ${seq} is no longer kept: download the newest (sequence ${newest.seq}) from chunk 0`);
}

/**
 * `GET /v1/delta?since=F`: everyone changed in (F, T], T the current sequence; built once
 * per (F, T) and cached (hub-server.ts), so a crowd of kiosks at one watermark costs one build.
 */
export async function handleDelta(hub: HubContext, exchange: Exchange): Promise<void> {
  const since = integerParameter(exchange.query, 'since');
  if (since === undefined) throw new HttpError('bad-request', 'since=F is needed: the sequence the kiosk has applied');
  const to = await hub.storage.currentSeq();
  hub.watcher.observe(to);
  if (since > to) {
    throw new HttpError(
      'ahead-of-hub',
      `the kiosk has data up to sequence ${since}, but this hub is at ${to}: was the hub restored from an older backup? An operator must look; the kiosk keeps its newer data`,
    );
  }
  const scope = exchange.device?.scope ?? null;
  // A scoped kiosk's delta has fewer people: its ETag names the scope, so no cache mixes the two.
  const etag = scope === null ? deltaEtag(since, to) : `"delta-${since}-${to}-${scopeKey(scope)}"`;
  const headers = { [HUB_HEADERS.etag]: etag, [HUB_HEADERS.seq]: String(to) };
  if (matchesEtag(exchange.request, etag)) {
    sendNotModified(exchange.response, etag, headers);
    return;
  }
  const delta = await hub.delta(since, to, scope);
  if (delta.kind === 'too-large') {
    throw new HttpError('delta-too-large', `more than ${hub.maxDeltaPeople} people changed since sequence ${since}: download the snapshot instead`);
  }
  writeOkHead(exchange.response, {
    ...headers,
    [HUB_HEADERS.chunks]: String(delta.chunks),
    [HUB_HEADERS.contentType]: SYNC_CONTENT_TYPE,
    'Content-Length': String(delta.body.length),
  });
  exchange.response.end(delta.body);
}
