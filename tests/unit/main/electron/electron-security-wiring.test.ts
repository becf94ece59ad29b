// The Electron security checklist as the shell wires it (docs/security.md): each piece has its
// own unit test beside its file; these check that startElectronKiosk actually puts each one
// in place — the window it opens, the IPC handler, the app:// protocol, the session's
// permission handler and the web contents' hardening.
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { EMPTY_DEVICES_CONFIG } from '../../../../main/devices/devices-file.js';
import { CONTRACT_CHANNEL } from '../../../../main/electron/preload-api.js';
import type { LaunchOptions } from '../../../../main/launcher/launch-options.js';
import { runFakeElectron, type ElectronRun } from '../../../support/fake-electron.js';

const LAUNCH: LaunchOptions = { dataDir: '/var/lib/chot', port: 0, open: false, browser: false, camera: false, devicesConfig: EMPTY_DEVICES_CONFIG };

/** An Electron event whose preventDefault the test can see. */
function fakeEvent(): { preventDefault(): void; prevented: boolean } {
  return {
    prevented: false,
    preventDefault() {
      this.prevented = true;
    },
  };
}

/** A web contents as Electron announces it in 'web-contents-created', after the shell hardened it. */
function hardenedContents(run: ElectronRun): EventEmitter & { openWindow(url: string): unknown } {
  let windowOpenHandler: ((details: { url: string }) => unknown) | undefined;
  const contents = Object.assign(new EventEmitter(), {
    setWindowOpenHandler: (handler: (details: { url: string }) => unknown) => void (windowOpenHandler = handler),
    reload: () => undefined,
    openWindow: (url: string) => windowOpenHandler?.({ url }),
  });
  for (const listener of run.appListeners.get('web-contents-created') ?? []) listener({}, contents);
  return contents;
}

/** What the session's permission request handler answered. */
function requestPermission(run: ElectronRun, permission: string, details: { requestingUrl?: string; mediaTypes?: string[] }): boolean | undefined {
  let answer: boolean | undefined;
  run.permissionRequest?.(null, permission, (granted) => (answer = granted), details);
  return answer;
}

describe('the Electron shell puts the security checklist in place', () => {
  it('opens its window sandboxed and context-isolated, with no Node, web security on and its preload only', async () => {
    const run = await runFakeElectron(LAUNCH);
    const web = run.windows[0]?.options?.webPreferences;
    expect(web).toMatchObject({
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
    expect(web?.preload).toMatch(/[/\\]main[/\\]electron[/\\]preload\.cjs$/);
  });

  it('loads its own app:// page, never a file:// or network URL', async () => {
    const run = await runFakeElectron(LAUNCH);
    expect(run.windows[0]?.loaded.map((url) => new URL(url).protocol)).toEqual(['app:']);
  });

  it('refuses a contract call from a frame that is not the kiosk page, before the core sees it', async () => {
    const run = await runFakeElectron(LAUNCH);
    const handle = run.ipcHandlers.get(CONTRACT_CHANNEL);
    // The fake runtime's core has no methods: a call that reached it would fail otherwise.
    await expect(handle?.({ senderFrame: { url: 'https://example.com/' } }, 'getKioskInfo', [])).resolves.toMatchObject({
      ok: false,
      error: { code: 'rpc.forbidden' },
    });
  });

  it('serves its page with a Content-Security-Policy that allows no inline code and no framing, and nothing for another app:// host', async () => {
    const run = await runFakeElectron(LAUNCH);
    const page = run.appProtocol?.(new Request('app://kiosk/index.html'));
    const csp = page?.headers.get('Content-Security-Policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(run.appProtocol?.(new Request('app://evil/index.html')).status).toBe(404);
  });

  it.each([
    ['notifications', { requestingUrl: 'app://kiosk/index.html' }],
    ['geolocation', { requestingUrl: 'app://kiosk/index.html' }],
    ['openExternal', { requestingUrl: 'app://kiosk/index.html' }],
    ['hid', { requestingUrl: 'app://kiosk/index.html' }],
    ['serial', { requestingUrl: 'app://kiosk/index.html' }],
    ['media', { requestingUrl: 'app://kiosk/index.html', mediaTypes: ['video'] }],
  ])('refuses the permission %s through the session (camera off)', async (permission, details) => {
    const run = await runFakeElectron(LAUNCH);
    expect(requestPermission(run, permission, details)).toBe(false);
  });

  it('every web contents created refuses leaving the app origin, new windows and <webview>', async () => {
    const run = await runFakeElectron(LAUNCH);
    const contents = hardenedContents(run);
    const navigation = fakeEvent();
    contents.emit('will-navigate', navigation, 'https://example.com/');
    const webview = fakeEvent();
    contents.emit('will-attach-webview', webview, {}, {});
    expect(navigation.prevented).toBe(true);
    expect(webview.prevented).toBe(true);
    expect(contents.openWindow('https://example.com/')).toEqual({ action: 'deny' });
  });
});
