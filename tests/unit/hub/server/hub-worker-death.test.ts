import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { hubWorkerBundle } from '../../../support/hub-bundle.js';
import { tempDataDir } from '../../../support/kiosk-process.js';
import { kioskChain } from '../../../support/entry-fixtures.js';
import { startTestHub, type TestHub } from './hub-test-kit.js';

const hubs: TestHub[] = [];
afterEach(async () => {
  await Promise.all(hubs.splice(0).map((h) => h.close()));
});

/**
 * A worker script that dies (exits the thread) on the first upload it is given, and from
 * then on, in every thread started after, is the real worker: the hub must survive the
 * death, answer that upload with an error, and start a working thread for the next.
 */
async function dyingOnceWorker(): Promise<{ url: URL; died: () => boolean }> {
  const dir = tempDataDir('chot-dying-worker-');
  const marker = join(dir, 'died');
  const script = join(dir, 'dying-worker.mjs');
  writeFileSync(
    script,
    `import { parentPort } from 'node:worker_threads';
import { existsSync, writeFileSync } from 'node:fs';
if (existsSync(${JSON.stringify(marker)})) await import(${JSON.stringify((await hubWorkerBundle()).href)});
else {
  parentPort.on('message', (message) => {
    // Asked to stop, as the real worker is when the hub closes.
    if (message.type === 'stop') process.exit(0);
    if (message.type !== 'upload') return;
    writeFileSync(${JSON.stringify(marker)}, '');
    process.exit(3);
  });
  parentPort.postMessage({ type: 'ready' });
}
`,
  );
  return { url: pathToFileURL(script), died: () => existsSync(marker) };
}

describe('the hub when a worker thread dies', () => {
  it('answers the job it was doing with an error, serves on, and starts a new thread for the next', async () => {
    const worker = await dyingOnceWorker();
    const h = await startTestHub({ workerUrl: worker.url });
    hubs.push(h);
    const kiosk = await h.enrol();
    const body = (n: number) => gzipSync(JSON.stringify({ entries: kioskChain(kiosk.identity.deviceId, n, () => ({ at: new Date().toISOString() })) }));
    const upload = (bytes: Buffer) =>
      fetch(`${h.server.url}/v1/entries`, {
        method: 'POST',
        body: new Uint8Array(bytes),
        headers: { 'content-type': 'application/json', 'content-encoding': 'gzip', ...kiosk.identity.signRequest('POST', '/v1/entries', bytes) },
      });
    const failed = await upload(body(1));
    expect(failed.status).toBe(500);
    expect(await failed.json()).toMatchObject({ error: 'internal', message: expect.stringContaining('exited') as unknown });
    expect(worker.died()).toBe(true);
    expect((await kiosk.get('/v1/status')).status).toBe(200);
    expect((await upload(body(2))).status).toBe(200);
    expect(await h.admin.entries.chain(kiosk.identity.deviceId)).toMatchObject({ contiguousSeq: 2 });
  });
});
