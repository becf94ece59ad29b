import { parentPort, workerData } from 'node:worker_threads';
import { ingestUpload } from '../entries/upload-ingest.js';
import { loadOrCreateHubSigningKey } from '../keys/hub-signing-key.js';
import type { HubStorage } from '../storage/hub-storage.js';
import { openHubStorage } from '../storage/open-hub-storage.js';
import type { BuildReply, BuildRequest, BuildStop, BuildWorkerData } from './build-worker-protocol.js';
import { buildDelta } from './delta-builder.js';
import { writeSnapshotFile } from './snapshot-files.js';
import { messageOf } from '../../platform/message-of.js';

/**
 * A build worker thread: reads people from the storage and encodes, compresses and signs
 * them into chunks — a snapshot into the cache (about a minute of CPU for 10 million
 * people), or a delta handed back whole — off the thread that answers kiosks. It has its own
 * storage connection (a SQLite reader or a small PostgreSQL pool, opened on the first build)
 * and its own copy of the signing key, and runs its jobs one after another. The server keeps
 * one for snapshots and one for deltas, so a long snapshot never holds a delta up, and a
 * third, with a memory cap, that decodes and stores uploads (a hostile body costs that
 * thread, never the one answering sync requests; a backlog of uploads waits on that
 * thread's connections, never on the server's).
 */
const data = workerData as BuildWorkerData;
const port = parentPort;
if (port === null) throw new Error('build-worker runs as a worker thread');

let opened: Promise<HubStorage> | undefined;
const storage = (): Promise<HubStorage> => {
  // A failed open is not kept: the next job tries again (the database may be back).
  opened ??= openHubStorage(data.location).catch((error: unknown) => {
    opened = undefined;
    throw error;
  });
  return opened;
};
// The delta worker builds what a new sequence's announcement waits for: its connection is
// opened now, not on that first build (on PostgreSQL a migration check under a lock all the
// hub's processes take).
if (data.openStorageAtStart === true) storage().catch(() => undefined);
const signer = loadOrCreateHubSigningKey(data.keyDir);
let queue: Promise<void> = Promise.resolve();
/** Uploads under way: each its own transaction, so several kiosks' go on at once (up to the pool's size). */
const uploads = new Set<Promise<void>>();

async function run(request: BuildRequest): Promise<void> {
  const { id } = request;
  try {
    if (request.type === 'upload') {
      const { body, encoding, kioskId, context } = request;
      const result = await ingestUpload((await storage()).entries, { body, encoding, kioskId, context });
      port?.postMessage({ type: 'done', id, result } satisfies BuildReply);
      return;
    }
    if (request.type === 'snapshot') {
      const index = await writeSnapshotFile({
        storage: await storage(),
        signer,
        cacheDir: data.cacheDir,
        seq: request.seq,
        buildId: request.buildId,
        pageSize: request.pageSize,
        chunking: request.chunking,
      });
      port?.postMessage({ type: 'done', id, result: index } satisfies BuildReply);
      return;
    }
    const delta = await buildDelta(await storage(), signer, request.from, request.to, {
      maxPeople: request.maxPeople,
      pageSize: request.pageSize,
      chunking: request.chunking,
      scope: request.scope,
    });
    if (delta.kind === 'too-large') {
      port?.postMessage({ type: 'done', id, result: delta } satisfies BuildReply);
      return;
    }
    // A copy with a buffer of its own, moved rather than cloned (a small Buffer may share the pool's).
    const body = new Uint8Array(delta.body);
    port?.postMessage({ type: 'done', id, result: { ...delta, body: Buffer.from(body.buffer) } } satisfies BuildReply, [body.buffer]);
  } catch (error) {
    port?.postMessage({ type: 'failed', id, message: messageOf(error) } satisfies BuildReply);
  }
}

port.on('message', (message: BuildRequest | BuildStop | { readonly type: 'close' }) => {
  if (message.type === 'stop') {
    // A message is handled between tasks, never inside one: the builds' zlib calls are whole.
    process.exit(0);
  }
  if (message.type === 'close') {
    // Finish what was asked, close the storage, and let the thread end.
    queue = queue
      .then(() => Promise.all(uploads))
      .then(async () => (opened === undefined ? undefined : (await opened).close()))
      .then(() => port.close());
    return;
  }
  if (message.type === 'upload') {
    // Not queued behind one another: one kiosk's upload waiting on its chain's lock (or a
    // big batch being written) must not hold up other kiosks' uploads.
    const running = run(message).finally(() => uploads.delete(running));
    uploads.add(running);
    return;
  }
  queue = queue.then(() => run(message));
});
port.postMessage({ type: 'ready' } satisfies BuildReply);
