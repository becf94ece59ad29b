import { afterEach, describe, expect, it } from 'vitest';
import type { Socket } from 'node:net';
import WebSocket from 'ws';
import { REVOKED_CLOSE_CODE } from '../../../../hub/server/notify-socket.js';
import { runChotAsync } from '../../../support/run-chot.js';
import { EnrollmentService } from '../../../../hub/enrollment/enrollment-service.js';
import type { HubNotice } from '../../../../domain/protocol/hub-bodies.js';
import { ACCESS_LIST } from '../../../../domain/rules/builtin/access-list.js';
import { people, startTestHub, type TestHub, type TestKiosk } from './hub-test-kit.js';
import { until } from '../../../support/wait-for.js';

const hubs: TestHub[] = [];
const sockets: WebSocket[] = [];
const hub = async (options: Parameters<typeof startTestHub>[0] = {}): Promise<TestHub> => {
  const started = await startTestHub(options);
  hubs.push(started);
  return started;
};
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.terminate();
  await Promise.all(hubs.splice(0).map((h) => h.close()));
});

/** Opens the notify socket as a kiosk would, collecting the sequences it hears (and every notice). */
function listen(h: TestHub, kiosk: TestKiosk | undefined, options: WebSocket.ClientOptions = {}, path = '/v1/notify') {
  const headers = kiosk === undefined ? {} : kiosk.identity.signRequest('GET', path);
  const socket = new WebSocket(`${h.server.url.replace('http', 'ws')}${path}`, { headers, ...options });
  sockets.push(socket);
  const seqs: number[] = [];
  const notices: HubNotice[] = [];
  socket.on('message', (data) => {
    const notice = JSON.parse(String(data)) as HubNotice;
    notices.push(notice);
    if (notice.type === 'seq') seqs.push(notice.seq);
  });
  const refused = new Promise<{ status: number; body: { error: string } }>((resolve) => {
    socket.on('unexpected-response', (_request, response) => {
      let text = '';
      response.on('data', (piece: Buffer) => (text += piece.toString()));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: JSON.parse(text) as { error: string } }));
    });
  });
  socket.on('error', () => undefined);
  const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
  const closeCode = new Promise<number>((resolve) => socket.on('close', (code) => resolve(code)));
  const opened = new Promise<void>((resolve) => socket.on('open', () => resolve()));
  return { socket, seqs, notices, refused, closed, closeCode, opened };
}

