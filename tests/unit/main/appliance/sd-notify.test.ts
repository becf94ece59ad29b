import { afterEach, describe, expect, it } from 'vitest';
import { sdNotifierFromEnv, watchdogIntervalMs } from '../../../../main/appliance/sd-notify.js';
import { tempDataDir } from '../../../support/kiosk-process.js';
import { openFakeNotifySocket, type FakeNotifySocket } from '../../../support/notify-socket.js';

describe('sd_notify through systemd-notify', () => {
  let socket: FakeNotifySocket | undefined;
  afterEach(() => socket?.close());

  it('sends nothing at all without NOTIFY_SOCKET', () => {
    expect(sdNotifierFromEnv({})).toBeUndefined();
    expect(sdNotifierFromEnv({ NOTIFY_SOCKET: '' })).toBeUndefined();
  });

  it('sends the fields as one datagram to NOTIFY_SOCKET, a STATUS on one line', async () => {
    socket = await openFakeNotifySocket(tempDataDir());
    const notifier = sdNotifierFromEnv({ ...process.env, NOTIFY_SOCKET: socket.path });
    expect(await notifier?.send(['READY=1', 'STATUS=line one\nline two'])).toBe(true);
    const message = await socket.next((m) => m.fields.includes('READY=1'));
    expect(message.fields).toEqual(['READY=1', 'STATUS=line one line two']);
  });

  it('resolves false, without throwing, when nobody listens', async () => {
    const notifier = sdNotifierFromEnv({ ...process.env, NOTIFY_SOCKET: `${tempDataDir()}/absent.sock` });
    expect(await notifier?.send(['WATCHDOG=1'])).toBe(false);
  });

  it('pings at the interval systemd asks for, only for the process it names', () => {
    expect(watchdogIntervalMs({ WATCHDOG_USEC: '20000000' }, 42)).toBe(20_000);
    expect(watchdogIntervalMs({ WATCHDOG_USEC: '20000000', WATCHDOG_PID: '42' }, 42)).toBe(20_000);
    expect(watchdogIntervalMs({ WATCHDOG_USEC: '20000000', WATCHDOG_PID: '7' }, 42)).toBeUndefined();
    expect(watchdogIntervalMs({}, 42)).toBeUndefined();
    expect(watchdogIntervalMs({ WATCHDOG_USEC: 'soon' }, 42)).toBeUndefined();
  });
});
