import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { subscribeToHub } from '../../../../main/hub-client/hub-notifier.js';
import { encodeFrame, OPCODE } from '../../../support/raw-websocket.js';

/**
 * The kiosk's side of the hub's notice socket: a hub (or anything posing as it on the
 * network) that breaks the WebSocket protocol costs the kiosk that connection only. The
 * socket is dropped with the error, and the kiosk reconnects and hears the next notice.
 */
let hub: Server | undefined;
const upgraded = new Set<Socket>();
afterEach(async () => {
  for (const socket of upgraded) socket.destroy();
  upgraded.clear();
  await new Promise((resolve) => hub?.close(resolve) ?? resolve(undefined));
});

/** A hub that accepts every upgrade and sends the frames `frames(n)` on the n-th connection (from 1). */
async function rawHub(frames: (connection: number) => Buffer): Promise<{ url: URL; connections: () => number }> {
  let connections = 0;
  hub = createServer();
  hub.on('upgrade', (request, socket: Socket) => {
    connections += 1;
    upgraded.add(socket);
    const accept = createHash('sha1')
      .update(`${String(request.headers['sec-websocket-key'])}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`)
      .digest('base64');
    socket.on('error', () => undefined);
    socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
    socket.write(frames(connections));
  });
  await new Promise<void>((resolve) => hub?.listen(0, '127.0.0.1', resolve));
  return { url: new URL(`http://127.0.0.1:${(hub.address() as AddressInfo).port}/v1/notify`), connections: () => connections };
}

const notice = (seq: number): Buffer => encodeFrame({ opcode: OPCODE.text, payload: Buffer.from(JSON.stringify({ type: 'seq', seq })), masked: false });

describe('hub notice socket: protocol violations by the hub', () => {
  it.each([
    ['a text frame that is not UTF-8', encodeFrame({ opcode: OPCODE.text, payload: Buffer.from([0xff, 0xfe]), masked: false }), 'WS_ERR_INVALID_UTF8'],
    ['a masked frame (a server must not mask)', encodeFrame({ opcode: OPCODE.text, payload: Buffer.from('{}') }), 'WS_ERR_UNEXPECTED_MASK'],
    [
      'a message over the 64 KiB limit',
      encodeFrame({ opcode: OPCODE.text, payload: Buffer.alloc(64 * 1024 + 1, 0x61), masked: false }),
      'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH',
    ],
    ['a declared length of 2^63', encodeFrame({ opcode: OPCODE.binary, declaredLength: 2n ** 63n, masked: false }), 'WS_ERR_UNSUPPORTED_DATA_PAYLOAD_LENGTH'],
    ['opcode 3', encodeFrame({ opcode: 3, masked: false }), 'WS_ERR_INVALID_OPCODE'],
    ['RSV1 set', encodeFrame({ opcode: OPCODE.text, rsv: 0b100, payload: Buffer.from('{}'), masked: false }), 'WS_ERR_UNEXPECTED_RSV_1'],
    ['a ping of 126 bytes', encodeFrame({ opcode: OPCODE.ping, payload: Buffer.alloc(126), masked: false }), 'WS_ERR_INVALID_CONTROL_PAYLOAD_LENGTH'],
  ])('%s: the kiosk drops that connection and reconnects', async (_label, bad, wsError) => {
    const { url, connections } = await rawHub((n) => (n === 1 ? bad : notice(42)));
    const seen: number[] = [];
    const drops: (Error | undefined)[] = [];
    const subscription = subscribeToHub(
      url,
      () => ({}),
      (seq) => seen.push(seq),
      {
        onConnection: (up, error) => {
          if (!up) drops.push(error);
        },
        backoff: { minMs: 10, maxMs: 50, random: () => 0.5 },
      },
    );
    try {
      await vi.waitFor(() => expect(seen).toEqual([42]));
      expect(drops[0]).toMatchObject({ code: wsError });
      expect(connections()).toBe(2);
    } finally {
      subscription.close();
    }
  });
});
