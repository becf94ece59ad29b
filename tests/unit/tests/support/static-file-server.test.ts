import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStaticFileServer, parseByteRange } from '../../../support/static-file-server.js';

describe('parseByteRange', () => {
  it('reads the forms a resumed download sends, and clamps the end to the file', () => {
    expect(parseByteRange('bytes=0-99', 1000)).toEqual({ start: 0, end: 99 });
    expect(parseByteRange('bytes=900-', 1000)).toEqual({ start: 900, end: 999 });
    expect(parseByteRange('bytes=900-5000', 1000)).toEqual({ start: 900, end: 999 });
    expect(parseByteRange('bytes=-10', 1000)).toEqual({ start: 990, end: 999 });
  });

  it('refuses a range beyond the file, and ignores what it does not support (the whole file is then a valid answer)', () => {
    expect(parseByteRange('bytes=1000-', 1000)).toBe('unsatisfiable');
    expect(parseByteRange('bytes=50-10', 1000)).toBe('unsatisfiable');
    expect(parseByteRange(undefined, 1000)).toBeUndefined();
    expect(parseByteRange('bytes=0-1,5-9', 1000)).toBeUndefined();
    expect(parseByteRange('items=0-1', 1000)).toBeUndefined();
  });
});

describe('the static file server', () => {
  const dir = mkdtempSync(join(tmpdir(), 'chot-static-'));
  const bytes = Buffer.from(Array.from({ length: 5000 }, (_, i) => i % 251));
  let server: Server;
  let base: string;

  beforeAll(async () => {
    writeFileSync(join(dir, 'snapshot-7-abc.chsy'), bytes);
    mkdirSync(join(dir, 'chunks'));
    writeFileSync(join(dir, 'chunks', 'inner.chsy'), bytes);
    writeFileSync(join(dir, 'chunks', '.hidden'), bytes);
    server = createStaticFileServer(dir);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves a file whole, and a byte range of it as 206 with its Content-Range', async () => {
    const whole = await fetch(`${base}/snapshot-7-abc.chsy`);
    expect(whole.status).toBe(200);
    expect(whole.headers.get('accept-ranges')).toBe('bytes');
    expect(Buffer.from(await whole.arrayBuffer()).equals(bytes)).toBe(true);

    const part = await fetch(`${base}/snapshot-7-abc.chsy`, { headers: { range: 'bytes=4096-' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe('bytes 4096-4999/5000');
    expect(Buffer.from(await part.arrayBuffer()).equals(bytes.subarray(4096))).toBe(true);
  });

  it('answers 304 to its own ETag and 416 to a range past the end', async () => {
    const etag = (await fetch(`${base}/snapshot-7-abc.chsy`, { method: 'HEAD' })).headers.get('etag') ?? '';
    expect(etag).not.toBe('');
    expect((await fetch(`${base}/snapshot-7-abc.chsy`, { headers: { 'if-none-match': etag } })).status).toBe(304);
    const past = await fetch(`${base}/snapshot-7-abc.chsy`, { headers: { range: 'bytes=5000-' } });
    expect(past.status).toBe(416);
    expect(past.headers.get('content-range')).toBe('bytes */5000');
  });

  it('serves only files under its directory: none above it, no dot files, no listing', async () => {
    expect((await fetch(`${base}/chunks/inner.chsy`)).status).toBe(200);
    expect((await fetch(`${base}/chunks/.hidden`)).status).toBe(404);
    expect((await fetch(`${base}/chunks/`)).status).toBe(404);
    expect((await fetch(`${base}/missing.chsy`)).status).toBe(404);
    expect((await fetch(`${base}/..%2Fetc%2Fpasswd`)).status).toBe(404);
    expect((await fetch(`${base}/`)).status).toBe(404);
    expect((await fetch(`${base}/snapshot-7-abc.chsy`, { method: 'DELETE' })).status).toBe(405);
  });
});
