import { describe, expect, it } from 'vitest';
import { urlOrigin } from '../../../../main/electron/url-origin.js';

describe('urlOrigin', () => {
  it.each([
    // The reason the helper exists: `new URL('app://kiosk/').origin` is "null".
    ['app://kiosk/index.html', 'app://kiosk'],
    ['app://kiosk/', 'app://kiosk'],
    ['app://KIOSK/app.js', 'app://kiosk'],
    ['app://evil/index.html', 'app://evil'],
    ['app://kiosk:8080/', 'app://kiosk:8080'],
    ['http://127.0.0.1:5173/index.html', 'http://127.0.0.1:5173'],
    ['https://example.com/a?b#c', 'https://example.com'],
  ])('%s has the origin %s', (url, origin) => {
    expect(urlOrigin(url)).toBe(origin);
  });

  it.each(['file:///opt/chot/index.html', 'about:blank', 'data:text/html,hi', 'javascript:alert(1)', 'not a url', ''])('%j has no origin', (url) => {
    expect(urlOrigin(url)).toBeNull();
  });
});
