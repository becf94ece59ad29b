import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ARTEFACT_INDEX_FORMAT } from '../../../../domain/sync/artefact-index.js';
import { ArtefactFetcher, ArtefactUnavailable } from '../../../../main/sync/artefact-fetcher.js';

/** A misbehaving web server, answering each request as `answer` says. */
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});
async function server(answer: (request: IncomingMessage, response: ServerResponse) => void): Promise<string> {
  const http = createServer(answer);
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  closers.push(
    () =>
      new Promise((resolve) => {
        http.close(() => resolve());
        http.closeAllConnections();
      }),
  );
  return `http://127.0.0.1:${(http.address() as AddressInfo).port}/`;
}

const bytes = new Uint8Array(4_000).map((_, i) => i % 251);
const ref = { sha256: createHash('sha256').update(bytes).digest('hex'), bytes: bytes.length };
const noKeys = { byKeyId: () => undefined };

describe('ArtefactFetcher: every read bounded, nothing taken on trust', () => {
  it('refuses an object longer than the index says, before reading it', async () => {
    const base = await server((_request, response) => {
      response.writeHead(200, { 'content-length': String(bytes.length * 100) });
      response.end(Buffer.alloc(bytes.length * 100));
    });
    await expect(new ArtefactFetcher(base, noKeys).chunk(ref)).rejects.toThrow(/400000 bytes, more than the 4000 expected/);
  });

  it('refuses an endless body without a length once it passes the size the index says', async () => {
    const base = await server((_request, response) => {
      response.writeHead(200);
      const timer = setInterval(() => response.write(Buffer.alloc(1_000)), 1);
      response.on('close', () => clearInterval(timer));
    });
    await expect(new ArtefactFetcher(base, noKeys).chunk(ref)).rejects.toThrow(/more than the 4000 bytes expected/);
  });

  it('refuses a server that answers a ranged GET with the whole object (200) after a cut', async () => {
    let requests = 0;
    const base = await server((_request, response) => {
      requests += 1;
      response.writeHead(200, { 'content-length': String(bytes.length) });
      if (requests === 1) response.write(bytes.subarray(0, 1_000), () => response.destroy());
      else response.end(bytes);
    });
    await expect(new ArtefactFetcher(base, noKeys).chunk(ref)).rejects.toThrow(/HTTP 200 to a ranged GET from byte 1000/);
  });

  it('follows no redirect, and refuses an index no pinned key signed', async () => {
    const base = await server((request, response) => {
      if (request.url === '/index.json') {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(
          JSON.stringify({ index: { format: ARTEFACT_INDEX_FORMAT, hubKeyId: 'ffffffff', publishedAt: 1, snapshot: null, deltas: [] }, signature: 'AA==' }),
        );
        return;
      }
      response.writeHead(302, { location: 'http://127.0.0.1:1/elsewhere' });
      response.end();
    });
    const fetcher = new ArtefactFetcher(base, noKeys);
    await expect(fetcher.chunk(ref)).rejects.toThrow(ArtefactUnavailable);
    await expect(fetcher.index()).rejects.toThrow(/artefact index is refused \(unknown-key\)/);
  });
});
