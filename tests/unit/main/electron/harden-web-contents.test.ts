import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { type HardenableContents, hardenWebContents } from '../../../../main/electron/harden-web-contents.js';

const APP_ORIGIN = 'app://kiosk';

type WindowOpenHandler = Parameters<HardenableContents['setWindowOpenHandler']>[0];
type WindowOpenDetails = Parameters<WindowOpenHandler>[0];

/** A scriptable stand-in for WebContents: events are emitted by the test, calls are recorded. */
class FakeContents extends EventEmitter {
  reloads = 0;
  windowOpenHandler: WindowOpenHandler | undefined;

  setWindowOpenHandler(handler: WindowOpenHandler): void {
    this.windowOpenHandler = handler;
  }

  reload(): void {
    this.reloads += 1;
  }
}

/** An Electron-like event that records whether the handler prevented it. */
function fakeEvent(): { prevented: boolean; preventDefault(): void } {
  return {
    prevented: false,
    preventDefault() {
      this.prevented = true;
    },
  };
}

/** A fresh fake per test, hardened, with the log lines it wrote. */
function hardened(): { contents: FakeContents; logs: string[] } {
  const contents = new FakeContents();
  const logs: string[] = [];
  // The fake implements only the members HardenableContents names; the cast bridges
  // EventEmitter's generic `on` to WebContents' per-event overloads.
  hardenWebContents(contents as unknown as HardenableContents, APP_ORIGIN, (message) => logs.push(message));
  return { contents, logs };
}

describe('hardenWebContents', () => {
  it.each(['https://example.com/', 'http://127.0.0.1:5173/', 'app://evil/index.html', 'file:///etc/passwd', 'about:blank', 'not a url'])(
    'prevents navigation to %s',
    (url) => {
      const { contents, logs } = hardened();
      const event = fakeEvent();
      contents.emit('will-navigate', event, url);
      expect(event.prevented).toBe(true);
      expect(logs.join('\n')).toContain(url);
    },
  );

  it('allows navigation within the kiosk page', () => {
    const { contents, logs } = hardened();
    const event = fakeEvent();
    contents.emit('will-navigate', event, 'app://kiosk/index.html');
    expect(event.prevented).toBe(false);
    expect(logs).toEqual([]);
  });

  it('prevents redirects to another origin and allows them within the app', () => {
    const { contents } = hardened();
    const away = fakeEvent();
    const within = fakeEvent();
    contents.emit('will-redirect', away, 'https://example.com/');
    contents.emit('will-redirect', within, 'app://kiosk/');
    expect(away.prevented).toBe(true);
    expect(within.prevented).toBe(false);
  });

  it('denies every new window, even one for the kiosk page itself', () => {
    const { contents } = hardened();
    expect(contents.windowOpenHandler).toBeDefined();
    for (const url of ['https://example.com/', 'app://kiosk/index.html']) {
      expect(contents.windowOpenHandler?.({ url } as WindowOpenDetails)).toEqual({ action: 'deny' });
    }
  });

  it('prevents attaching a <webview>', () => {
    const { contents } = hardened();
    const event = fakeEvent();
    contents.emit('will-attach-webview', event, {}, {});
    expect(event.prevented).toBe(true);
  });

  it('reloads the page when the renderer process is gone', () => {
    const { contents, logs } = hardened();
    expect(contents.reloads).toBe(0);
    contents.emit('render-process-gone', fakeEvent(), { reason: 'crashed', exitCode: 139 });
    expect(contents.reloads).toBe(1);
    expect(logs.join('\n')).toContain('crashed');
  });
});
