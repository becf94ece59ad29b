import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { WebSocketServer } from 'ws';
import { subscribeToHub, UNREACHABLE_BACKOFF } from '../../../../main/hub-client/hub-notifier.js';
import type { BackoffPolicy } from '../../../../platform/backoff.js';

/**
 * How the kiosk's notice socket reconnects. A hub that does not answer is retried on a short
 * jittered backoff (how soon kiosks hear it is back); a hub that answers and refuses backs
 * off to minutes. Each policy's draws are counted to see which one a reconnection used.
 */
let server: Server | undefined;
const sockets = new Set<Socket>();
afterEach(async () => {
  for (const socket of sockets) socket.destroy();
  sockets.clear();
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = undefined;
});

/** An HTTP server that answers each upgrade with `answer`; its URL. */
async function hubAnswering(answer: (socket: Socket, request: IncomingMessage, head: Buffer) => void): Promise<URL> {
  server = createServer();
  server.on('connection', (socket) => sockets.add(socket));
  server.on('upgrade', (request, socket: Socket, head: Buffer) => answer(socket, request, head));
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/notify`);
}

/** A port nothing listens on: a hub that is down. */
async function hubDown(): Promise<URL> {
  const url = await hubAnswering(() => undefined);
  await new Promise((resolve) => server?.close(resolve));
  server = undefined;
  return url;
}

function counted(): { policy: BackoffPolicy; draws: () => number } {
  let draws = 0;
  return { policy: { minMs: 5, maxMs: 20, random: () => (draws++, 0.5) }, draws: () => draws };
}

function subscribe(url: URL, extra: { onRules?: (etag: string) => void; onSeq?: (seq: number) => void } = {}) {
  const refused = counted();
  const unreachable = counted();
  const drops: (Error | undefined)[] = [];
  const subscription = subscribeToHub(url, () => ({}), extra.onSeq ?? (() => undefined), {
    backoff: refused.policy,
    unreachableBackoff: unreachable.policy,
    onConnection: (up, error) => {
      if (!up) drops.push(error);
    },
    ...(extra.onRules === undefined ? {} : { onRules: extra.onRules }),
  });
  return { subscription, refused, unreachable, drops };
}

const refuseWith = (status: number) => (socket: Socket) => socket.end(`HTTP/1.1 ${status} No\r\nContent-Length: 2\r\nConnection: close\r\n\r\nno`);

describe('the notice socket’s reconnection', () => {
  it('retries a hub that is down on the short backoff, never the long one', async () => {
    const { subscription, refused, unreachable, drops } = subscribe(await hubDown());
    try {
      await vi.waitFor(() => expect(unreachable.draws()).toBeGreaterThanOrEqual(3));
      expect(refused.draws()).toBe(0);
      expect(drops[0]).toMatchObject({ code: 'ECONNREFUSED' });
    } finally {
      subscription.close();
    }
  });

  it.each([502, 503, 504])('treats a proxy’s %i (the hub behind it is down) as no answer', async (status) => {
    const { subscription, refused, unreachable } = subscribe(await hubAnswering(refuseWith(status)));
    try {
      await vi.waitFor(() => expect(unreachable.draws()).toBeGreaterThanOrEqual(2));
      expect(refused.draws()).toBe(0);
    } finally {
      subscription.close();
    }
  });

  it.each([401, 403, 429, 500])('backs off the long way from a hub that answers %i', async (status) => {
    const { subscription, refused, unreachable, drops } = subscribe(await hubAnswering(refuseWith(status)));
    try {
      await vi.waitFor(() => expect(refused.draws()).toBeGreaterThanOrEqual(2));
      expect(unreachable.draws()).toBe(0);
      expect(drops[0]?.message).toContain(`HTTP ${status}`);
    } finally {
      subscription.close();
    }
  });

  it('backs off the long way from a hub that upgrades and drops the socket at once', async () => {
    const wss = new WebSocketServer({ noServer: true });
    const url = await hubAnswering((socket, request, head) => wss.handleUpgrade(request, socket, head, (ws) => ws.close(4403, 'revoked')));
    const { subscription, refused, unreachable } = subscribe(url);
    try {
      await vi.waitFor(() => expect(refused.draws()).toBeGreaterThanOrEqual(2));
      expect(unreachable.draws()).toBe(0);
    } finally {
      subscription.close();
      wss.close();
    }
  });

  it('keeps the reconnection of a hub that is down jittered and within a few seconds by default', () => {
    expect(UNREACHABLE_BACKOFF).toMatchObject({ minMs: 500, maxMs: 3_000, random: Math.random });
  });
});

describe('the rule-set notice', () => {
  it('is passed on with its ETag; a malformed one is ignored and the next is heard', async () => {
    const wss = new WebSocketServer({ noServer: true });
    const url = await hubAnswering((socket, request, head) =>
      wss.handleUpgrade(request, socket, head, (ws) => {
        ws.send(JSON.stringify({ type: 'seq', seq: 7 }));
        for (const bad of [
          { type: 'rules' },
          { type: 'rules', etag: 5 },
          { type: 'rules', etag: '' },
          { type: 'rules', etag: 'x'.repeat(201) },
          { type: 'later' },
        ])
          ws.send(JSON.stringify(bad));
        ws.send(JSON.stringify({ type: 'rules', etag: '"rules-abc"' }));
      }),
    );
    const etags: string[] = [];
    const seqs: number[] = [];
    const { subscription } = subscribe(url, { onRules: (etag) => etags.push(etag), onSeq: (seq) => seqs.push(seq) });
    try {
      await vi.waitFor(() => expect(etags).toEqual(['"rules-abc"']));
      expect(seqs).toEqual([7]);
    } finally {
      subscription.close();
      wss.close();
    }
  });
});
