import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadDeviceIdentity } from '../../../../main/hub-client/device-identity.js';
import { HubClient } from '../../../../main/hub-client/hub-client.js';
import { parseRetryAfter } from '../../../../main/hub-client/hub-http.js';
import { HubError, isHubOffline } from '../../../../main/hub-client/hub-error.js';
import { people, testHubKey } from '../../../support/sync-fixtures.js';
import { closeAll, enrolledKiosk, fakeHub } from '../sync/sync-harness.js';

const key = testHubKey();
const servers: { server: Server; sockets: Set<Socket> }[] = [];

afterEach(async () => {
  for (const { server, sockets } of servers.splice(0)) {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  }
  await closeAll();
});

/** A TCP server that accepts connections and never answers. */
async function silentServer(): Promise<string> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => sockets.add(socket));
  servers.push({ server, sockets });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function clientOf(options: { stallTimeoutMs?: number } = {}) {
  const hub = await fakeHub(key, { chunkRecords: 50 });
  hub.publish(people(200));
  hub.buildSnapshot();
  const kiosk = await enrolledKiosk(hub);
  const identity = loadDeviceIdentity(kiosk.dataDir);
  return { hub, client: new HubClient({ url: hub.url, identity, ...options }) };
}

async function drain(body: AsyncIterable<Uint8Array>): Promise<number> {
  let bytes = 0;
  for await (const piece of body) bytes += piece.length;
  return bytes;
}

describe('HubClient', () => {
  it('downloads a snapshot with its headers; If-None-Match gives 304', async () => {
    const { hub, client } = await clientOf();
    const download = await client.snapshot();
    expect(download).toMatchObject({ status: 200, seq: 200, etag: '"snapshot-200"', totalChunks: 4 });
    expect(await drain(download.body)).toBe(hub.snapshotChunks(200)?.reduce((sum, c) => sum + c.length, 0));
    expect(await client.snapshot({ ifNoneMatch: '"snapshot-200"' })).toMatchObject({ status: 304, seq: 200 });
  });

  it('turns the hub’s JSON errors into HubErrors with code, status, message and Retry-After', async () => {
    const { hub, client } = await clientOf();
    hub.fail('delta', { kind: 'error', error: 'busy', message: 'come back later', retryAfterSeconds: 7 });
    await expect(client.delta(0)).rejects.toMatchObject({ name: 'HubError', code: 'busy', status: 503, message: 'come back later', retryAfterMs: 7_000 });
    await expect(client.snapshot({ seq: 3 })).rejects.toMatchObject({ code: 'snapshot-gone', status: 404 });
    await expect(client.snapshot({ from: 99 })).rejects.toMatchObject({ code: 'bad-request', status: 400 });
  });

  it('an unsigned client, or one the hub does not know, is refused by the hub', async () => {
    const { hub } = await clientOf();
    const stranger = new HubClient({ url: hub.url, identity: { deviceId: 'k-nobody', publicKeyRaw: new Uint8Array(32), signRequest: () => ({}) } });
    await expect(stranger.status()).rejects.toMatchObject({ code: 'unsigned', status: 401 });
    await expect(new HubClient({ url: hub.url }).status()).rejects.toThrow(/not enrolled/);
  });

  it('a hub that stops sending mid-body is abandoned after the stall timeout', async () => {
    const { hub, client } = await clientOf({ stallTimeoutMs: 200 });
    hub.fail('snapshot', { kind: 'stall', afterChunks: 1 });
    const download = await client.snapshot();
    const failure = await drain(download.body).catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: 'timeout' });
    expect(isHubOffline(failure)).toBe(true);
  });

  it('a hub that accepts the connection and never answers times out; a closed port is unreachable', async () => {
    const silent = new HubClient({ url: await silentServer(), connectTimeoutMs: 200 });
    await expect(silent.enroll('ABCD', new Uint8Array(32))).rejects.toMatchObject({ code: 'timeout', status: 0 });
    const { hub } = await clientOf();
    const url = hub.url;
    await hub.down();
    const failure = await new HubClient({ url }).enroll('ABCD', new Uint8Array(32)).catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: 'unreachable' });
    expect((failure as Error).message).toContain(`cannot reach the hub at ${url}`);
  });

  it('a caller’s abort stops a download', async () => {
    const { hub, client } = await clientOf();
    hub.fail('snapshot', { kind: 'stall', afterChunks: 1 });
    const controller = new AbortController();
    const download = await client.snapshot({ signal: controller.signal });
    const reading = drain(download.body);
    controller.abort();
    await expect(reading).rejects.toMatchObject({ code: 'aborted' });
  });

  it('the notice socket delivers sequences and reconnects after the hub comes back', async () => {
    const { hub, client } = await clientOf();
    const seen: number[] = [];
    const connections: boolean[] = [];
    const subscription = client.notify((seq) => seen.push(seq), {
      onConnection: (up) => connections.push(up),
      backoff: { minMs: 20, maxMs: 100, random: () => 0.5 },
      unreachableBackoff: { minMs: 20, maxMs: 100, random: () => 0.5 },
    });
    try {
      await vi.waitFor(() => expect(seen).toEqual([200]));
      hub.publish(people(1));
      hub.announce();
      await vi.waitFor(() => expect(seen).toEqual([200, 201]));
      await hub.down();
      await vi.waitFor(() => expect(connections).toContain(false));
      await hub.up();
      await vi.waitFor(() => expect(seen).toEqual([200, 201, 201]));
      expect(hub.count('notify')).toBeGreaterThanOrEqual(2);
    } finally {
      subscription.close();
    }
  });

  it('refuses a hub URL that is not http(s), and reads Retry-After as seconds or a date', () => {
    expect(() => new HubClient({ url: 'ftp://hub' })).toThrow(/http/);
    expect(() => new HubClient({ url: 'http://hub/?x=1' })).toThrow(/query/);
    expect(parseRetryAfter('12')).toBe(12_000);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 4_000)).toBe(6_000);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(new HubError('unreachable', 0, 'y')).toBeInstanceOf(Error);
  });
});
