import { afterEach, describe, expect, it } from 'vitest';
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

const ids = (list: readonly { id12: string }[]): string[] => list.map((p) => p.id12);

describe('GET /v1/delta', () => {
  it('brings exactly the people changed after F, in their latest state, as signed chunks (F, T]', async () => {
    const h = await hub();
    const kiosk = await h.enrol();
    await h.importRows('person', people(10));
    // Sequence 2 changes people 5–9 (an old ID each) and adds 10–14; 0–4 stay as they were.
    await h.importRows('person', [...people(5), ...people(10, 5).map((p, i) => ({ ...p, oldId: String(225_000_000 + i) }))]);

    const answer = await kiosk.get('/v1/delta?since=1');
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe('application/vnd.chot.sync');
    expect(answer.headers.get('etag')).toBe('"delta-1-2"');
    expect(answer.headers.get('x-chot-seq')).toBe('2');
    const body = await bytesOf(answer);
    expect(Number(answer.headers.get('content-length'))).toBe(body.length);
    const read = await readChunks(body, 'delta', kiosk.hubPublicKey, { watermark: 1 });
    expect(read).toMatchObject({ complete: true, toSeq: 2, chunks: 3 });
    expect(answer.headers.get('x-chot-chunks')).toBe('3');
    expect(ids(read.people)).toEqual(ids(people(10, 5)));
    expect(read.people[0]).toMatchObject({ id12: people(1, 5)[0]?.id12, oldId: '225000000' });

    const all = await readChunks(await bytesOf(await kiosk.get('/v1/delta?since=0')), 'delta', kiosk.hubPublicKey);
    expect(ids(all.people)).toEqual(ids(people(15)));
  });

  it('gives an up-to-date kiosk one empty chunk, or 304 when it names the delta', async () => {
    const h = await hub();
    const kiosk = await h.enrol();
    await h.importRows('person', people(3));
    const current = await kiosk.get('/v1/delta?since=1');
    expect(current.status).toBe(200);
    expect(await readChunks(await bytesOf(current), 'delta', kiosk.hubPublicKey, { watermark: 1 })).toMatchObject({ chunks: 1, complete: true, people: [] });

    const unchanged = await kiosk.get('/v1/delta?since=1', { 'if-none-match': '"delta-1-1"' });
    expect(unchanged.status).toBe(304);
    expect(unchanged.headers.get('etag')).toBe('"delta-1-1"');
    expect(unchanged.headers.get('x-chot-seq')).toBe('1');
    // An ETag of an older T is not this delta: the kiosk gets the new one.
    expect((await kiosk.get('/v1/delta?since=0', { 'if-none-match': '"delta-0-0"' })).status).toBe(200);
  });

  it('refuses a kiosk ahead of the hub with 409 ahead-of-hub', async () => {
    const h = await hub();
    const kiosk = await h.enrol();
    await h.importRows('person', people(3));
    const answer = await kiosk.get('/v1/delta?since=7');
    expect(answer.status).toBe(409);
    const json = (await answer.json()) as { error: string; message: string };
    expect(json.error).toBe('ahead-of-hub');
    expect(json.message).toMatch(/sequence 7.*at 1/);
  });

  it('refuses a delta of more people than the limit with 409 delta-too-large, and finds that out once', async () => {
    const builds: string[] = [];
    const h = await hub({ maxDeltaPeople: 5, hooks: { onDeltaBuild: (from, to) => void builds.push(`${from}-${to}`) } });
    const kiosk = await h.enrol();
    await h.importRows('person', people(6));
    for (let i = 0; i < 3; i++) {
      const answer = await kiosk.get('/v1/delta?since=0');
      expect(answer.status).toBe(409);
      expect(await answer.json()).toMatchObject({ error: 'delta-too-large' });
    }
    expect(builds).toEqual(['0-1']);
    await h.importRows('person', people(2, 100));
    expect((await kiosk.get('/v1/delta?since=1')).status).toBe(200);
  });

  it.each(['', '?since=', '?since=-1', '?since=1.5', '?since=abc', '?since=1&since=2', '?since=99999999999999999'])(
    'refuses %s with 400 bad-request',
    async (query) => {
      const h = await hub();
      const kiosk = await h.enrol();
      const answer = await kiosk.get(`/v1/delta${query}`);
      expect(answer.status).toBe(400);
      expect(await answer.json()).toMatchObject({ error: 'bad-request' });
    },
  );

  it('builds a (F, T) once for 50 kiosks asking at the same time, and serves it from memory after', async () => {
    const builds: string[] = [];
    const h = await hub({ hooks: { onDeltaBuild: (from, to) => void builds.push(`${from}-${to}`) } });
    const kiosk = await h.enrol();
    await h.importRows('person', people(20));
    await h.importRows('person', people(40));
    const answers = await Promise.all(Array.from({ length: 50 }, () => kiosk.get('/v1/delta?since=1')));
    expect(answers.map((a) => a.status)).toEqual(Array(50).fill(200));
    const bodies = await Promise.all(answers.map(bytesOf));
    expect(bodies.every((b) => Buffer.from(b).equals(Buffer.from(bodies[0] as Uint8Array)))).toBe(true);
    expect(ids((await readChunks(bodies[0] as Uint8Array, 'delta', kiosk.hubPublicKey, { watermark: 1 })).people)).toEqual(ids(people(20, 20)));
    expect((await kiosk.get('/v1/delta?since=1')).status).toBe(200);
    expect(builds).toEqual(['1-2']);
  });
});
