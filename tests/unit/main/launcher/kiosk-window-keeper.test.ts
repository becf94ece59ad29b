import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { keepKioskWindow, type KioskWindowKeeper, type KioskWindowKeeperOptions } from '../../../../main/launcher/kiosk-window-keeper.js';
import { tempDataDir } from '../../../support/kiosk-process.js';
import { completePids, signalOneProcess } from '../../../support/process-ids.js';
import { until } from '../../../support/wait-for.js';

const URL_WITH_TOKEN = 'http://127.0.0.1:45678/#token=Tk_abcdefghijklmnopqrstuvwxyz012345';
const FAST = { minMs: 10, maxMs: 40 };

/** A stand-in for Chromium that notes each start (its pid, one line), then runs `then`. */
function fakeBrowser(then: string): { path: string; pids: () => number[] } {
  const dir = tempDataDir('chot-fake-chromium-');
  const path = join(dir, 'chromium');
  writeFileSync(path, `#!/bin/sh\necho $$ >> "${dir}/starts"\n${then}\n`, { mode: 0o755 });
  const file = join(dir, 'starts');
  return { path, pids: () => (existsSync(file) ? completePids(readFileSync(file, 'utf8')) : []) };
}

const keepers: KioskWindowKeeper[] = [];
afterEach(async () => {
  for (const keeper of keepers.splice(0)) await keeper.close();
});

function keep(chromium: string, lines: string[], pageHeartbeats?: KioskWindowKeeperOptions['pageHeartbeats']): KioskWindowKeeper {
  const keeper = keepKioskWindow(chromium, URL_WITH_TOKEN, {
    log: { warn: (line) => lines.push(`warn ${line}`), error: (line) => lines.push(`error ${line}`) },
    backoff: FAST,
    ...(pageHeartbeats === undefined ? {} : { pageHeartbeats }),
  });
  keepers.push(keeper);
  return keeper;
}

describe('keepKioskWindow: --open keeps the kiosk window up', () => {
  it('a Chromium that cannot start is one bilingual error, not retried, and the kiosk runs on', async () => {
    const lines: string[] = [];
    const keeper = keep(join(tempDataDir('chot-no-chromium-'), 'no-such-chromium'), lines);
    await keeper.gaveUp;
    const errors = lines.filter((line) => line.startsWith('error '));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain('không mở được Chromium');
    expect(errors[0]).toContain('cannot start Chromium');
    expect(keeper.starts).toBe(1);
    expect(lines.join('\n')).not.toContain('Tk_');
  });

  it('a Chromium that dies at once is started again with backoff, each restart logged', async () => {
    const lines: string[] = [];
    const browser = fakeBrowser('exit 1');
    keep(browser.path, lines);
    await until(() => browser.pids().length >= 3);
    const restarts = lines.filter((line) => line.includes('starting it again'));
    expect(restarts.length).toBeGreaterThanOrEqual(2);
    // Backoff: the delays double (10, 20 ms, … capped at 40).
    const delays = restarts.map((line) => Number(/in (\d+) ms/.exec(line)?.[1]));
    expect(delays.slice(0, 2)).toEqual([10, 20]);
  });

  it('a Chromium killed while running comes back; closing the keeper ends it for good', async () => {
    const lines: string[] = [];
    const browser = fakeBrowser('exec sleep 60');
    const keeper = keep(browser.path, lines);
    await until(() => browser.pids().length === 1);
    signalOneProcess(browser.pids()[0], 'SIGKILL');
    await until(() => browser.pids().length === 2);
    expect(keeper.starts).toBe(2);
    await keeper.close();
    const second = browser.pids()[1];
    expect(second).toBeGreaterThan(1);
    expect(() => signalOneProcess(second, 0)).toThrow(/ESRCH/);
    expect(keeper.starts).toBe(2);
  });

  it('a page that stops its heartbeat has its Chromium restarted; a page that keeps beating keeps it', async () => {
    const listeners = new Set<() => void>();
    const heartbeats = { subscribe: (listener: () => void) => (listeners.add(listener), () => listeners.delete(listener)), silentMs: 300 };
    const lines: string[] = [];
    const browser = fakeBrowser('exec sleep 60');
    // The page beats while `beating` is on, as a live page does every few seconds.
    let beating = true;
    const beat = setInterval(() => beating && listeners.forEach((listener) => listener()), 30);
    try {
      const keeper = keep(browser.path, lines, heartbeats);
      await until(() => browser.pids().length === 1);
      // Several silence periods while beating: the window stays (a lower bound; a slow machine only waits longer).
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expect(keeper.starts).toBe(1);
      beating = false;
      await until(() => browser.pids().length === 2);
      expect(lines).toContainEqual(expect.stringMatching(/^warn --open: the kiosk page has been silent for \d+ s; restarting Chromium$/));
      expect(() => signalOneProcess(browser.pids()[0], 0)).toThrow(/ESRCH/);
      await keeper.close();
      expect(listeners.size).toBe(0);
    } finally {
      clearInterval(beat);
    }
  });
});
