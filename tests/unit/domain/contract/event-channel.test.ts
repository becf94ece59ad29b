import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { KioskEvent } from '../../../../domain/contract/kiosk-events.js';
import { RPC_SUBPROTOCOL, TOKEN_SUBPROTOCOL_PREFIX } from '../../../../domain/contract/rpc-messages.js';
import { createDispatcher } from '../../../../main/contract/contract-dispatcher.js';
import { KioskCore } from '../../../../main/core/kiosk-core.js';
import { createPreloadEvents, EVENT_CHANNEL } from '../../../../main/electron/preload-api.js';
import { startBrowserModeServer, type BrowserModeServer } from '../../../../main/server/browser-mode-server.js';
import { loadStaticFiles } from '../../../../main/server/static-files.js';
import { demoCards } from '../../../../main/demo/demo-people.js';
import { asKioskEvent } from '../../../../domain/contract/kiosk-event-guard.js';
import { tempDataDir } from '../../../support/kiosk-process.js';

const closers: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

async function serve(): Promise<{ core: KioskCore; server: BrowserModeServer }> {
  const rendererDir = tempDataDir('chot-renderer-');
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>kiosk</title>');
  const core = KioskCore.open({ dataDir: tempDataDir(), demo: true });
  closers.push(() => core.close());
  const server = await startBrowserModeServer({
    dispatch: createDispatcher(core, () => undefined),
    files: loadStaticFiles(rendererDir),
    port: 0,
    events: (listener) => core.onEvent(listener),
  });
  closers.push(() => server.close());
  return { core, server };
}

function connect(server: BrowserModeServer, token = server.token): Promise<{ ws: WebSocket; messages: unknown[] } | number> {
  const ws = new WebSocket(`${server.origin.replace('http', 'ws')}/rpc`, [RPC_SUBPROTOCOL, TOKEN_SUBPROTOCOL_PREFIX + token], { origin: server.origin });
  const messages: unknown[] = [];
  ws.on('message', (data) => messages.push(JSON.parse(String(data))));
  closers.push(() => ws.close());
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve({ ws, messages }));
    ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.once('error', reject);
  });
}

const until = async (check: () => boolean): Promise<void> => {
  for (let i = 0; i < 200 && !check(); i += 1) await new Promise((resolve) => setTimeout(resolve, 10));
};

describe('pushed events over the browser-mode WebSocket', () => {
  it('sends a device verdict to every authorised page as {t:"event"}, and passes the renderer’s check', async () => {
    const { core, server } = await serve();
    const a = await connect(server);
    const b = await connect(server);
    expect(await connect(server, 'wrong-token')).toBe(401);
    if (typeof a === 'number' || typeof b === 'number') throw new Error('not connected');
    const text = demoCards()[0]?.qrText ?? '';
    const verdict = await core.submitDeviceScan(
      { source: { kind: 'serial', deviceId: '/dev/ttyACM0' }, text, at: new Date().toISOString() },
      { lane: '1', direction: 'in' },
    );
    await until(() => a.messages.length > 0 && b.messages.length > 0);
    const expected = { t: 'event', event: { name: 'verdict', verdict, source: { kind: 'serial', deviceId: '/dev/ttyACM0' }, lane: '1', direction: 'in' } };
    expect(a.messages).toEqual([expected]);
    expect(b.messages).toEqual([expected]);
    expect(asKioskEvent(expected.event)).toEqual(expected.event);
    // Calls still answer on the same socket beside the events.
    a.ws.send(JSON.stringify({ t: 'call', id: 7, method: 'getKioskInfo', args: [] }));
    await until(() => a.messages.length > 1);
    expect(a.messages[1]).toMatchObject({ t: 'result', id: 7, ok: true });
  });

  it('stops sending once the server is closed', async () => {
    const { core, server } = await serve();
    const a = await connect(server);
    if (typeof a === 'number') throw new Error('not connected');
    await server.close();
    core.devicesChanged();
    expect(a.messages).toEqual([]);
  });
});

describe('the contract’s check of pushed events (preload and renderer)', () => {
  it.each([
    ['no name', { verdict: {} }],
    ['an unknown name', { name: 'reboot' }],
    ['a verdict without an outcome', { name: 'verdict', verdict: { headline: { vi: '', en: '' }, reasons: [], gate: { open: true } } }],
    ['a verdict with an odd outcome', { name: 'verdict', verdict: { outcome: 'blue', headline: { vi: '', en: '' }, reasons: [], gate: { open: true } } }],
    ['devices that are not a list', { name: 'devices', devices: 'all' }],
    ['a device line without words', { name: 'devices', devices: [], deviceLine: { glyph: '⚠' } }],
    ['not an object', 'verdict'],
  ])('drops %s', (_label, value) => {
    expect(asKioskEvent(value)).toBeUndefined();
  });
});

describe('pushed events over the Electron preload', () => {
  it('hands the page the event only (never the IPC event), and only events the contract’s guard accepts', () => {
    const handlers: ((ipcEvent: unknown, ...args: unknown[]) => void)[] = [];
    const events = createPreloadEvents({ on: (channel, listener) => (channel === EVENT_CHANNEL ? handlers.push(listener) : 0) });
    const received: KioskEvent[] = [];
    events.onEvent((event) => received.push(event));
    const devices: KioskEvent = { name: 'devices', devices: [] };
    handlers.forEach((handler) => handler({ sender: 'secret' }, devices));
    handlers.forEach((handler) => handler({ sender: 'secret' }, { name: 'something-else' }));
    // A known name is not enough: the preload checks the shape with the renderer's own guard.
    handlers.forEach((handler) => handler({ sender: 'secret' }, { name: 'verdict', verdict: {} }));
    handlers.forEach((handler) => handler({ sender: 'secret' }, null));
    expect(received).toEqual([devices]);
  });
});
