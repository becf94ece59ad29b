import { generateKeyPairSync } from 'node:crypto';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { deviceIdentityFrom } from '../../../../main/hub-client/device-identity.js';
import { HubClient } from '../../../../main/hub-client/hub-client.js';
import { HubError } from '../../../../main/hub-client/hub-error.js';

/**
 * The kiosk's HTTP client against a "hub" that answers with broken HTTP: every failure is
 * a HubError the sync loop backs off from, never an uncaught error in the kiosk.
 */
const servers: { server: Server; sockets: Set<Socket> }[] = [];
afterEach(async () => {
  for (const { server, sockets } of servers.splice(0)) {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  }
});

/** A TCP server that answers each request with `answer` and then does what `then` says. */
async function brokenHub(answer: string, then: 'end' | 'reset' | 'hold'): Promise<string> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.once('data', () => {
      socket.write(answer);
      if (then === 'end') socket.end();
      else if (then === 'reset') socket.resetAndDestroy();
    });
  });
  servers.push({ server, sockets });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const identity = deviceIdentityFrom('kiosk-1', generateKeyPairSync('ed25519').privateKey);
const snapshotHead = 'HTTP/1.1 200 OK\r\nX-Chot-Seq: 5\r\nX-Chot-Chunks: 1\r\n';

async function drain(body: AsyncIterable<Uint8Array>): Promise<void> {
  for await (const piece of body) void piece;
}

describe('HubClient against broken HTTP', () => {
  it.each([
    ['an answer that is not HTTP', 'SSH-2.0-OpenSSH_9.2\r\n\r\n', 'end'],
    ['headers cut off by a reset', 'HTTP/1.1 200 OK\r\nContent-Le', 'reset'],
    ['a header line without a colon', 'HTTP/1.1 200 OK\r\nbroken header\r\n\r\n{}', 'end'],
  ] as const)('status(): %s is a HubError', async (_label, answer, then) => {
    const client = new HubClient({ url: await brokenHub(answer, then), identity, connectTimeoutMs: 5_000 });
    await expect(client.status()).rejects.toBeInstanceOf(HubError);
  });

  it.each([
    ['a body shorter than its Content-Length', `${snapshotHead}Content-Length: 1000\r\n\r\nabc`, 'end'],
    ['a chunked body with a chunk size that is not hex', `${snapshotHead}Transfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n`, 'end'],
    ['a body reset mid-way', `${snapshotHead}Content-Length: 1000\r\n\r\nabc`, 'reset'],
  ] as const)('a snapshot download: %s is a HubError', async (_label, answer, then) => {
    const client = new HubClient({ url: await brokenHub(answer, then), identity, connectTimeoutMs: 5_000 });
    const download = await client.snapshot();
    await expect(drain(download.body)).rejects.toMatchObject({ name: 'HubError', code: 'interrupted' });
  });
});
