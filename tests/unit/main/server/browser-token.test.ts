import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BROWSER_SECRET_FILE, browserModeToken } from '../../../../main/server/browser-token.js';
import { tempDataDir } from '../../../support/kiosk-process.js';

const ORIGIN = 'http://127.0.0.1:8080';

describe('browserModeToken: stable per data dir and origin, so a page reconnects after a restart', () => {
  it('the same data dir and origin give the same token at every start; the secret is owner-only', () => {
    const dataDir = tempDataDir('chot-token-');
    const lines: string[] = [];
    const first = browserModeToken(dataDir, ORIGIN, (line) => lines.push(line));
    const again = browserModeToken(dataDir, ORIGIN, (line) => lines.push(line));
    expect(first).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(again).toBe(first);
    expect(lines).toEqual([]);
    if (process.platform !== 'win32') expect(statSync(join(dataDir, BROWSER_SECRET_FILE)).mode & 0o777).toBe(0o600);
    // The token is derived, not the secret itself.
    expect(readFileSync(join(dataDir, BROWSER_SECRET_FILE), 'utf8')).not.toContain(first);
  });

  it('another port or another data dir gives another token', () => {
    const dataDir = tempDataDir('chot-token-');
    const token = browserModeToken(dataDir, ORIGIN, () => undefined);
    expect(browserModeToken(dataDir, 'http://127.0.0.1:8081', () => undefined)).not.toBe(token);
    expect(browserModeToken(tempDataDir('chot-token-'), ORIGIN, () => undefined)).not.toBe(token);
  });

  it('a damaged secret is replaced, and said so (old pages need the new URL)', () => {
    const dataDir = tempDataDir('chot-token-');
    const token = browserModeToken(dataDir, ORIGIN, () => undefined);
    writeFileSync(join(dataDir, BROWSER_SECRET_FILE), 'short\n');
    const lines: string[] = [];
    const replaced = browserModeToken(dataDir, ORIGIN, (line) => lines.push(line));
    expect(replaced).not.toBe(token);
    expect(lines.join('\n')).toContain('damaged');
    expect(browserModeToken(dataDir, ORIGIN, () => undefined)).toBe(replaced);
  });
});
