import { describe, expect, it } from 'vitest';
import { kioskWindowOptions } from '../../../../main/electron/window-options.js';

describe('kioskWindowOptions', () => {
  const options = kioskWindowOptions('/opt/chot/preload.cjs');
  const web = options.webPreferences ?? {};

  it('opens a full-screen kiosk window, hidden until ready to show', () => {
    expect(options.kiosk).toBe(true);
    expect(options.fullscreen).toBe(true);
    expect(options.show).toBe(false);
  });

  it('passes the preload path through unchanged', () => {
    expect(web.preload).toBe('/opt/chot/preload.cjs');
  });

  it('isolates and sandboxes the renderer', () => {
    expect(web.contextIsolation).toBe(true);
    expect(web.sandbox).toBe(true);
    expect(web.webSecurity).toBe(true);
    expect(web.allowRunningInsecureContent).toBe(false);
  });

  it('gives Node to no renderer: not the page, its workers or its subframes', () => {
    expect(web.nodeIntegration).toBe(false);
    expect(web.nodeIntegrationInWorker).toBe(false);
    expect(web.nodeIntegrationInSubFrames).toBe(false);
  });

  it('allows no <webview>, no devtools and no navigation by drag and drop', () => {
    expect(web.webviewTag).toBe(false);
    expect(web.devTools).toBe(false);
    expect(web.navigateOnDragDrop).toBe(false);
  });

  it('turns on no experimental Chromium features and no Blink features', () => {
    expect(web.experimentalFeatures).toBe(false);
    expect(web.enableBlinkFeatures).toBeUndefined();
  });

  it('lets the kiosk page start its verdict sounds before any user gesture', () => {
    expect(web.autoplayPolicy).toBe('no-user-gesture-required');
  });
});
