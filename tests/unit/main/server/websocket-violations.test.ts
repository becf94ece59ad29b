import { connect } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { answersACall, startServerProcess, type ServerProcess } from '../../../support/browser-server-process.js';
import { closePayload, encodeFrame, OPCODE, openRawWebSocket } from '../../../support/raw-websocket.js';

/**
 * A page holding the start token can send any bytes after the handshake. Whatever it
 * sends, only its own socket may suffer: closed with the code RFC 6455 gives the fault,
 * logged, and the kiosk answering the next page as before. The server runs in a child
 * process so that a crash shows as its exit, not as the test runner's.
 */
let server: ServerProcess;

beforeAll(async () => {
  server = await startServerProcess();
});
// Each case on a live server, so that one crash does not hide what the others would show.
beforeEach(async () => {
  if (!server.alive()) server = await startServerProcess();
});
afterAll(async () => {
  await server?.stop();
});

const text = (value: string): Buffer => Buffer.from(value, 'utf8');
const KIB = 1024;

// [what the page sends, its bytes, the close code expected, the ws error code logged]
const violations: readonly [string, () => Buffer, number, string][] = [
  ['a text frame that is not UTF-8 (ff fe)', () => encodeFrame({ opcode: OPCODE.text, payload: Buffer.from([0xff, 0xfe]) }), 1007, 'WS_ERR_INVALID_UTF8'],
  [
    'a message over the 256 KiB limit',
    () => encodeFrame({ opcode: OPCODE.text, payload: Buffer.alloc(256 * KIB + 1, 0x61) }),
    1009,
    'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH',
  ],
  [
    'a fragmented message that grows over the limit',
    () =>
      Buffer.concat([
        encodeFrame({ fin: false, opcode: OPCODE.text, payload: Buffer.alloc(200 * KIB, 0x61) }),
        encodeFrame({ opcode: OPCODE.continuation, payload: Buffer.alloc(100 * KIB, 0x61) }),
      ]),
    1009,
    'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH',
  ],
  ['a declared length of 2^63', () => encodeFrame({ opcode: OPCODE.binary, declaredLength: 2n ** 63n }), 1009, 'WS_ERR_UNSUPPORTED_DATA_PAYLOAD_LENGTH'],
  ['an unmasked frame', () => encodeFrame({ opcode: OPCODE.text, payload: text('{}'), masked: false }), 1002, 'WS_ERR_EXPECTED_MASK'],
  ['RSV1 set (no extension was agreed)', () => encodeFrame({ opcode: OPCODE.text, rsv: 0b100, payload: text('{}') }), 1002, 'WS_ERR_UNEXPECTED_RSV_1'],
  ['RSV2 and RSV3 set', () => encodeFrame({ opcode: OPCODE.text, rsv: 0b011, payload: text('{}') }), 1002, 'WS_ERR_UNEXPECTED_RSV_2_3'],
  ['opcode 3 (reserved)', () => encodeFrame({ opcode: 3, payload: text('x') }), 1002, 'WS_ERR_INVALID_OPCODE'],
  ['opcode 11 (reserved control)', () => encodeFrame({ opcode: 11 }), 1002, 'WS_ERR_INVALID_OPCODE'],
  ['a close frame with code 999', () => encodeFrame({ opcode: OPCODE.close, payload: closePayload(999) }), 1002, 'WS_ERR_INVALID_CLOSE_CODE'],
  ['a close frame of one byte', () => encodeFrame({ opcode: OPCODE.close, payload: Buffer.from([3]) }), 1002, 'WS_ERR_INVALID_CONTROL_PAYLOAD_LENGTH'],
  [
    'a close reason that is not UTF-8',
    () => encodeFrame({ opcode: OPCODE.close, payload: Buffer.concat([closePayload(1000), Buffer.from([0xc3, 0x28])]) }),
    1007,
    'WS_ERR_INVALID_UTF8',
  ],
  ['a ping of 126 bytes', () => encodeFrame({ opcode: OPCODE.ping, payload: Buffer.alloc(126, 1) }), 1002, 'WS_ERR_INVALID_CONTROL_PAYLOAD_LENGTH'],
  ['a fragmented ping', () => encodeFrame({ fin: false, opcode: OPCODE.ping, payload: text('p') }), 1002, 'WS_ERR_EXPECTED_FIN'],
  ['a continuation frame without a start', () => encodeFrame({ opcode: OPCODE.continuation, payload: text('x') }), 1002, 'WS_ERR_INVALID_OPCODE'],
  [
    'a new text frame inside a fragmented message',
    () => Buffer.concat([encodeFrame({ fin: false, opcode: OPCODE.text, payload: text('{"t":') }), encodeFrame({ opcode: OPCODE.text, payload: text('{}') })]),
    1002,
    'WS_ERR_INVALID_OPCODE',
  ],
];

