import type { StaticFile } from '../server/static-files.js';

export const APP_SCHEME = 'app';
export const APP_ORIGIN = 'app://kiosk';

/**
 * Serves the renderer in Electron from the same fixed file map browser mode uses, over
 * a privileged `app://` scheme so the page has a real origin and a CSP header.
 */
export function appProtocolHandler(files: ReadonlyMap<string, StaticFile>, csp: string): (request: Request) => Response {
  return (request) => {
    const url = new URL(request.url);
    const file = url.origin === APP_ORIGIN ? files.get(url.pathname) : undefined;
    if (file === undefined) return new Response('not found', { status: 404 });
    return new Response(new Uint8Array(file.body), {
      headers: { 'Content-Type': file.contentType, 'Content-Security-Policy': csp, 'X-Content-Type-Options': 'nosniff' },
    });
  };
}
