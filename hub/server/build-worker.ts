import { parentPort, workerData } from 'node:worker_threads';
import { decodeUpload } from '../entries/upload-body.js';
import { loadOrCreateHubSigningKey } from '../keys/hub-signing-key.js';
import type { HubStorage } from '../storage/hub-storage.js';
import { openHubStorage } from '../storage/open-hub-storage.js';
import type { BuildReply, BuildRequest, BuildWorkerData } from './build-worker-protocol.js';
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
 * third, with a memory cap, that decodes uploads (a hostile body costs that thread, never
 * the one answering sync requests).
 */
const data = workerData as BuildWorkerData;
const port = parentPort;
if (port === null) throw new Error('build-worker runs as a worker thread');

let opened: Promise<HubStorage> | undefined;
const storage = (): Promise<HubStorage> => (opened ??= openHubStorage(data.location));
const signer = loadOrCreateHubSigningKey(data.keyDir);
let queue: Promise<void> = Promise.resolve();

async function run(request: BuildRequest): Promise<void> {
  const { id } = request;
  try {
    if (request.type === 'upload') {
      port?.postMessage({ type: 'done', id, result: decodeUpload(request.body, request.encoding) } satisfies BuildReply);
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

port.on('message', (message: BuildRequest | { readonly type: 'close' }) => {
  if (message.type === 'close') {
    // Finish what was asked, close the storage, and let the thread end.
    queue = queue.then(async () => (opened === undefined ? undefined : (await opened).close())).then(() => port.close());
    return;
  }
  queue = queue.then(() => run(message));
});
port.postMessage({ type: 'ready' } satisfies BuildReply);
