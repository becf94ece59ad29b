import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_ORIGIN, appProtocolHandler } from '../../../../main/electron/app-protocol.js';
import type { StaticFile } from '../../../../main/server/static-files.js';
import { loadStaticFiles } from '../../../../main/server/static-files.js';

const CSP = "default-src 'none'; script-src 'self'";
const INDEX = '<!doctype html><title>Chốt</title>';

let dir: string;
let files: ReadonlyMap<string, StaticFile>;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'chot-app-protocol-'));
  writeFileSync(join(dir, 'index.html'), INDEX);
  writeFileSync(join(dir, 'app.js'), 'void 0;');
  writeFileSync(join(dir, 'styles.css'), 'body{}');
  writeFileSync(join(dir, 'notes.txt'), 'not a renderer file');
  files = loadStaticFiles(dir);
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

const serve = (url: string): Response => appProtocolHandler(files, CSP)(new Request(url));

describe('appProtocolHandler', () => {
  it.each([
    ['/index.html', 'text/html; charset=utf-8'],
    ['/', 'text/html; charset=utf-8'],
    ['/app.js', 'text/javascript; charset=utf-8'],
    ['/styles.css', 'text/css; charset=utf-8'],
  ])('serves %s as %s with the CSP header', async (path, contentType) => {
    const response = serve(`${APP_ORIGIN}${path}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('Content-Type')).toBe(contentType);
    expect(response.headers.get('Content-Security-Policy')).toBe(CSP);
    expect(response.headers.get('X-Content-Type-Options')).toBe('nosniff');
    expect((await response.arrayBuffer()).byteLength).toBeGreaterThan(0);
  });

  it('serves the bytes of the file', async () => {
    expect(await serve(`${APP_ORIGIN}/index.html?v=1`).text()).toBe(INDEX);
  });

  it.each(['/missing.js', '/notes.txt', '/%2e%2e/etc/passwd', '/sub/index.html'])('answers 404 for %s', (path) => {
    const response = serve(`${APP_ORIGIN}${path}`);
    expect(response.status).toBe(404);
    expect(response.headers.get('Content-Security-Policy')).toBeNull();
  });

  it.each(['app://evil/index.html', 'app://kiosk.evil/index.html', 'https://kiosk/index.html', 'file:///index.html'])(
    'answers 404 for another origin: %s',
    (url) => {
      expect(serve(url).status).toBe(404);
    },
  );
});
