import type { WebContents } from 'electron';
import { urlOrigin } from './url-origin.js';

/** The part of WebContents the hardening touches, so a test can hand in a fake. */
export type HardenableContents = Pick<WebContents, 'on' | 'setWindowOpenHandler' | 'reload'>;

/**
 * The renderer may show only our own pages: navigation, new windows and <webview>s
 * are refused; if the renderer process dies it is reloaded, so the kiosk heals
 * itself instead of showing a dead window.
 */
export function hardenWebContents(contents: HardenableContents, appOrigin: string, log: (message: string) => void): void {
  // An unparsable URL has no origin, so it is refused too rather than throwing past the check.
  contents.on('will-navigate', (event, url) => {
    if (urlOrigin(url) !== appOrigin) {
      event.preventDefault();
      log(`refused navigation to ${url}`);
    }
  });
  contents.on('will-redirect', (event, url) => {
    if (urlOrigin(url) !== appOrigin) event.preventDefault();
  });
  contents.setWindowOpenHandler(({ url }) => {
    log(`refused new window for ${url}`);
    return { action: 'deny' };
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.on('render-process-gone', (_event, details) => {
    log(`renderer gone (${details.reason}); reloading`);
    contents.reload();
  });
}
