// A kiosk process that only applies one snapshot or delta from a file of concatenated
// chunks, through the real SyncApplier (worker thread included), and reports on stdout:
//   chunk <index> <records> <final>     after each chunk is committed (snapshot) or held (delta)
//   done <JSON ApplyResult + elapsedMs, maxRssBytes, longestChunkMs, finalChunkMs>
//   error <code> <message>
// The crash tests SIGKILL it between those lines; the kiosk-store benchmark reads its
// figures (its peak RSS is the applying process's own, not the benchmark's).
//
//   node sync-apply-child.js --db FILE --chunks FILE --kind snapshot|delta --key BASE64
//        [--worker PATH] [--resume] [--db-key-file FILE]
// --db is the facts database (facts.sqlite), as the kiosk's sync applier opens it;
// --db-key-file encrypts it at rest, as `chot start --db-key-file` does.
import { createReadStream } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { parseChunkHeader } from '../../domain/sync/sync-chunk.js';
import { frameChunks } from '../../main/sync/chunk-framer.js';
import { loadAtRestKey } from '../../main/store/at-rest-key.js';
import { SyncApplier } from '../../main/sync/sync-applier.js';

const { values } = parseArgs({
  options: {
    db: { type: 'string' },
    chunks: { type: 'string' },
    kind: { type: 'string' },
    key: { type: 'string', multiple: true },
    worker: { type: 'string' },
    resume: { type: 'boolean', default: false },
    'db-key-file': { type: 'string' },
  },
});
if (values.db === undefined || values.chunks === undefined || (values.kind !== 'snapshot' && values.kind !== 'delta')) {
  process.stderr.write('usage: sync-apply-child --db FILE --chunks FILE --kind snapshot|delta --key BASE64 [--worker PATH] [--resume] [--db-key-file FILE]\n');
  process.exit(2);
}
const kind = values.kind;
const say = (text: string): void => void process.stdout.write(`${text}\n`);

// Read as the kiosk reads it (owner-only file, 64 hex digits), not from the environment.
const atRestKey = values['db-key-file'] === undefined ? undefined : loadAtRestKey({ keyFile: values['db-key-file'], env: {} });
const applier = await SyncApplier.open({
  factsDatabaseFile: values.db,
  hubKeys: values.key ?? [],
  ...(atRestKey === undefined ? {} : { atRestKey }),
  ...(values.worker === undefined ? {} : { workerUrl: pathToFileURL(values.worker) }),
});
try {
  // Resuming, the hub would serve the snapshot from the kiosk's cursor; here the file is skipped up to it.
  const from = values.resume ? ((await applier.position()).snapshotInProgress?.nextIndex ?? 0) : 0;
  async function* fromCursor(): AsyncGenerator<Uint8Array> {
    for await (const chunk of frameChunks(createReadStream(values.chunks as string, { highWaterMark: 1 << 20 }))) {
      if (parseChunkHeader(chunk).index >= from) yield chunk;
    }
  }
  const started = performance.now();
  // Time between acknowledgements ≈ the worker's time on a chunk; the final one includes
  // the swap, during which the database's write lock is held.
  let lastAck = started;
  let longestChunkMs = 0;
  let finalChunkMs = 0;
  const apply = kind === 'snapshot' ? applier.applySnapshot.bind(applier) : applier.applyDelta.bind(applier);
  const result = await apply(fromCursor(), {
    onChunk: (c) => {
      const now = performance.now();
      if (c.final) finalChunkMs = now - lastAck;
      else longestChunkMs = Math.max(longestChunkMs, now - lastAck);
      lastAck = now;
      say(`chunk ${c.index} ${c.records} ${c.final}`);
    },
  });
  const maxRssBytes = process.resourceUsage().maxRSS * 1024;
  say(`done ${JSON.stringify({ ...result, elapsedMs: performance.now() - started, maxRssBytes, longestChunkMs, finalChunkMs })}`);
} catch (error) {
  const code = (error as { code?: string }).code ?? 'error';
  say(`error ${code} ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
} finally {
  await applier.close();
}
