import type { StaticFile } from '../server/static-files.js';
import { urlOrigin } from './url-origin.js';

export const APP_SCHEME = 'app';
export const APP_ORIGIN = 'app://kiosk';

/**
 * Serves the renderer in Electron from the same fixed file map browser mode uses, over
 * a privileged `app://` scheme so the page has a real origin and a CSP header.
 */
export function appProtocolHandler(files: ReadonlyMap<string, StaticFile>, csp: string): (request: Request) => Response {
  return (request) => {
    // `urlOrigin`, not `URL.origin`: the latter is "null" for every `app:` URL.
    const file = urlOrigin(request.url) === APP_ORIGIN ? files.get(new URL(request.url).pathname) : undefined;
    if (file === undefined) return new Response('not found', { status: 404 });
    return new Response(new Uint8Array(file.body), {
      headers: { 'Content-Type': file.contentType, 'Content-Security-Policy': csp, 'X-Content-Type-Options': 'nosniff' },
    });
  };
}
