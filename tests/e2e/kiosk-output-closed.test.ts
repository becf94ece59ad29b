import { afterAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startKioskProcess, type KioskProcess } from '../support/kiosk-process.js';

/**
 * The kiosk outlives whoever reads its output: a log reader that dies (a pipe into `tee`
 * or a logger that is restarted) turns the kiosk's next log line into EPIPE, which must
 * cost the log line, not the kiosk.
 */
let kiosk: KioskProcess | undefined;
afterAll(async () => {
  await kiosk?.stop();
});

/** Connects a page as the renderer does (which makes the kiosk log a line) and makes one call. */
async function pageCall(url: string): Promise<unknown> {
  const { origin, hash } = new URL(url);
  const token = new URLSearchParams(hash.slice(1)).get('token') ?? '';
  const ws = new WebSocket(`${origin.replace('http', 'ws')}/rpc`, ['chot-rpc.v1', `chot-token.${token}`], { origin });
  try {
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    const reply = new Promise<unknown>((resolve, reject) => {
      ws.once('message', (data) => resolve(JSON.parse(String(data))));
      ws.once('close', () => reject(new Error('the kiosk closed the socket')));
    });
    ws.send(JSON.stringify({ t: 'call', id: 1, method: 'getKioskStatus', args: [] }));
    return await reply;
  } finally {
    ws.close();
  }
}

describe('chot start with its output closed', () => {
  it('keeps serving after stdout and stderr are closed by their reader', async () => {
    kiosk = await startKioskProcess();
    const exited = new Promise<void>((resolve) => kiosk?.child.once('exit', () => resolve()));
    kiosk.child.stdout?.destroy();
    kiosk.child.stderr?.destroy();
    // Each page that connects and leaves is a log line on stderr, now a closed pipe.
    expect(await pageCall(kiosk.url)).toMatchObject({ ok: true });
    expect(await pageCall(kiosk.url)).toMatchObject({ ok: true });
    expect(await pageCall(kiosk.url)).toMatchObject({ ok: true });
    expect(kiosk.child.exitCode).toBeNull();
    await kiosk.stop();
    await exited;
    // Stopped by the test's SIGTERM (exit code 0), not by an EPIPE.
    expect(kiosk.child.exitCode).toBe(0);
  });
});
