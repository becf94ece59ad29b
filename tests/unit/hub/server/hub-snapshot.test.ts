import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { chunkByteLength } from '../../../../domain/sync/sync-chunk.js';
import { loadOrCreateHubSigningKey } from '../../../../hub/keys/hub-signing-key.js';
import { SNAPSHOT_CACHE_DIR } from '../../../../hub/server/snapshot-files.js';
import { tempDataDir } from '../../../support/kiosk-process.js';
import { bytesOf, people, readChunks, startTestHub, type TestHub } from './hub-test-kit.js';

const hubs: TestHub[] = [];
const hub = async (options: Parameters<typeof startTestHub>[0] = {}): Promise<TestHub> => {
  const started = await startTestHub({ chunking: { maxRecords: 4 }, ...options });
  hubs.push(started);
  return started;
};
afterEach(async () => {
  await Promise.all(hubs.splice(0).map((h) => h.close()));
});

/** Where each chunk of a body starts. */
function chunkOffsets(body: Uint8Array): number[] {
  const offsets: number[] = [];
  for (let at = 0; at < body.length; at += chunkByteLength(body.subarray(at)) as number) offsets.push(at);
  return offsets;
}

describe('GET /v1/snapshot', () => {
  it('serves the snapshot at the current sequence, signed chunks a kiosk verifies', async () => {
    const h = await hub();
    const kiosk = await h.enrol();
    const seq = await h.importRows('person', people(10));
    expect(await h.server.snapshotReady(seq)).toBe(1);

    const answer = await kiosk.get('/v1/snapshot');
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe('application/vnd.chot.sync');
    expect(answer.headers.get('etag')).toBe('"snapshot-1"');
    expect(answer.headers.get('x-chot-seq')).toBe('1');
    expect(answer.headers.get('x-chot-chunks')).toBe('3');
    const body = await bytesOf(answer);
    expect(Number(answer.headers.get('content-length'))).toBe(body.length);
    const read = await readChunks(body, 'snapshot', kiosk.hubPublicKey);
    expect(read).toMatchObject({ chunks: 3, complete: true, toSeq: 1 });
    expect(read.people.map((p) => p.id12)).toEqual(people(10).map((p) => p.id12));
  });

  it('from=I answers exactly the chunks from I, which continue a partial download', async () => {
    const h = await hub();
    const kiosk = await h.enrol();
    await h.server.snapshotReady(await h.importRows('person', people(10)));
    const whole = await bytesOf(await kiosk.get('/v1/snapshot'));
    const offsets = chunkOffsets(whole);
    expect(offsets).toHaveLength(3);

    const rest = await kiosk.get('/v1/snapshot?seq=1&from=1');
    expect(rest.status).toBe(200);
    expect(rest.headers.get('x-chot-chunks')).toBe('3');
    const body = await bytesOf(rest);
    expect(Buffer.from(body).equals(Buffer.from(whole.subarray(offsets[1])))).toBe(true);
    const first = await readChunks(whole.subarray(0, offsets[1]), 'snapshot', kiosk.hubPublicKey);
    expect(first.complete).toBe(false);
    // Resumed where a kiosk that kept chunk 0 is: the verifier accepts the continuation.
    const resumed = await readChunks(body, 'snapshot', kiosk.hubPublicKey, {
      watermark: 0,
      ...(first.cursor === undefined ? {} : { snapshotInProgress: first.cursor }),
    });
    expect(resumed.complete).toBe(true);
    expect([...first.people, ...resumed.people].map((p) => p.id12)).toEqual(people(10).map((p) => p.id12));

    const last = await bytesOf(await kiosk.get('/v1/snapshot?from=2'));
    expect(last.length).toBe(whole.length - (offsets[2] as number));
  });

  it.each(['from=3', 'from=-1', 'from=x', 'seq=1.5', 'seq=', 'from=1&from=2'])('refuses ?%s with 400 bad-request', async (query) => {
    const h = await hub();
    const kiosk = await h.enrol();
    await h.server.snapshotReady(await h.importRows('person', people(10)));
    const answer = await kiosk.get(`/v1/snapshot?${query}`);
    expect(answer.status).toBe(400);
    expect(await answer.json()).toMatchObject({ error: 'bad-request' });
  });

  it('answers 304 to a kiosk that names the snapshot it has', async () => {
    const h = await hub();
    const kiosk = await h.enrol();
    await h.server.snapshotReady(await h.importRows('person', people(3)));
    const answer = await kiosk.get('/v1/snapshot', { 'if-none-match': '"snapshot-1"' });
    expect(answer.status).toBe(304);
    expect(answer.headers.get('etag')).toBe('"snapshot-1"');
    expect(answer.headers.get('x-chot-seq')).toBe('1');
    expect((await bytesOf(answer)).length).toBe(0);
    expect((await kiosk.get('/v1/snapshot', { 'if-none-match': '"snapshot-0"' })).status).toBe(200);
  });

  it('answers 503 with Retry-After until the first snapshot is ready, and the status says none is', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const h = await hub({ hooks: { beforeSnapshotBuild: () => gate } });
    const kiosk = await h.enrol();
    const answer = await kiosk.get('/v1/snapshot');
    expect(answer.status).toBe(503);
    expect(Number(answer.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await answer.json()).toMatchObject({ error: 'snapshot-building' });
    expect(await (await kiosk.get('/v1/status')).json()).toMatchObject({ seq: 0, snapshotSeq: null });

    release();
    expect(await h.server.snapshotReady(0)).toBe(0);
    // An empty hub's snapshot: one chunk, nobody in it.
    const empty = await readChunks(await bytesOf(await kiosk.get('/v1/snapshot')), 'snapshot', kiosk.hubPublicKey);
    expect(empty).toMatchObject({ chunks: 1, complete: true, toSeq: 0, people: [] });
    expect(await (await kiosk.get('/v1/status')).json()).toMatchObject({ seq: 0, snapshotSeq: 0 });
  });

  it('keeps the two newest snapshots: an older one is 404 snapshot-gone', async () => {
    const h = await hub();
    const kiosk = await h.enrol();
    await h.server.snapshotReady(await h.importRows('person', people(3)));
    await h.server.snapshotReady(await h.importRows('person', people(3, 100)));
    await h.server.snapshotReady(await h.importRows('person', people(3, 200)));

    const gone = await kiosk.get('/v1/snapshot?seq=1&from=1');
    expect(gone.status).toBe(404);
    expect(await gone.json()).toMatchObject({ error: 'snapshot-gone' });
    expect((await kiosk.get('/v1/snapshot?seq=2')).status).toBe(200);
    const newest = await kiosk.get('/v1/snapshot');
    expect(newest.headers.get('x-chot-seq')).toBe('3');
    expect((await readChunks(await bytesOf(newest), 'snapshot', kiosk.hubPublicKey)).people).toHaveLength(9);
    const files = readdirSync(join(h.dataDir, SNAPSHOT_CACHE_DIR)).sort();
    expect(files.filter((f) => f.endsWith('.json'))).toEqual(['snapshot-2.json', 'snapshot-3.json']);
    expect(files.filter((f) => f.endsWith('.chsy'))).toHaveLength(2);
  });

  it('builds one snapshot at a time and, when the sequence moved meanwhile, only the newest next', async () => {
    const built: number[] = [];
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const h = await hub({
      hooks: {
        beforeSnapshotBuild: async (seq) => {
          built.push(seq);
          await gate;
        },
      },
    });
    for (let i = 0; i < 3; i++) await h.importRows('person', people(2, i * 10));
    release();
    expect(await h.server.snapshotReady(3)).toBe(3);
    expect(built).toEqual([0, 3]);
  });

  it('after a restart, serves the snapshot it completed before without building it again, and clears leftovers', async () => {
    const first = await hub();
    await first.server.snapshotReady(await first.importRows('person', people(5)));
    await first.close();
    hubs.splice(hubs.indexOf(first), 1);
    const cacheDir = join(first.dataDir, SNAPSHOT_CACHE_DIR);
    // What a build killed mid-way leaves: a temporary file, and a data file no index names.
    writeFileSync(join(cacheDir, 'snapshot-7-crashed.chsy.tmp'), 'half');
    writeFileSync(join(cacheDir, 'snapshot-7-crashed.chsy'), 'orphan');

    const built: number[] = [];
    const again = await hub({ dataDir: first.dataDir, hooks: { beforeSnapshotBuild: (seq) => void built.push(seq) } });
    const kiosk = await again.enrol();
    const answer = await kiosk.get('/v1/snapshot');
    expect(answer.status).toBe(200);
    expect((await readChunks(await bytesOf(answer), 'snapshot', kiosk.hubPublicKey)).people).toHaveLength(5);
    expect(built).toEqual([]);
    expect(existsSync(join(cacheDir, 'snapshot-7-crashed.chsy.tmp'))).toBe(false);
    expect(existsSync(join(cacheDir, 'snapshot-7-crashed.chsy'))).toBe(false);
  });

  it('a kiosk that breaks off a download mid-way does not disturb the server', async () => {
    // A cached snapshot of 16 MB — more than the socket buffers hold (about 4 MB here), so
    // the server is still writing when the kiosk goes. Its bytes are never parsed on this
    // path: placed in the cache directly, it costs nothing to build.
    const dataDir = tempDataDir('chot-hub-server-');
    const cacheDir = join(dataDir, SNAPSHOT_CACHE_DIR);
    mkdirSync(cacheDir, { recursive: true });
    const size = 16 * 1024 * 1024;
    writeFileSync(join(cacheDir, 'snapshot-0-big.chsy'), Buffer.alloc(size, 1));
    const offsets = Array.from({ length: 17 }, (_, i) => (i * size) / 16);
    const keyId = loadOrCreateHubSigningKey(dataDir).keyId;
    writeFileSync(
      join(cacheDir, 'snapshot-0.json'),
      JSON.stringify({ format: 1, seq: 0, keyId, dataFile: 'snapshot-0-big.chsy', people: 0, offsets, buildMs: 1 }),
    );
    const h = await hub({ dataDir });
    const kiosk = await h.enrol();
    const url = new URL(`${h.server.url}/v1/snapshot`);
    const received = await new Promise<number>((resolve, reject) => {
      const request = get(url, { headers: kiosk.identity.signRequest('GET', '/v1/snapshot') }, (response) => {
        response.once('data', (piece: Buffer) => {
          // Stop reading, let the server's writes back up, then hang up.
          response.pause();
          setTimeout(() => {
            request.destroy();
            resolve(piece.length);
          }, 100);
        });
      });
      request.on('error', (error) => ((error as NodeJS.ErrnoException).code === 'ECONNRESET' ? undefined : reject(error)));
    });
    expect(received).toBeGreaterThan(0);
    const aborted = (): string | undefined => h.logs.find((line) => line.includes('GET /v1/snapshot 200 aborted'));
    for (let i = 0; i < 100 && aborted() === undefined; i++) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(aborted(), h.logs.join('\n')).toBeDefined();
    const again = await kiosk.get('/v1/snapshot?from=15');
    expect(again.status).toBe(200);
    expect((await bytesOf(again)).length).toBe(size / 16);
  });
});
