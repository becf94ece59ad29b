import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DeviceKeeper, type KeeperTransport, type KeptConnection } from '../../../drivers/device-keeper.js';
import type { DeviceFault } from '../../../drivers/device.js';

class Connection implements KeptConnection {
  closed = false;
  lose: ((message: string) => void) | undefined;
  async close(): Promise<void> {
    this.closed = true;
  }
}

/** A transport scripted per test: which paths exist, every open attempt with its time. */
class ScriptedTransport implements KeeperTransport<Connection> {
  readonly present = new Set<string>(['/dev/a']);
  readonly attempts: { path: string; at: number }[] = [];
  readonly connections: Connection[] = [];

  async open(path: string): Promise<Connection> {
    this.attempts.push({ path, at: Date.now() });
    if (!this.present.has(path)) throw new Error(`no such device ${path}`);
    const connection = new Connection();
    this.connections.push(connection);
    return connection;
  }

  watch(connection: Connection, path: string, lost: (message: string) => void): void {
    connection.lose = (message) => lost(`${path}: ${message}`);
  }

  openFailure(path: string): { kind: 'unplugged'; message: string } {
    return { kind: 'unplugged', message: `${path} is not connected` };
  }
}

const TIMINGS = { afterLossMs: 100, pollIntervalMs: 1_000, reopenBackoff: { minMs: 200, maxMs: 700 } };

describe('DeviceKeeper', () => {
  let transport: ScriptedTransport;
  let faults: DeviceFault[];
  let ready: number;

  beforeEach(() => {
    vi.useFakeTimers();
    transport = new ScriptedTransport();
    faults = [];
    ready = 0;
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  function keeper(options: Partial<ConstructorParameters<typeof DeviceKeeper<Connection>>[0]> = {}): DeviceKeeper<Connection> {
    return new DeviceKeeper<Connection>({
      transport,
      deviceId: 'dev-1',
      path: '/dev/a',
      timings: TIMINGS,
      setup: async () => undefined,
      onFault: (fault) => faults.push(fault),
      onReady: () => (ready += 1),
      ...options,
    });
  }

  it('the first open rejects typed and is not retried', async () => {
    transport.present.clear();
    await expect(keeper().open()).rejects.toMatchObject({ name: 'DeviceFault', kind: 'unplugged', deviceId: 'dev-1' });
    await vi.advanceTimersByTimeAsync(10_000);
    expect(transport.attempts).toHaveLength(1);
  });

  it('a loss is reported once, then reopened after afterLossMs and with backoff doubling up to the max', async () => {
    const kept = keeper();
    await kept.open();
    const start = Date.now();
    transport.present.clear();
    transport.connections[0]?.lose?.('EIO');
    expect(faults.map((fault) => fault.kind)).toEqual(['unplugged']);
    expect(kept.state).toBe('fault');
    expect(kept.connection).toBeUndefined();
    await vi.advanceTimersByTimeAsync(100 + 200 + 400 + 700 + 700);
    expect(transport.attempts.slice(1).map((attempt) => attempt.at - start)).toEqual([100, 300, 700, 1_400, 2_100]);
    expect(faults).toHaveLength(1);
    transport.present.add('/dev/a');
    await vi.advanceTimersByTimeAsync(700);
    expect(ready).toBe(1);
    expect(kept.state).toBe('ready');
    await kept.close();
  });

  it('a device lost while it is being set up is not ready: it is reopened instead', async () => {
    let setups = 0;
    const kept = keeper({
      setup: async (connection) => {
        setups += 1;
        // The cable is pulled in the middle of the first reopen's setup.
        if (setups === 2) connection.lose?.('pulled during setup');
      },
    });
    await kept.open();
    transport.connections[0]?.lose?.('EIO');
    await vi.advanceTimersByTimeAsync(100);
    expect(kept.state).toBe('fault');
    expect(kept.connection).toBeUndefined();
    expect(ready).toBe(0);
    await vi.advanceTimersByTimeAsync(200);
    expect(ready).toBe(1);
    expect(kept.connection).toBe(transport.connections[2]);
    await kept.close();
  });

  it('locate: an absent device is looked for at the polling pace, without counting failures; it may come back under a new path', async () => {
    const claimed = new Set<string>();
    const enumeration: { path?: string } = {};
    const kept = keeper({ transport: Object.assign(transport, { locate: async () => enumeration.path }), claimed });
    await kept.open();
    expect([...claimed]).toEqual(['/dev/a']);
    transport.connections[0]?.lose?.('gone');
    expect(claimed.size).toBe(0);
    await vi.advanceTimersByTimeAsync(100 + 5 * 1_000);
    expect(transport.attempts).toHaveLength(1);
    enumeration.path = '/dev/b';
    transport.present.add('/dev/b');
    await vi.advanceTimersByTimeAsync(1_000);
    expect(ready).toBe(1);
    expect(kept.path).toBe('/dev/b');
    expect([...claimed]).toEqual(['/dev/b']);
    await kept.close();
    expect(claimed.size).toBe(0);
  });

  it('isPresent: polled while ready; a device gone from enumeration is lost', async () => {
    let present = true;
    const kept = keeper({ transport: Object.assign(transport, { isPresent: async () => present }) });
    await kept.open();
    await vi.advanceTimersByTimeAsync(3_000);
    expect(kept.state).toBe('ready');
    present = false;
    await vi.advanceTimersByTimeAsync(1_000);
    expect(faults.map((fault) => fault.message)).toEqual(['/dev/a is no longer connected']);
    expect(transport.connections[0]?.closed).toBe(true);
    await kept.close();
  });

  it('close() stops every timer: nothing is reopened afterwards', async () => {
    const kept = keeper();
    await kept.open();
    transport.connections[0]?.lose?.('EIO');
    await kept.close();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(transport.attempts).toHaveLength(1);
    expect(kept.state).toBe('closed');
  });
});
