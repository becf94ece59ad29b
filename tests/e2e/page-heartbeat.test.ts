import type { WebSocket } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openKioskPage, type KioskPage } from '../support/kiosk-page.js';

/**
 * The kiosk page says it is alive through the contract, every PAGE_HEARTBEAT_MS: what `chot start --open`
 * restarts a silent browser by (main/launcher/kiosk-window-keeper.ts).
 */
let kiosk: KioskPage;

beforeAll(async () => {
  kiosk = await openKioskPage();
});

afterAll(async () => {
  await kiosk.close();
});

interface Frame {
  readonly t: string;
  readonly id: number;
  readonly method?: string;
  readonly ok?: boolean;
}

/** The next heartbeat call the page sends on `socket`, and the core's answer to it. */
function nextHeartbeat(socket: WebSocket): Promise<{ call: Frame; result: Frame }> {
  return new Promise((resolve) => {
    let call: Frame | undefined;
    socket.on('framesent', ({ payload }) => {
      const frame = JSON.parse(String(payload)) as Frame;
      if (call === undefined && frame.method === 'pageHeartbeat') call = frame;
    });
    socket.on('framereceived', ({ payload }) => {
      const frame = JSON.parse(String(payload)) as Frame;
      if (call !== undefined && frame.t === 'result' && frame.id === call.id) resolve({ call, result: frame });
    });
  });
}

describe('the page heartbeat', () => {
  it('is sent every few seconds and accepted by the core', async () => {
    // A reload opens a fresh contract socket this test watches from its first frame.
    const socket = kiosk.page.waitForEvent('websocket');
    await kiosk.page.reload();
    const watched = await socket;
    const first = await nextHeartbeat(watched);
    expect(first.result.ok).toBe(true);
    const second = await nextHeartbeat(watched);
    expect(second.result.ok).toBe(true);
    expect(second.call.id).toBeGreaterThan(first.call.id);
  }, 60_000);
});
