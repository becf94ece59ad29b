import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKioskProcess, tempDataDir, type KioskProcess } from '../support/kiosk-process.js';
import { hasField, openFakeNotifySocket, statusOf, type FakeNotifySocket, type NotifyMessage } from '../support/notify-socket.js';
import { makeDirReadOnly } from '../support/read-only-dir.js';

/**
 * `chot start` under a systemd that is a test: NOTIFY_SOCKET is a unix datagram socket the test
 * reads, WatchdogSec is short. The kiosk says READY, pings, and stops pinging while its scan
 * path is broken (an entry log it cannot write, an event loop that does not run), so that the
 * real systemd would restart it.
 */
const WATCHDOG_MS = 600;
const LOOP_BLOCK_MS = 3_000;

let socket: FakeNotifySocket;
let kiosk: KioskProcess;

const isPing = hasField('WATCHDOG=1');
const statusMatches =
  (pattern: RegExp) =>
  (message: NotifyMessage): boolean =>
    pattern.test(statusOf(message) ?? '');

beforeAll(async () => {
  socket = await openFakeNotifySocket(tempDataDir('chot-notify-'));
  kiosk = await startKioskProcess({
    env: {
      ...process.env,
      NOTIFY_SOCKET: socket.path,
      WATCHDOG_USEC: String(WATCHDOG_MS * 1000),
      CHOT_TEST_BLOCK_LOOP_MS: String(LOOP_BLOCK_MS),
    },
  });
});

afterAll(async () => {
  await kiosk.stop();
  socket.close();
});

describe('the kiosk as a systemd service', () => {
  it('says READY with a status, then keeps pinging the watchdog', async () => {
    const ready = await socket.next(hasField('READY=1'));
    expect(statusOf(ready)).toBe('Chốt: scan path healthy');
    const readyAt = socket.messages.indexOf(ready);
    const first = await socket.next(isPing, readyAt + 1);
    await socket.next(isPing, socket.messages.indexOf(first) + 1);
  });

  it('stops pinging while the entry log cannot be written, and pings again once it can', async () => {
    const undo = makeDirReadOnly(kiosk.dataDir);
    let unhealthy: NotifyMessage;
    try {
      unhealthy = await socket.next(statusMatches(/^Chốt: scan path NOT healthy: .*entry log not writable: E(PERM|ACCES)/), socket.messages.length);
      const from = socket.messages.indexOf(unhealthy) + 1;
      // Several watchdog intervals with no ping: the real systemd would have restarted the kiosk.
      await new Promise((resolve) => setTimeout(resolve, 4 * WATCHDOG_MS));
      expect(socket.messages.slice(from).filter(isPing)).toEqual([]);
    } finally {
      undo();
    }
    const healthy = await socket.next(statusMatches(/^Chốt: scan path healthy$/), socket.messages.indexOf(unhealthy) + 1);
    expect(healthy.fields).toContain('WATCHDOG=1');
  });

  it('sends no ping while its event loop is blocked, and says so once it runs again', async () => {
    const from = socket.messages.length;
    const lastPingBefore = [...socket.messages].reverse().find(isPing);
    expect(lastPingBefore).toBeDefined();
    process.kill(kiosk.child.pid as number, 'SIGUSR2');
    const stalled = await socket.next(statusMatches(/^Chốt: scan path NOT healthy: event loop stalled \d+ ms/), from);
    const pings = [lastPingBefore as NotifyMessage, ...socket.messages.slice(from, socket.messages.indexOf(stalled)).filter(isPing)];
    const longestGap = Math.max(
      ...pings.slice(1).map((ping, index) => ping.at - (pings[index] as NotifyMessage).at),
      stalled.at - (pings.at(-1) as NotifyMessage).at,
    );
    // A lower bound only: a slow machine makes the gap longer, never shorter.
    expect(longestGap).toBeGreaterThanOrEqual(LOOP_BLOCK_MS - 500);
    expect(stalled.fields).not.toContain('WATCHDOG=1');
    const healthy = await socket.next(statusMatches(/^Chốt: scan path healthy$/), socket.messages.indexOf(stalled) + 1);
    expect(healthy.fields).toContain('WATCHDOG=1');
  });

  it('says STOPPING when stopped', async () => {
    const from = socket.messages.length;
    await kiosk.stop();
    await socket.next(hasField('STOPPING=1'), from);
  });
});