describe('GET /v1/notify (WebSocket)', () => {
  it('says the sequence at once, and again after an import made by another process', async () => {
    const h = await hub();
    const kiosk = await h.enrol();
    const { seqs } = listen(h, kiosk);
    await until(() => seqs.length === 1);
    expect(seqs).toEqual([0]);
    await h.importRows('person', people(3));
    await until(() => seqs.length === 2);
    expect(seqs).toEqual([0, 1]);
    // An import that changes nobody does not advance the sequence: no notice.
    await h.importRows('person', people(3));
    await h.importRows('person', people(1, 50));
    await until(() => seqs.length === 3);
    expect(seqs).toEqual([0, 1, 2]);
    expect(h.logs.some((line) => / GET \/v1\/notify 101 /.test(line))).toBe(true);
  });

  it('says the rule sets’ ETag at once, and again when `chot hub rules publish` (another process) publishes one', async () => {
    const h = await hub();
    const kiosk = await h.enrol();
    const { notices } = listen(h, kiosk);
    await until(() => notices.some((n) => n.type === 'rules'));
    const rulesNotices = (): string[] => notices.flatMap((n) => (n.type === 'rules' ? [n.etag] : []));
    const served = async (): Promise<string | null> => (await kiosk.get('/v1/rules')).headers.get('etag');
    const before = await served();
    expect(rulesNotices()).toEqual([before]);

    const run = await runChotAsync(['hub', 'rules', 'publish', '--builtin', ACCESS_LIST.id, '--data', h.dataDir]);
    expect(run.status, run.stderr).toBe(0);
    await until(() => rulesNotices().length === 2);
    const after = await served();
    expect(after).not.toBe(before);
    // The notice carries what GET /v1/rules now answers: a kiosk holding it asks nothing.
    expect(rulesNotices()).toEqual([before, after]);
    expect(notices.filter((n) => n.type === 'seq')).toHaveLength(1);
  });

  it('announces a new sequence only once the delta from the previous one is built, so kiosks hearing it are served from the cache', async () => {
    const builds: string[] = [];
    let seqsAtBuild: number[] = [];
    let heard: number[] = [];
    const h = await hub({
      hooks: {
        onDeltaBuild: (from, to) => {
          builds.push(`${from}-${to}`);
          seqsAtBuild = [...heard];
        },
      },
    });
    const kiosk = await h.enrol();
    await h.importRows('person', people(3));
    const { seqs } = listen(h, kiosk);
    heard = seqs;
    await until(() => seqs.includes(1));
    await h.importRows('person', people(2, 10));
    await until(() => seqs.includes(2));
    // The delta 1→2 was built before the notice of 2 went out…
    expect(builds).toEqual(['1-2']);
    expect(seqsAtBuild).not.toContain(2);
    // …and the kiosk that heard it gets it without another build.
    const answer = await kiosk.get('/v1/delta?since=1');
    expect(answer.status).toBe(200);
    expect(answer.headers.get('x-chot-seq')).toBe('2');
    expect(builds).toEqual(['1-2']);
  });

  it('refuses an unsigned upgrade with 401, a revoked kiosk with 403, another path with 404, in JSON', async () => {
    const h = await hub();
    const kiosk = await h.enrol();
    expect(await listen(h, undefined).refused).toEqual({ status: 401, body: expect.objectContaining({ error: 'unsigned' }) });
    expect(await listen(h, kiosk, {}, '/v1/other').refused).toEqual({ status: 404, body: expect.objectContaining({ error: 'not-found' }) });
    await new EnrollmentService(h.admin.enrollment).revoke(kiosk.identity.deviceId);
    expect(await listen(h, kiosk).refused).toEqual({ status: 403, body: expect.objectContaining({ error: 'revoked' }) });
  });

  it('closes a socket that stops answering pings', async () => {
    const h = await hub({ pingMs: 50 });
    const kiosk = await h.enrol();
    const silent = listen(h, kiosk, { autoPong: false });
    const lively = listen(h, kiosk);
    await silent.closed;
    expect(lively.socket.readyState).toBe(WebSocket.OPEN);
    expect(h.logs.some((line) => line.includes('stopped answering pings'))).toBe(true);
  });

  it('closes the socket of a kiosk revoked by `chot hub revoke` in another process, which hears nothing more', async () => {
    const h = await hub({ deviceCheckMs: 100 });
    const [revoked, kept] = [await h.enrol(), await h.enrol()];
    const gone = listen(h, revoked);
    const staying = listen(h, kept);
    await until(() => gone.seqs.length === 1 && staying.seqs.length === 1);
    const run = await runChotAsync(['hub', 'revoke', revoked.identity.deviceId, '--data', h.dataDir]);
    expect(run.status).toBe(0);
    expect(await gone.closeCode).toBe(REVOKED_CLOSE_CODE);
    await h.importRows('person', people(2));
    await until(() => staying.seqs.length === 2);
    expect(gone.seqs).toEqual([0]);
    expect(h.logs.some((line) => line.includes(`notify: closed the socket of ${revoked.identity.deviceId}, revoked`))).toBe(true);
  });

  it.each([
    ['a text frame of invalid UTF-8', Buffer.from([0x81, 0x82, 0, 0, 0, 0, 0xc3, 0x28])],
    ['a frame larger than the hub takes', Buffer.concat([Buffer.from([0x82, 0xfe, 0x10, 0x00, 0, 0, 0, 0]), Buffer.alloc(4096)])],
    ['a frame with a reserved opcode', Buffer.from([0x83, 0x80, 0, 0, 0, 0])],
    ['a frame with reserved bits set', Buffer.from([0xf1, 0x80, 0, 0, 0, 0])],
    ['an unmasked frame', Buffer.from([0x81, 0x02, 0x68, 0x69])],
  ])('ends the socket of a kiosk that sends %s, and serves on', async (_kind, frame) => {
    const h = await hub();
    const [bad, good] = [await h.enrol(), await h.enrol()];
    const hostile = listen(h, bad);
    const other = listen(h, good);
    await hostile.opened;
    await until(() => other.seqs.length === 1);
    (hostile.socket as unknown as { _socket: Socket })._socket.write(frame);
    await hostile.closed;
    expect((await good.get('/v1/status')).status).toBe(200);
    await h.importRows('person', people(1));
    await until(() => other.seqs.length === 2);
  });

  it('ends the sockets when the server closes', async () => {
    const h = await hub();
    const kiosk = await h.enrol();
    const { seqs, closed } = listen(h, kiosk);
    await until(() => seqs.length === 1);
    await h.close();
    hubs.splice(0);
    await closed;
  });
});
