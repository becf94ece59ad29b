import { chmodSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { launchPageHtml, openKioskWindow } from '../../../../main/launcher/chromium.js';
import { tempDataDir } from '../../../support/kiosk-process.js';
import { until } from '../../../support/wait-for.js';

const TOKEN = 'Tk_abcdefghijklmnopqrstuvwxyz012345';
const URL_WITH_TOKEN = `http://127.0.0.1:45678/#token=${TOKEN}&camera=1`;

/** A stand-in for Chromium that writes down its argv and environment, then waits to be ended. */
function recordingBrowser(): { path: string; argv: () => string[]; environ: () => string } {
  const dir = tempDataDir('chot-fake-chromium-');
  const path = join(dir, 'chromium');
  // The environment first, argv last: argv appearing (by rename) is the sign both are written.
  writeFileSync(path, `#!/bin/sh\nenv > "${dir}/environ"\nprintf '%s\\n' "$@" > "${dir}/argv.tmp" && mv "${dir}/argv.tmp" "${dir}/argv"\nexec sleep 60\n`, {
    mode: 0o755,
  });
  return { path, argv: () => readFileSync(join(dir, 'argv'), 'utf8').trim().split('\n'), environ: () => readFileSync(join(dir, 'environ'), 'utf8') };
}

/** Where the launch page sends the browser: its script run against a stand-in `location`. */
function forwardsTo(html: string): string | undefined {
  const script = /<script>([\s\S]*)<\/script>/.exec(html)?.[1];
  let target: string | undefined;
  runInNewContext(script ?? '', { location: { replace: (url: string) => (target = url) } });
  return target;
}

describe('openKioskWindow', () => {
  it('gives Chromium a launch page in its owner-only profile, never the token', async () => {
    const browser = recordingBrowser();
    const window = openKioskWindow(browser.path, URL_WITH_TOKEN, () => undefined);
    await until(() => existsSync(join(browser.path, '..', 'argv')));
    const argv = browser.argv();
    expect(argv.join(' ')).not.toContain(TOKEN);
    expect(browser.environ()).not.toContain(TOKEN);
    const app = argv.find((arg) => arg.startsWith('--app='))?.slice('--app='.length) ?? '';
    expect(app).toMatch(/^file:\/\/.*\/launch\.html$/);
    const page = fileURLToPath(app);
    expect(argv).toContain(`--user-data-dir=${window.profileDir}`);
    expect(page.startsWith(`${window.profileDir}/`)).toBe(true);
    expect(statSync(window.profileDir).mode & 0o777).toBe(0o700);
    expect(statSync(page).mode & 0o777).toBe(0o600);
    expect(forwardsTo(readFileSync(page, 'utf8'))).toBe(URL_WITH_TOKEN);
    // The verdict sounds play before anyone touches the screen (a device scanner's verdict).
    expect(argv).toContain('--autoplay-policy=no-user-gesture-required');
    await window.close();
    expect(window.process.signalCode).toBe('SIGTERM');
    // The launch page held the token: it goes with the profile.
    expect(existsSync(window.profileDir)).toBe(false);
  });

  it.each([
    ['missing', (dir: string) => join(dir, 'no-such-chromium'), 'ENOENT'],
    [
      'not executable',
      (dir: string) => {
        const path = join(dir, 'chromium');
        writeFileSync(path, '#!/bin/sh\n');
        chmodSync(path, 0o644);
        return path;
      },
      'EACCES',
    ],
  ])('a Chromium that is %s is logged and the kiosk runs on', async (_label, make, code) => {
    const lines: string[] = [];
    const window = openKioskWindow(make(tempDataDir('chot-no-chromium-')), URL_WITH_TOKEN, (line) => lines.push(line));
    await window.exited;
    await window.close();
    expect(lines.join('\n')).toContain(code);
    expect(lines.join('\n')).not.toContain(TOKEN);
    expect(existsSync(window.profileDir)).toBe(false);
  });
});

describe('launchPageHtml', () => {
  it('forwards to exactly the URL, even one that tries to end the script', () => {
    const hostile = 'http://127.0.0.1:1/#token=x</script><script>alert(1)</script>"\'\\';
    const html = launchPageHtml(hostile);
    expect(html.match(/<\/script>/g)).toHaveLength(1);
    expect(forwardsTo(html)).toBe(hostile);
  });
});
