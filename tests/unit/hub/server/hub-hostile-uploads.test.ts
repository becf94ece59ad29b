import { request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import { connect } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_UPLOAD_INFLATED_BYTES, MAX_UPLOAD_JSON_DEPTH } from '../../../../domain/entries/entry-upload.js';
import { openHubStorage } from '../../../../hub/storage/open-hub-storage.js';
import { kioskChain } from '../../../support/entry-fixtures.js';
import { tempDataDir } from '../../../support/kiosk-process.js';
import { eventually, startTestHub, type TestHub, type TestKiosk } from './hub-test-kit.js';

const hubs: TestHub[] = [];
const open: ClientRequest[] = [];
afterEach(async () => {
  for (const request of open.splice(0)) request.destroy();
  await Promise.all(hubs.splice(0).map((h) => h.close()));
});
const hub = async (options: Parameters<typeof startTestHub>[0] = {}): Promise<TestHub> => {
  const started = await startTestHub(options);
  hubs.push(started);
  return started;
};

const GZIP_JSON = { 'content-type': 'application/json', 'content-encoding': 'gzip' };
const refusalOf = async (response: Response) => ({ status: response.status, ...((await response.json()) as { error: string; message: string }) });

function post(h: TestHub, kiosk: TestKiosk, body: Uint8Array): Promise<Response> {
  return fetch(`${h.server.url}/v1/entries`, {
    method: 'POST',
    body: new Uint8Array(body),
    headers: { ...GZIP_JSON, ...kiosk.identity.signRequest('POST', '/v1/entries', body) },
  });
}

/**
 * A POST whose headers go out with only `sent` bytes of a body announced as `declared`: the
 * rest never comes (a slow or hostile client). Resolves with the answer, if the hub gives one.
 */
function partialPost(
  h: TestHub,
  headers: Record<string, string>,
  declared: number,
  sent: number,
): { request: ClientRequest; answer: Promise<{ status: number; body: { error: string; message: string } }> } {
  const { hostname, port } = new URL(h.server.url);
  const request = httpRequest({
    hostname,
    port,
    path: '/v1/entries',
    method: 'POST',
    headers: { ...GZIP_JSON, ...headers, 'content-length': String(declared) },
  });
  open.push(request);
  request.on('error', () => undefined);
  const answer = new Promise<{ status: number; body: { error: string; message: string } }>((resolve) => {
    request.on('response', (response: IncomingMessage) => {
      let text = '';
      response.on('data', (piece: Buffer) => (text += piece.toString()));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: JSON.parse(text) as { error: string; message: string } }));
    });
  });
  request.write(Buffer.alloc(sent, 0x20));
  return { request, answer };
}

