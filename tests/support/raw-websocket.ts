import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';

/**
 * A WebSocket client at the byte level, for attacking a server with frames no real
 * client library would send: an authorised handshake written by hand on a plain TCP
 * connection, then whatever bytes the test chooses, and the server's frames parsed back.
 */

export interface FrameSpec {
  /** Default true. */
  readonly fin?: boolean;
  /** RSV1..RSV3 as the three bits 0b100, 0b010, 0b001 (default 0). */
  readonly rsv?: number;
  readonly opcode: number;
  readonly payload?: Uint8Array;
  /** Client frames must be masked (default true). */
  readonly masked?: boolean;
  /** A length to declare instead of the payload's own (sent as the 64-bit form). */
  readonly declaredLength?: bigint;
}

export const OPCODE = { continuation: 0x0, text: 0x1, binary: 0x2, close: 0x8, ping: 0x9, pong: 0xa } as const;

/** One frame's bytes as a client would put them on the wire (masked unless told otherwise). */
export function encodeFrame(spec: FrameSpec): Buffer {
  const payload = Buffer.from(spec.payload ?? new Uint8Array(0));
  const masked = spec.masked ?? true;
  const first = ((spec.fin ?? true) ? 0x80 : 0) | (((spec.rsv ?? 0) & 0b111) << 4) | (spec.opcode & 0x0f);
  let header: Buffer;
  const length = spec.declaredLength ?? BigInt(payload.length);
  const maskBit = masked ? 0x80 : 0;
  if (spec.declaredLength === undefined && length < 126n) {
    header = Buffer.from([first, maskBit | Number(length)]);
  } else if (spec.declaredLength === undefined && length < 65_536n) {
    header = Buffer.alloc(4);
    header.writeUInt8(first, 0);
    header.writeUInt8(maskBit | 126, 1);
    header.writeUInt16BE(Number(length), 2);
  } else {
    header = Buffer.alloc(10);
    header.writeUInt8(first, 0);
    header.writeUInt8(maskBit | 127, 1);
    header.writeBigUInt64BE(length, 2);
  }
  if (!masked) return Buffer.concat([header, payload]);
  const mask = randomBytes(4);
  const body = Buffer.alloc(payload.length);
  for (let i = 0; i < payload.length; i++) body[i] = (payload[i] as number) ^ (mask[i % 4] as number);
  return Buffer.concat([header, mask, body]);
}

/** A close frame's payload: the code, then a reason. */
export function closePayload(code: number, reason = ''): Buffer {
  const buffer = Buffer.alloc(2 + Buffer.byteLength(reason));
  buffer.writeUInt16BE(code, 0);
  buffer.write(reason, 2);
  return buffer;
}

export interface ServerFrame {
  readonly opcode: number;
  readonly payload: Buffer;
}

/** Server frames (never masked) from the start of `bytes`; an incomplete tail is left out. */
export function parseServerFrames(bytes: Buffer): ServerFrame[] {
  const frames: ServerFrame[] = [];
  let at = 0;
  while (at + 2 <= bytes.length) {
    const opcode = (bytes[at] as number) & 0x0f;
    let length = (bytes[at + 1] as number) & 0x7f;
    let start = at + 2;
    if (length === 126) {
      if (start + 2 > bytes.length) break;
      length = bytes.readUInt16BE(start);
      start += 2;
    } else if (length === 127) {
      if (start + 8 > bytes.length) break;
      length = Number(bytes.readBigUInt64BE(start));
      start += 8;
    }
    if (start + length > bytes.length) break;
    frames.push({ opcode, payload: bytes.subarray(start, start + length) });
    at = start + length;
  }
  return frames;
}

export interface RawWebSocket {
  readonly socket: Socket;
  write(bytes: Uint8Array): void;
  /** The server's frames so far. */
  frames(): ServerFrame[];
  /** Resolves with the code of the server's close frame (undefined: none had a code) once one arrives or the connection ends. */
  closeCode(): Promise<number | undefined>;
  /** Resolves once the TCP connection is closed (both ways). */
  ended(): Promise<void>;
}

/**
 * Opens `ws://<origin>/rpc` with the handshake a page holding the token would make (the
 * rpc subprotocol, the token subprotocol, the server's own Origin), and resolves once the
 * server answered 101. Rejects with the status line when it answers anything else.
 */
export function openRawWebSocket(origin: string, token: string, path = '/rpc'): Promise<RawWebSocket> {
  const { hostname, port } = new URL(origin);
  const socket = connect(Number(port), hostname);
  let head = Buffer.alloc(0);
  let body = Buffer.alloc(0);
  let upgraded = false;
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  // A peer that resets the connection is an outcome the tests look at, not a test failure.
  socket.on('error', () => undefined);
  socket.on('end', () => notify());
  const closeWaiters: (() => void)[] = [];
  const notify = (): void => {
    for (const waiter of closeWaiters.splice(0)) waiter();
  };
  return new Promise((resolve, reject) => {
    socket.once('connect', () => {
      socket.write(
        `GET ${path} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n` +
          `Sec-WebSocket-Protocol: chot-rpc.v1, chot-token.${token}\r\nOrigin: ${origin}\r\n\r\n`,
      );
    });
    socket.once('close', () => {
      notify();
      if (!upgraded) reject(new Error(`the server closed the connection before the upgrade: ${head.toString('latin1').split('\r\n')[0] ?? ''}`));
    });
    socket.on('data', (chunk: Buffer) => {
      if (upgraded) {
        body = Buffer.concat([body, chunk]);
        notify();
        return;
      }
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      const statusLine = head.subarray(0, head.indexOf('\r\n')).toString('latin1');
      if (!/^HTTP\/1\.1 101 /.test(statusLine)) {
        socket.destroy();
        reject(new Error(`handshake refused: ${statusLine}`));
        return;
      }
      upgraded = true;
      body = head.subarray(end + 4);
      resolve({
        socket,
        write: (bytes) => void socket.write(bytes),
        frames: () => parseServerFrames(body),
        closeCode: () =>
          new Promise((done) => {
            const check = (): void => {
              const close = parseServerFrames(body).find((frame) => frame.opcode === OPCODE.close);
              if (close !== undefined) done(close.payload.length >= 2 ? close.payload.readUInt16BE(0) : undefined);
              else if (socket.destroyed || socket.readableEnded) done(undefined);
              else closeWaiters.push(check);
            };
            check();
          }),
        ended: () => closed,
      });
    });
  });
}