describe('browser-mode server: WebSocket protocol violations after an authorised handshake', () => {
  it.each(violations)('%s: that socket is closed with its code, logged, and the kiosk serves on', async (_label, bytes, code, wsError) => {
    const mark = server.log().length;
    const attacker = await openRawWebSocket(server.origin, server.token);
    attacker.write(bytes());
    expect(await attacker.closeCode()).toBe(code);
    attacker.socket.end();
    await attacker.ended();
    const line = await server.logLine(new RegExp(`protocol error.*${wsError}`), mark);
    expect(line).toContain(`close code ${code}`);
    expect(await answersACall(server)).toMatchObject({ t: 'result', id: 7, ok: true });
    expect(server.alive()).toBe(true);
  });

  it.each([
    ['a text message that is not JSON', encodeFrame({ opcode: OPCODE.text, payload: text('not json') })],
    ['a binary message', encodeFrame({ opcode: OPCODE.binary, payload: text('{"t":"call","id":1,"method":"getKioskInfo","args":[]}') })],
    ['JSON that is not a call', encodeFrame({ opcode: OPCODE.text, payload: text('{"t":"result","id":1}') })],
  ])('%s: closed with 1008 and logged', async (_label, bytes) => {
    const mark = server.log().length;
    const attacker = await openRawWebSocket(server.origin, server.token);
    attacker.write(bytes);
    expect(await attacker.closeCode()).toBe(1008);
    attacker.socket.end();
    await server.logLine(/not a contract call.*close code 1008/, mark);
    expect(await answersACall(server)).toMatchObject({ ok: true });
    expect(server.alive()).toBe(true);
  });

  it('a connection dropped in the middle of a frame costs nothing', async () => {
    const attacker = await openRawWebSocket(server.origin, server.token);
    attacker.write(encodeFrame({ opcode: OPCODE.text, payload: Buffer.alloc(1000, 0x61) }).subarray(0, 500));
    attacker.socket.resetAndDestroy();
    await attacker.ended();
    expect(await answersACall(server)).toMatchObject({ ok: true });
    expect(server.alive()).toBe(true);
  });
});

describe('browser-mode server: broken HTTP', () => {
  /** Writes raw bytes on a new connection and resolves with what came back before it closed. */
  function rawHttp(bytes: string | Buffer, options: { reset?: boolean } = {}): Promise<string> {
    const { hostname, port } = new URL(server.origin);
    const socket = connect(Number(port), hostname);
    let answer = '';
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString('latin1')));
    socket.on('error', () => undefined);
    return new Promise((resolve) => {
      socket.once('connect', () => {
        socket.write(bytes);
        if (options.reset === true) socket.resetAndDestroy();
        else socket.end();
      });
      socket.once('close', () => resolve(answer));
    });
  }

  it.each([
    ['a request line that is not HTTP', 'HELLO\r\n\r\n', /^HTTP\/1\.1 400/],
    ['a header without a colon', 'GET / HTTP/1.1\r\nHost 127.0.0.1\r\n\r\n', /^HTTP\/1\.1 400/],
    ['a request body cut short', 'POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1000000\r\n\r\nabc', /^(HTTP\/1\.1 405|)/],
    ['a chunked body that is not chunked', 'POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n', /^(HTTP\/1\.1 (400|405)|)/],
    ['a 100 KiB header', `GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ${'a'.repeat(100 * KIB)}\r\n\r\n`, /^(HTTP\/1\.1 431|)/],
    [
      'an upgrade to another path',
      'GET /other HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: AAAAAAAAAAAAAAAAAAAAAA==\r\nSec-WebSocket-Version: 13\r\n\r\n',
      /^HTTP\/1\.1 400/,
    ],
    [
      'an upgrade with a bad key',
      'GET /rpc HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: x\r\nSec-WebSocket-Version: 13\r\n\r\n',
      /^HTTP\/1\.1 400/,
    ],
  ])('%s is refused and the kiosk serves on', async (_label, bytes, expected) => {
    expect(await rawHttp(bytes)).toMatch(expected);
    expect((await fetch(`${server.origin}/`)).status).toBe(200);
    expect(server.alive()).toBe(true);
  });

  it('requests whose connection is reset at once (many) leave the kiosk serving', async () => {
    await Promise.all(Array.from({ length: 50 }, () => rawHttp(`GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`, { reset: true })));
    await Promise.all(Array.from({ length: 20 }, () => rawHttp(`POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 99999\r\n\r\nxx`, { reset: true })));
    expect((await fetch(`${server.origin}/`)).status).toBe(200);
    expect(await answersACall(server)).toMatchObject({ ok: true });
    expect(server.alive()).toBe(true);
  });
});