describe('POST /v1/entries under hostile uploads', () => {
  it('refuses a deep body and a huge one, each within a second, while another kiosk is answered', async () => {
    const h = await hub();
    const [attacker, neighbour] = [await h.enrol(), await h.enrol()];
    // A first, honest upload: the upload worker thread is started and warm.
    const honest = kioskChain(attacker.identity.deviceId, 2, () => ({ at: new Date().toISOString() }));
    expect((await post(h, attacker, gzipSync(JSON.stringify({ entries: honest })))).status).toBe(200);

    // 4 MB of brackets, under the inflation cap: only the depth check stands in the way.
    const deep = gzipSync(`{"entries":${'['.repeat(4_000_000)}`);
    // 40 MB of brackets in 40 KB of gzip: the inflation cap refuses it.
    const huge = gzipSync(`{"entries":${'['.repeat(40_000_000)}`);
    expect(huge.length).toBeLessThan(100_000);
    for (const [body, reason] of [
      [deep, `the batch nests deeper than ${MAX_UPLOAD_JSON_DEPTH} levels`],
      [huge, `the batch inflates to more than ${MAX_UPLOAD_INFLATED_BYTES} bytes`],
    ] as const) {
      const started = performance.now();
      const hostile = post(h, attacker, body).then(async (response) => ({ refusal: await refusalOf(response), ms: performance.now() - started }));
      const status = await neighbour.get('/v1/status');
      expect(status.status).toBe(200);
      const { refusal, ms } = await hostile;
      expect(refusal).toMatchObject({ status: 400, error: 'bad-batch', message: expect.stringContaining(reason) as unknown });
      expect(ms).toBeLessThan(1000);
    }
  });

  it('with a storage opened by the caller (no worker threads) decodes in process, with the same checks', async () => {
    const dataDir = tempDataDir('chot-hub-open-');
    const storage = await openHubStorage({ dataDir });
    try {
      const h = await hub({ dataDir, storage });
      const kiosk = await h.enrol();
      const entries = kioskChain(kiosk.identity.deviceId, 2, () => ({ at: new Date().toISOString(), location: 'Cổng chính' }));
      expect((await post(h, kiosk, gzipSync(JSON.stringify({ entries })))).status).toBe(200);
      expect(await refusalOf(await post(h, kiosk, gzipSync(`{"entries":${'['.repeat(100_000)}`)))).toMatchObject({
        status: 400,
        message: expect.stringContaining('nests deeper') as unknown,
      });
    } finally {
      await Promise.all(hubs.splice(0).map((h) => h.close()));
      await storage.close();
    }
  });

  it('refuses entries outside the format naming the entry and the field, and stores none of the batch', async () => {
    const h = await hub();
    const kiosk = await h.enrol();
    const now = new Date().toISOString();
    const cases: [Record<string, unknown>, string][] = [
      [{ sourceDeviceId: 'x'.repeat(1_000_000) }, 'entry 2 (#1): sourceDeviceId must be 0–200 characters'],
      [{ at: '1' }, 'entry 2 (#1): at must be a real date'],
      [{ at: '2021-02-30T08:00:00.000+07:00' }, 'entry 2 (#1): at must be a real date'],
      [{ personId: '=1+2' }, 'entry 2 (#1): personId must be null or an identifier'],
      [{ credentialKind: 'passport' }, 'entry 2 (#1): credentialKind must be one of cccd-qr'],
    ];
    for (const [fields, message] of cases) {
      const entries = kioskChain(kiosk.identity.deviceId, 3, (seq) => ({ at: now, ...(seq === 2 ? fields : {}) }));
      expect(await refusalOf(await post(h, kiosk, gzipSync(JSON.stringify({ entries }))))).toMatchObject({
        status: 400,
        error: 'bad-batch',
        message: expect.stringContaining(message) as unknown,
      });
    }
    const topSeq = kioskChain(kiosk.identity.deviceId, 1, () => ({ at: now })).map((e) => ({ ...e, seq: 2 ** 53 - 1 }));
    expect(await refusalOf(await post(h, kiosk, gzipSync(JSON.stringify({ entries: topSeq }))))).toMatchObject({
      status: 400,
      message: expect.stringContaining('seq must be an integer from 1 to') as unknown,
    });
    expect(await h.admin.entries.chain(kiosk.identity.deviceId)).toBeUndefined();

    // Another location than the one the kiosk was enrolled at: stored, and flagged.
    const elsewhere = kioskChain(kiosk.identity.deviceId, 2, (seq) => ({ at: now, location: seq === 2 ? 'Bến xe phía Bắc' : 'Cổng chính' }));
    const answer = await post(h, kiosk, gzipSync(JSON.stringify({ entries: elsewhere })));
    expect(answer.status).toBe(200);
    expect(await answer.json()).toMatchObject({ accepted: 2, receipt: { contiguousSeq: 2 }, problems: [{ seq: 2, kind: 'foreign-location' }] });
  });

  it("checks the signature's headers before reading a body: an unknown device or a replayed nonce is refused at once", async () => {
    const h = await hub();
    const kiosk = await h.enrol();
    // 8 MB announced, 10 bytes sent: the answer comes without the rest.
    const unknown = partialPost(h, { ...kiosk.identity.signRequest('POST', '/v1/entries'), 'x-chot-device': 'k-00000000deadbeef' }, 8_000_000, 10);
    expect(await unknown.answer).toMatchObject({ status: 401, body: { error: 'unknown-device' } });
    const entries = kioskChain(kiosk.identity.deviceId, 1, () => ({ at: new Date().toISOString() }));
    const body = gzipSync(JSON.stringify({ entries }));
    const signed = kiosk.identity.signRequest('POST', '/v1/entries', body);
    expect((await fetch(`${h.server.url}/v1/entries`, { method: 'POST', body, headers: { ...GZIP_JSON, ...signed } })).status).toBe(200);
    const replay = partialPost(h, signed, body.length, 1);
    expect(await replay.answer).toMatchObject({ status: 401, body: { error: 'replayed' } });
  });

  it('caps the bodies read before their signature is checked, and frees the room when a client hangs up mid-body', async () => {
    const h = await hub({ bodyBudget: { maxBodies: 2, maxBytes: 64 * 1024 * 1024 } });
    const kiosk = await h.enrol();
    const slow = [1, 2].map(() => partialPost(h, kiosk.identity.signRequest('POST', '/v1/entries'), 1_000_000, 100));
    // Both slow bodies are being read once a third is refused for want of room.
    let third: { status: number; body: { error: string } } | undefined;
    await eventually(async () => {
      third = await partialPost(h, kiosk.identity.signRequest('POST', '/v1/entries'), 1000, 1000).answer;
      return third.status === 503;
    });
    expect(third).toMatchObject({ status: 503, body: { error: 'busy' } });
    for (const { request } of slow) request.destroy();
    const entries = kioskChain(kiosk.identity.deviceId, 1, () => ({ at: new Date().toISOString() }));
    // The hung-up bodies release their room: a kiosk's upload goes through again.
    await eventually(async () => (await post(h, kiosk, gzipSync(JSON.stringify({ entries })))).status === 200);
    // And one body too large for the room is refused whole rather than queued.
    const bigBudget = await hub({ bodyBudget: { maxBodies: 8, maxBytes: 1000 } });
    const other = await bigBudget.enrol();
    expect(await partialPost(bigBudget, other.identity.signRequest('POST', '/v1/entries'), 5000, 10).answer).toMatchObject({
      status: 503,
      body: { error: 'busy' },
    });
  });

  it('serves on after a malformed HTTP request and a connection reset mid-headers', async () => {
    const h = await hub();
    const kiosk = await h.enrol();
    const { hostname, port } = new URL(h.server.url);
    const garbage = await new Promise<string>((resolve) => {
      const socket = connect(Number(port), hostname, () => socket.end('POST /v1/entries HTTP/1.1\r\nContent-Length: x\r\n\0\r\n\r\n'));
      let text = '';
      socket.on('data', (piece) => (text += piece.toString()));
      socket.on('close', () => resolve(text));
      socket.on('error', () => undefined);
    });
    expect(garbage).toMatch(/^HTTP\/1\.1 400/);
    await new Promise<void>((resolve) => {
      const socket = connect(Number(port), hostname, () => {
        socket.write('POST /v1/entries HTTP/1.1\r\nHost: x\r\nContent-Le');
        socket.resetAndDestroy();
        resolve();
      });
      socket.on('error', () => undefined);
    });
    expect((await kiosk.get('/v1/status')).status).toBe(200);
  });

  it('holds no body room for a client that hangs up while its headers are being checked', async () => {
    const dataDir = tempDataDir('chot-hub-slow-lookup-');
    const storage = await openHubStorage({ dataDir });
    // The device lookup waits for the test: the client hangs up in between.
    let lookups = 0;
    let release: () => void = () => undefined;
    let hold = false;
    const enrollment = new Proxy(storage.enrollment, {
      get(target, name, receiver) {
        if (name !== 'findDevice') return Reflect.get(target, name, receiver) as unknown;
        return async (deviceId: string) => {
          lookups += 1;
          if (hold) await new Promise<void>((resolve) => (release = resolve));
          return target.findDevice(deviceId);
        };
      },
    });
    const slowStorage = new Proxy(storage, {
      get: (target, name, receiver) => (name === 'enrollment' ? enrollment : (Reflect.get(target, name, receiver) as unknown)),
    });
    try {
      const h = await hub({ dataDir, storage: slowStorage, bodyBudget: { maxBodies: 1, maxBytes: 64 * 1024 * 1024 } });
      const kiosk = await h.enrol();
      hold = true;
      const before = lookups;
      const gone = partialPost(h, kiosk.identity.signRequest('POST', '/v1/entries'), 1000, 10);
      await eventually(() => lookups > before);
      gone.request.destroy();
      await eventually(() => h.logs.some((line) => line.includes('POST /v1/entries') && line.includes('aborted')));
      hold = false;
      release();
      const entries = kioskChain(kiosk.identity.deviceId, 1, () => ({ at: new Date().toISOString(), location: 'Cổng chính' }));
      expect((await post(h, kiosk, gzipSync(JSON.stringify({ entries })))).status).toBe(200);
    } finally {
      await Promise.all(hubs.splice(0).map((h) => h.close()));
      await storage.close();
    }
  });
});
