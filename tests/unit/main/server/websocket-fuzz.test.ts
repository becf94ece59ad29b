import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answersACall, startServerProcess, type ServerProcess } from '../../../support/browser-server-process.js';
import { encodeFrame, OPCODE, openRawWebSocket } from '../../../support/raw-websocket.js';

/**
 * Random bytes after a real, authorised handshake: whatever a page holding the token
 * sends, the kiosk (its own process here) never dies and still answers the next page.
 * The hand-picked violations are in websocket-violations.test.ts; this keeps the space
 * between them covered.
 */
let server: ServerProcess;

beforeAll(async () => {
  server = await startServerProcess();
});
afterAll(async () => {
  await server?.stop();
});

/** Sends the bytes on a fresh authorised socket, then half-closes and waits until the server has let go. */
async function attack(bytes: Uint8Array): Promise<void> {
  const socket = await openRawWebSocket(server.origin, server.token);
  socket.write(bytes);
  socket.socket.end();
  await socket.ended();
}

const frame = fc
  .record({
    fin: fc.boolean(),
    rsv: fc.integer({ min: 0, max: 7 }),
    opcode: fc.integer({ min: 0, max: 15 }),
    // Mostly masked, as a client must: an unmasked frame ends the socket at once.
    masked: fc.integer({ min: 0, max: 9 }).map((n) => n > 0),
    payload: fc.uint8Array({ maxLength: 300 }),
  })
  .map((spec) => encodeFrame(spec));
/** Mostly well-formed frames with fields drawn at random, sometimes cut short. */
const frames = fc.tuple(fc.array(frame, { minLength: 1, maxLength: 4 }), fc.nat()).map(([parts, cut]) => {
  const all = Buffer.concat(parts);
  return cut % 4 === 0 ? all.subarray(0, cut % (all.length + 1)) : all;
});
/** Text frames holding JSON that is almost a call: method and args anything. */
const calls = fc
  .record({
    t: fc.constantFrom('call', 'result', 'event', 1),
    id: fc.oneof(fc.integer(), fc.double(), fc.string()),
    method: fc.oneof(fc.constantFrom('submitScan', 'getKioskInfo', 'overrideLastVerdict', '__proto__', 'constructor'), fc.string()),
    args: fc.jsonValue(),
  })
  .map((message) => encodeFrame({ opcode: OPCODE.text, payload: Buffer.from(JSON.stringify(message)) }));

describe('browser-mode server under random frames', () => {
  it.each([
    ['raw random bytes', fc.uint8Array({ minLength: 1, maxLength: 400 })],
    ['random frames', frames],
    ['near-calls', calls],
  ] as const)('%s never take the kiosk down', async (_label, bytes) => {
    await fc.assert(
      fc.asyncProperty(bytes, async (payload) => {
        await attack(payload);
        expect(server.alive()).toBe(true);
      }),
      { numRuns: 150 },
    );
    expect(await answersACall(server, 'getKioskInfo', 1)).toMatchObject({ t: 'result', id: 1, ok: true });
    expect(server.alive()).toBe(true);
    // Faults of the core would mean a bad call got past the dispatcher's checks.
    expect(server.log()).not.toContain('core fault');
  });
});
