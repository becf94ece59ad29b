import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RPC_PATH, RPC_SUBPROTOCOL, TOKEN_SUBPROTOCOL_PREFIX } from '../../domain/contract/rpc-messages.js';
import { demoCards } from '../../main/demo/demo-people.js';
import { launchChromium } from '../support/chromium.js';
import { restartKioskProcess, startKioskProcess, type KioskProcess } from '../support/kiosk-process.js';
import { typeAsWedge } from '../support/wedge-keys.js';

/**
 * A kiosk restarted by its service (same data dir, same port) while its page stays open: the
 * page must leave "Reconnecting…" by itself and decide scans again — while a page of another
 * origin in the same browser still cannot connect, even holding the token, nor fetch it.
 */
let kiosk: KioskProcess;
let browser: Browser;
let page: Page;
let foreign: Server;

const greenCard = (): string => {
  const card = demoCards().find((candidate) => candidate.expected === 'green');
  if (card === undefined) throw new Error('no green demo card');
  return card.qrText;
};

beforeAll(async () => {
  kiosk = await startKioskProcess();
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(kiosk.url);
  await page.waitForSelector('#idle-screen', { state: 'visible', timeout: 10_000 });
  foreign = createServer((_request, response) => {
    response.writeHead(200, { 'Content-Type': 'text/html' });
    response.end('<!doctype html><title>elsewhere</title><p>another site</p>');
  });
  await new Promise<void>((resolve) => foreign.listen(0, '127.0.0.1', resolve));
});

afterAll(async () => {
  await browser?.close();
  await kiosk?.stop();
  await new Promise<void>((resolve) => (foreign === undefined ? resolve() : foreign.close(() => resolve())));
});

describe('a kiosk restart with its page open', () => {
  it('the page shows Reconnecting…, then reconnects by itself and decides a scan', async () => {
    const before = kiosk.url;
    const lost = page.waitForSelector('#app[data-screen="fault"]', { timeout: 15_000 });
    kiosk = await restartKioskProcess(kiosk);
    await lost;
    expect(await page.innerText('#fault-detail')).toContain('Reconnecting');
    // Same data dir, same port: the same kiosk URL, and the page's token still opens it.
    expect(kiosk.url).toBe(before);
    await page.waitForSelector('#app[data-screen="idle"]', { timeout: 30_000 });
    await typeAsWedge(page, greenCard(), { intervalMs: 5 });
    await page.waitForSelector('#verdict-screen[data-verdict="green"]', { state: 'visible', timeout: 10_000 });
  });

  it('a page of another origin cannot connect, even with the token, nor read the kiosk page', async () => {
    const kioskOrigin = new URL(kiosk.url).origin;
    const token = new URLSearchParams(new URL(kiosk.url).hash.slice(1)).get('token') ?? '';
    const other = await browser.newPage();
    await other.goto(`http://127.0.0.1:${(foreign.address() as AddressInfo).port}/`);
    const outcome = await other.evaluate(
      async ({ wsUrl, protocols, pageUrl }) => {
        const socket = await new Promise<string>((resolve) => {
          const ws = new WebSocket(wsUrl, protocols);
          ws.onopen = () => resolve('open');
          ws.onerror = () => resolve('refused');
        });
        const fetched = await fetch(pageUrl).then(
          (response) => response.text().then(() => 'read'),
          () => 'blocked',
        );
        return { socket, fetched };
      },
      { wsUrl: `ws://${new URL(kiosk.url).host}${RPC_PATH}`, protocols: [RPC_SUBPROTOCOL, TOKEN_SUBPROTOCOL_PREFIX + token], pageUrl: `${kioskOrigin}/` },
    );
    await other.close();
    expect(outcome).toEqual({ socket: 'refused', fetched: 'blocked' });
  });
});
