import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { RPC_SUBPROTOCOL, TOKEN_SUBPROTOCOL_PREFIX } from '../../../../domain/contract/rpc-messages.js';
import { createDispatcher } from '../../../../main/contract/contract-dispatcher.js';
import { KioskCore } from '../../../../main/core/kiosk-core.js';
import { startBrowserModeServer, type BrowserModeServer } from '../../../../main/server/browser-mode-server.js';
import { loadStaticFiles } from '../../../../main/server/static-files.js';
import { tempDataDir } from '../../../support/kiosk-process.js';

let core: KioskCore;
let server: BrowserModeServer;
const faults: string[] = [];

beforeAll(async () => {
  const rendererDir = tempDataDir('chot-renderer-');
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>kiosk</title>');
  writeFileSync(join(rendererDir, 'app.js'), 'void 0;');
  core = KioskCore.open({ dataDir: tempDataDir(), demo: true });
  server = await startBrowserModeServer({ dispatch: createDispatcher(core, (method) => faults.push(method)), files: loadStaticFiles(rendererDir), port: 0 });
});
afterAll(async () => {
  await server.close();
  core.close();
});

/** Opens the contract socket; resolves with it once open, or with the HTTP status that refused it. */
function connect(options: { token?: string | null; origin?: string }): Promise<WebSocket | number> {
  const protocols = [RPC_SUBPROTOCOL, ...(options.token === null ? [] : [TOKEN_SUBPROTOCOL_PREFIX + (options.token ?? server.token)])];
  const ws = new WebSocket(`${server.origin.replace('http', 'ws')}/rpc`, protocols, { origin: options.origin ?? server.origin });
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.once('error', reject);
  });
}

function call(ws: WebSocket, message: unknown): Promise<Record<string, unknown>> {
  return new Promise((resolve) => {
    ws.once('message', (data) => resolve(JSON.parse(String(data)) as Record<string, unknown>));
    ws.send(JSON.stringify(message));
  });
}

describe('browser-mode server', () => {
  it('prints a kiosk URL on 127.0.0.1 with a long random token', () => {
    expect(server.kioskUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/#token=[A-Za-z0-9_-]{32}$/);
  });

  it.each([
    ['no token', { token: null }],
    ['a wrong token', { token: 'x'.repeat(32) }],
    ['a token of another length', { token: 'short' }],
    ['the right token from another origin', { origin: 'http://evil.example' }],
    ['the right token from localhost instead of 127.0.0.1', { origin: 'http://localhost:1' }],
  ])('refuses a WebSocket with %s', async (_label, options) => {
    expect(await connect(options)).toBe(401);
  });

  it('carries the contract for the page holding the token', async () => {
    const ws = (await connect({})) as WebSocket;
    expect(ws.protocol).toBe(RPC_SUBPROTOCOL);
    const info = await call(ws, { t: 'call', id: 1, method: 'getKioskInfo', args: [] });
    expect(info).toMatchObject({ t: 'result', id: 1, ok: true, value: { wedge: { suffixKey: 'Enter' } } });
    const empty = await call(ws, { t: 'call', id: 2, method: 'submitScan', args: [{ source: { kind: 'serial', deviceId: 'x' }, text: '' }] });
    expect(empty).toMatchObject({ id: 2, ok: true, value: { outcome: 'none', reasons: [{ code: 'scan.empty' }] } });
    const unknown = await call(ws, { t: 'call', id: 3, method: 'close', args: [] });
    expect(unknown).toMatchObject({ id: 3, ok: false, error: { code: 'rpc.unknown-method' } });
    ws.close();
  });

  it('closes a socket that sends something that is not a call', async () => {
    const ws = (await connect({})) as WebSocket;
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    ws.send('not json');
    expect(await closed).toBe(1008);
  });

  it('serves only the renderer’s files, with a strict CSP', async () => {
    const index = await fetch(`${server.origin}/`);
    expect(index.status).toBe(200);
    const csp = index.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain(`connect-src ws://127.0.0.1:${new URL(server.origin).port}`);
    expect(csp).not.toMatch(/ 'unsafe-/);
    // The one file fetched besides the contract: the camera decoder's .wasm, on our own origin.
    expect(csp).toContain(`connect-src ws://127.0.0.1:${new URL(server.origin).port} ${server.origin}/zxing_reader.wasm;`);
    expect((await fetch(`${server.origin}/app.js`)).headers.get('content-type')).toContain('javascript');
    expect((await fetch(`${server.origin}/../package.json`)).status).toBe(404);
    expect((await fetch(`${server.origin}/%2e%2e/package.json`)).status).toBe(404);
    expect((await fetch(`${server.origin}/`, { method: 'POST' })).status).toBe(405);
  });

  it('reported no core faults', () => {
    expect(faults).toEqual([]);
  });
});
