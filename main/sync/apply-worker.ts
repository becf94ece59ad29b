import { parentPort, workerData } from 'node:worker_threads';
import { ChunkStreamVerifier, type VerifiedChunk } from '../../domain/sync/chunk-stream-verifier.js';
import type { SyncKind } from '../../domain/sync/sync-chunk.js';
import { SyncError } from '../../domain/sync/sync-error.js';
import { openFactsDatabase } from '../store/facts-database.js';
import { hubKeyStoreFromKeys } from '../trust/hub-key-store.js';
import { FactsSyncWriter } from './facts-sync-writer.js';
import type { ApplyWorkerData, ChunkApplied, WorkerReply, WorkerRequest } from './worker-protocol.js';
import { messageOf } from '../../platform/message-of.js';

/**
 * The sync applier's worker thread: verifies and applies chunks on its own connection to
 * the facts database (WAL, so the scan path's reads on the main thread never wait for it;
 * the entry log is in another file, so its commits never wait either).
 * Inflating, checking and inserting 10 million people is seconds of CPU that must not
 * sit between a scan and its verdict.
 */
const data = workerData as ApplyWorkerData;
const port = parentPort;
if (port === null) throw new Error('apply-worker runs as a worker thread');

// SQLite's default page cache (2 MB): measured, a 32 MB cache made neither the load, the
// index builds nor a delta faster, and cost 65 MB of peak RSS at 1 million people.
const db = openFactsDatabase(data.factsDatabaseFile, data.atRestKey);
const writer = new FactsSyncWriter(db);
const keys = hubKeyStoreFromKeys(data.hubKeys);

interface Stream {
  readonly kind: SyncKind;
  readonly verifier: ChunkStreamVerifier;
  readonly delta: VerifiedChunk[];
  deltaRecords: number;
}
let stream: Stream | undefined;

function handle(request: WorkerRequest): WorkerReply {
  switch (request.type) {
    case 'position':
      return { id: request.id, ok: true, position: writer.position() };
    case 'begin':
      stream = { kind: request.kind, verifier: new ChunkStreamVerifier(request.kind, writer.position(), keys, request.placement), delta: [], deltaRecords: 0 };
      return { id: request.id, ok: true };
    case 'chunk': {
      if (stream === undefined) throw new Error('a chunk before begin');
      return { id: request.id, ok: true, chunk: applyChunk(stream, request.bytes) };
    }
    case 'confirm-current':
      return { id: request.id, ok: true, confirmed: writer.confirmCurrent(request.seq) };
    case 'close':
      db.close();
      return { id: request.id, ok: true };
  }
}

function applyChunk(current: Stream, bytes: Uint8Array): ChunkApplied {
  const chunk = current.verifier.accept(bytes);
  let watermark: number | undefined;
  if (current.kind === 'snapshot') {
    watermark = writer.writeSnapshotChunk(chunk);
  } else {
    current.deltaRecords += chunk.records.count;
    if (current.deltaRecords > data.maxDeltaRecords) {
      throw new SyncError('sync.too-large', `delta of more than ${data.maxDeltaRecords} people: fetch a snapshot instead`);
    }
    current.delta.push(chunk);
    if (chunk.final) watermark = writer.applyDelta(current.delta);
  }
  if (chunk.final) stream = undefined;
  return {
    index: chunk.header.index,
    records: chunk.records.count,
    final: chunk.final,
    startedAt: current.verifier.startedAt ?? chunk.header.index,
    ...(watermark === undefined ? {} : { watermark }),
  };
}

port.on('message', (request: WorkerRequest) => {
  let reply: WorkerReply;
  try {
    reply = handle(request);
  } catch (error) {
    // A refused chunk ends its stream: the next apply begins afresh (a held delta is dropped).
    if (request.type === 'chunk') stream = undefined;
    reply =
      error instanceof SyncError
        ? { id: request.id, ok: false, code: error.code, message: error.message }
        : { id: request.id, ok: false, code: 'sync.store', message: messageOf(error) };
  }
  port.postMessage(reply);
});
port.postMessage({ type: 'ready' } satisfies WorkerReply);
