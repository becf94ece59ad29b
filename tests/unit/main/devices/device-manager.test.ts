import { linesLogger } from '../../../support/memory-logger.js';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { KioskEvent } from '../../../../domain/contract/kiosk-events.js';
import { FakeHidBinding } from '../../../../drivers/hid/fake-hid-binding.js';
import { FakeUsbRelayBoard } from '../../../../drivers/hid-relay/fake-usb-relay-board.js';
import { FakeSerialTransport } from '../../../../drivers/serial/fake-serial-transport.js';
import { KioskCore } from '../../../../main/core/kiosk-core.js';
import { demoCards } from '../../../../main/demo/demo-people.js';
import { DeviceManager } from '../../../../main/devices/device-manager.js';
import { parseDeviceArg } from '../../../../main/devices/device-spec.js';
import type { GatePolicies } from '../../../../main/devices/gate-policy.js';
import { honeywellReport } from '../../drivers/hid-pos/report-fixtures.js';
import { tempDataDir } from '../../../support/kiosk-process.js';

const card = (name: string): string => {
  const found = demoCards().find((c) => c.label === name);
  if (found === undefined) throw new Error(`no demo card ${name}`);
  return found.qrText;
};
const GREEN = card('Nguyễn Văn An');
const YELLOW = card('Trần Thị Bình');
const RED = card('Phạm Minh Đức');

const hex = (chunks: readonly Uint8Array[]): string[] => chunks.map((chunk) => Buffer.from(chunk).toString('hex'));
const CH1_ON = 'a00101a2';
const CH1_OFF = 'a00100a1';

interface Rig {
  readonly core: KioskCore;
  readonly serial: FakeSerialTransport;
  readonly hid: FakeHidBinding;
  readonly manager: DeviceManager;
  readonly events: KioskEvent[];
  readonly lines: string[];
  readonly dataDir: string;
}

const rigs: Rig[] = [];
afterEach(async () => {
  for (const rig of rigs.splice(0)) {
    await rig.manager.close();
    rig.core.close();
  }
});

async function rig(
  devices: readonly string[],
  options: { gates?: GatePolicies; plug?: (serial: FakeSerialTransport, hid: FakeHidBinding) => void } = {},
): Promise<Rig> {
  const serial = new FakeSerialTransport();
  const hid = new FakeHidBinding();
  options.plug?.(serial, hid);
  const dataDir = tempDataDir();
  // The core asks for the statuses of a manager made after it.
  const started: { manager?: DeviceManager } = {};
  const core = KioskCore.open({
    dataDir,
    demo: true,
    ...(options.gates === undefined ? {} : { gates: options.gates }),
    devices: () => started.manager?.statuses() ?? [],
  });
  const events: KioskEvent[] = [];
  core.onEvent((event) => events.push(event));
  const lines: string[] = [];
  const manager = await DeviceManager.start({
    specs: devices.map(parseDeviceArg),
    core,
    serialTransport: serial,
    hidBinding: hid,
    onChange: () => core.devicesChanged(),
    logger: linesLogger((line) => lines.push(line)),
    retry: { minMs: 20, maxMs: 50 },
    discoveryIntervalMs: 30,
  });
  started.manager = manager;
  // As the runtime does: the statuses of the start, once the manager exists.
  core.devicesChanged();
  const made = { core, serial, hid, manager, events, lines, dataDir };
  rigs.push(made);
  return made;
}

function loggedEntries(dataDir: string): { outcome: string; lane: string; direction: string; source_kind: string; source_device_id: string }[] {
  const db = new Database(join(dataDir, 'kiosk.sqlite'), { readonly: true });
  try {
    return db.prepare('SELECT outcome, lane, direction, source_kind, source_device_id FROM entry ORDER BY seq').all() as never;
  } finally {
    db.close();
  }
}

/** A manned lane that opted in to open on an unsigned green (a CCCD QR) without a staff confirm. */
const MANNED = (...lanes: string[]): GatePolicies =>
  Object.fromEntries(lanes.map((lane) => [lane, { open: ['green'], openFor: ['signed-valid', 'chip-verified', 'unsigned'] }]));

const verdicts = (events: readonly KioskEvent[]) => events.flatMap((event) => (event.name === 'verdict' ? [event] : []));

describe('DeviceManager: serial scanner → core → CH340 relay', () => {
  const plugBoth = (serial: FakeSerialTransport): void => {
    serial.plug({ path: '/dev/ttyACM0' });
    serial.plug({ path: '/dev/ttyUSB0' });
  };

  it('switches the relay off at start, then pulses it once for green, after the entry is logged', async () => {
    const { serial, events, dataDir, manager, core } = await rig(['serial-scanner=/dev/ttyACM0,lane=1', 'serial-relay=/dev/ttyUSB0,pulse=60'], {
      plug: plugBoth,
      gates: MANNED('1'),
    });
    expect(hex(serial.written('/dev/ttyUSB0'))).toEqual([CH1_OFF]);
    expect(manager.statuses().map((status) => status.state)).toEqual(['ready', 'ready']);
    serial.send('/dev/ttyACM0', `${GREEN}\r`);
    await vi.waitFor(() => expect(hex(serial.written('/dev/ttyUSB0'))).toEqual([CH1_OFF, CH1_ON, CH1_OFF]), { timeout: 2000 });
    const [pushed] = verdicts(events);
    expect(pushed?.verdict.outcome).toBe('green');
    expect(pushed?.verdict.subject?.name).toBe('Nguyễn Văn An');
    expect(pushed?.source).toEqual({ kind: 'serial', deviceId: '/dev/ttyACM0' });
    expect(loggedEntries(dataDir)).toEqual([{ outcome: 'green', lane: '1', direction: 'in', source_kind: 'serial', source_device_id: '/dev/ttyACM0' }]);
    expect(manager.statuses()[0]?.lastScanAt).toBeDefined();
    // The status counts the pulse, and the contract carries it to the screen and tests.
    expect(manager.statuses()[1]?.pulses).toBe(1);
    expect((await core.getKioskStatus()).devices?.find((device) => device.id === '/dev/ttyUSB0')?.pulses).toBe(1);
  });

  it.each([
    ['red', RED],
    ['yellow', YELLOW],
  ])('does not pulse for %s (default policy)', async (outcome, text) => {
    const { serial, events, manager } = await rig(['serial-scanner=/dev/ttyACM0', 'serial-relay=/dev/ttyUSB0,pulse=60'], { plug: plugBoth });
    serial.send('/dev/ttyACM0', `${text}\r`);
    await vi.waitFor(() => expect(verdicts(events)).toHaveLength(1));
    expect(verdicts(events)[0]?.verdict.outcome).toBe(outcome);
    expect(verdicts(events)[0]?.verdict.gate.open).toBe(false);
    // The relays hear a verdict in the turn it commits, and the board takes one command at a
    // time, in order: a pulse asked for this verdict would go out before close()'s all off,
    // which has reached the board once close() resolves.
    await manager.close();
    const frames = hex(serial.written('/dev/ttyUSB0'));
    expect(frames.length).toBeGreaterThan(1);
    expect(frames.filter((frame) => frame !== CH1_OFF)).toEqual([]);
  });

  it('pulses for yellow where the lane’s policy says so, and logs the scanner’s lane and direction', async () => {
    const { serial, events, dataDir } = await rig(['serial-scanner=/dev/ttyACM0,lane=2,direction=out', 'serial-relay=/dev/ttyUSB0,lane=2,pulse=60'], {
      plug: plugBoth,
      gates: { '2': { open: ['green', 'yellow'], openFor: ['signed-valid', 'unsigned'] } },
    });
    serial.send('/dev/ttyACM0', `${YELLOW}\r`);
    await vi.waitFor(() => expect(hex(serial.written('/dev/ttyUSB0'))).toEqual([CH1_OFF, CH1_ON, CH1_OFF]));
    expect(verdicts(events)[0]?.verdict.gate.open).toBe(true);
    expect(verdicts(events)[0]).toMatchObject({ lane: '2', direction: 'out' });
    expect(loggedEntries(dataDir)[0]).toMatchObject({ outcome: 'yellow', lane: '2', direction: 'out' });
  });

  it('pulses only the relays of the scanner’s lane', async () => {
    const { serial } = await rig(
      ['serial-scanner=/dev/ttyACM0,lane=2', 'serial-relay=/dev/ttyUSB0,lane=1,pulse=60', 'modbus-relay=/dev/ttyUSB1,lane=2,pulse=60,unit=1'],
      {
        plug: (s) => {
          plugBoth(s);
          s.plug({ path: '/dev/ttyUSB1' });
        },
        gates: MANNED('2'),
      },
    );
    serial.send('/dev/ttyACM0', `${GREEN}\r`);
    // Modbus RTU: write single coil 0 of unit 1, FF00 on / 0000 off, CRC16 little-endian.
    await vi.waitFor(() => expect(hex(serial.written('/dev/ttyUSB1'))).toEqual(['010500000000cdca', '01050000ff008c3a', '010500000000cdca']));
    expect(hex(serial.written('/dev/ttyUSB0'))).toEqual([CH1_OFF]);
  });

  it('by default a green CCCD QR (unsigned) pulses nothing until staff confirm it; the confirm pulses once', async () => {
    const { serial, core, events, manager } = await rig(['serial-scanner=/dev/ttyACM0', 'serial-relay=/dev/ttyUSB0,pulse=60'], { plug: plugBoth });
    serial.send('/dev/ttyACM0', `${GREEN}\r`);
    await vi.waitFor(() => expect(verdicts(events)).toHaveLength(1));
    const green = verdicts(events)[0]?.verdict;
    expect(green).toMatchObject({ outcome: 'green', gate: { open: false, needsConfirm: { code: 'gate.not-verified' } } });
    // The pipeline commits, then tells the relays in the same turn: no pulse has been asked for.
    expect(hex(serial.written('/dev/ttyUSB0'))).toEqual([CH1_OFF]);
    expect(manager.statuses()[1]?.pulses).toBeUndefined();
    const result = await core.confirmLastVerdict({ seq: green?.entrySeq ?? 0, by: 'Chị Lan' });
    expect(result.ok).toBe(true);
    expect(manager.statuses()[1]?.pulses).toBe(1);
    await vi.waitFor(() => expect(hex(serial.written('/dev/ttyUSB0'))).toEqual([CH1_OFF, CH1_ON, CH1_OFF]));
  });

  it('pulses the station lane’s relay for a staff override of a red verdict', async () => {
    const { serial, core, events } = await rig(['serial-scanner=/dev/ttyACM0', 'serial-relay=/dev/ttyUSB0,pulse=60'], { plug: plugBoth });
    serial.send('/dev/ttyACM0', `${RED}\r`);
    await vi.waitFor(() => expect(verdicts(events)).toHaveLength(1));
    const seq = verdicts(events)[0]?.verdict.entrySeq ?? 0;
    const result = await core.overrideLastVerdict({ seq, by: 'Chị Lan', reason: 'Đã kiểm tra giấy tờ' });
    expect(result.ok).toBe(true);
    await vi.waitFor(() => expect(hex(serial.written('/dev/ttyUSB0'))).toEqual([CH1_OFF, CH1_ON, CH1_OFF]));
  });

  it('pulses the kiosk lane’s relay for a green wedge scan too (the screen asked, the relay acts)', async () => {
    const { serial, core } = await rig(['serial-relay=/dev/ttyUSB0,pulse=60'], { plug: plugBoth, gates: MANNED('1') });
    const verdict = await core.submitScan({ source: { kind: 'wedge', deviceId: 'keyboard' }, text: GREEN });
    expect(verdict.outcome).toBe('green');
    await vi.waitFor(() => expect(hex(serial.written('/dev/ttyUSB0'))).toEqual([CH1_OFF, CH1_ON, CH1_OFF]));
  });

  it('decides only the newest of the scans framed from one burst (1 MB of noise is not thousands of verdicts)', async () => {
    const { serial, events, manager } = await rig(['serial-scanner=/dev/ttyACM0'], { plug: plugBoth });
    const noise = Array.from({ length: 200 }, (_, i) => `garbage-${i}`).join('\r');
    serial.send('/dev/ttyACM0', `${noise}\r${GREEN}\r`);
    // Every one of the 201 scans framed is accounted for, dropped or decided: none is left to come.
    await vi.waitFor(() => expect(verdicts(events).length + (manager.statuses()[0]?.droppedScans ?? 0)).toBe(201));
    expect(verdicts(events).map((event) => event.verdict.outcome)).toEqual(['green']);
    expect(manager.statuses()[0]?.droppedScans).toBe(200);
  });
});

describe('DeviceManager: faults and recovery', () => {
  it('starts with an absent device as a fault, and opens it once it appears', async () => {
    const { serial, manager, events } = await rig(['serial-scanner=/dev/ttyACM9']);
    expect(manager.statuses()[0]).toMatchObject({ state: 'fault', fault: { kind: 'unplugged' }, lane: '1', direction: 'in' });
    const devicesEvents = events.filter((event) => event.name === 'devices');
    expect(devicesEvents.at(-1)).toMatchObject({ deviceLine: { vi: 'Máy quét /dev/ttyACM9 bị rút ra', en: 'Scanner /dev/ttyACM9 unplugged' } });
    serial.plug({ path: '/dev/ttyACM9' });
    await vi.waitFor(() => expect(manager.statuses()[0]?.state).toBe('ready'));
    expect(manager.statuses()[0]?.fault).toBeUndefined();
    const last = events.filter((event) => event.name === 'devices').at(-1);
    expect(last?.name === 'devices' && last.deviceLine).toBeUndefined();
  });

  it('shows an unplug as a fault, and ready again after the replug, with scanning resumed', async () => {
    const { serial, manager, events, core } = await rig(['serial-scanner=/dev/ttyACM0'], { plug: (s) => s.plug({ path: '/dev/ttyACM0' }) });
    serial.unplug('/dev/ttyACM0');
    await vi.waitFor(() => expect(manager.statuses()[0]).toMatchObject({ state: 'fault', fault: { kind: 'unplugged' } }));
    expect((await core.getKioskStatus()).deviceLine?.en).toBe('Scanner /dev/ttyACM0 unplugged');
    serial.plug({ path: '/dev/ttyACM0' });
    await vi.waitFor(() => expect(manager.statuses()[0]?.state).toBe('ready'), { timeout: 4000 });
    expect((await core.getKioskStatus()).deviceLine).toBeUndefined();
    serial.send('/dev/ttyACM0', `${GREEN}\r`);
    await vi.waitFor(() => expect(verdicts(events)).toHaveLength(1));
  });

  it('keeps a dropped half frame out of the state and the line (the scanner still works)', async () => {
    const { serial, manager, core } = await rig(['serial-scanner=/dev/ttyACM0'], { plug: (s) => s.plug({ path: '/dev/ttyACM0' }) });
    serial.send('/dev/ttyACM0', '056089001234|half');
    await vi.waitFor(() => expect(manager.statuses()[0]?.fault?.kind).toBe('protocol'), { timeout: 1000 });
    expect(manager.statuses()[0]?.state).toBe('ready');
    expect((await core.getKioskStatus()).deviceLine).toBeUndefined();
  });

  it('never crashes when a scan cannot be committed: it is logged, nothing opens', async () => {
    const { serial, core, lines } = await rig(['serial-scanner=/dev/ttyACM0', 'serial-relay=/dev/ttyUSB0,pulse=60'], {
      plug: (s) => {
        s.plug({ path: '/dev/ttyACM0' });
        s.plug({ path: '/dev/ttyUSB0' });
      },
    });
    vi.spyOn(core, 'submitDeviceScan').mockImplementation(() => {
      throw new Error('disk full');
    });
    serial.send('/dev/ttyACM0', `${GREEN}\r`);
    await vi.waitFor(() => expect(lines.some((line) => line.includes('could not be decided: disk full'))).toBe(true));
    expect(hex(serial.written('/dev/ttyUSB0'))).toEqual([CH1_OFF]);
  });

  it('switches every relay off on close', async () => {
    const { serial, manager } = await rig(['serial-relay=/dev/ttyUSB0,channel=2'], { plug: (s) => s.plug({ path: '/dev/ttyUSB0' }) });
    await manager.close();
    // Channels 1 and 2 off at open, and again at close (nothing else is ever written).
    const written = hex(serial.written('/dev/ttyUSB0'));
    expect(written.length).toBeGreaterThanOrEqual(2);
    expect(new Set(written)).toEqual(new Set(['a00100a1a00200a2']));
    expect(manager.statuses()[0]?.state).toBe('closed');
  });

  it('runs several scanners at once, each at its own lane', async () => {
    const { serial, events } = await rig(['serial-scanner=/dev/ttyACM0,lane=1', 'serial-scanner=/dev/ttyACM1,lane=2,direction=out'], {
      plug: (s) => {
        s.plug({ path: '/dev/ttyACM0' });
        s.plug({ path: '/dev/ttyACM1' });
      },
    });
    serial.send('/dev/ttyACM0', `${GREEN}\r`);
    serial.send('/dev/ttyACM1', `${RED}\r`);
    await vi.waitFor(() => expect(verdicts(events)).toHaveLength(2));
    expect(
      verdicts(events)
        .map((event) => [event.source.deviceId, event.lane, event.direction, event.verdict.outcome])
        .sort(),
    ).toEqual([
      ['/dev/ttyACM0', '1', 'in', 'green'],
      ['/dev/ttyACM1', '2', 'out', 'red'],
    ]);
  });
});

describe('DeviceManager: HID devices (auto discovery)', () => {
  it('finds a HID-POS scanner and a USBRelay board plugged after the start, and pulses the board for green', async () => {
    const { hid, manager, events } = await rig(['hid-pos-scanner=auto', 'hid-relay=auto,pulse=60'], { gates: MANNED('1') });
    expect(manager.statuses().map((status) => [status.info.id, status.state])).toEqual([
      ['auto', 'fault'],
      ['auto', 'fault'],
    ]);
    hid.plug({ path: '/dev/hidraw3', vendorId: 0x0c2e, productId: 0x0b8f, usagePage: 0x8c, usage: 0x02, product: '1400g' });
    const board = new FakeUsbRelayBoard(hid.plug({ path: '/dev/hidraw7', vendorId: 0x16c0, productId: 0x05df, product: 'USBRelay2' }), 2);
    await vi.waitFor(() =>
      expect(
        manager
          .statuses()
          .map((status) => [status.info.id, status.state])
          .sort(),
      ).toEqual([
        ['/dev/hidraw3', 'ready'],
        ['/dev/hidraw7', 'ready'],
      ]),
    );
    const bytes = [...new TextEncoder().encode(GREEN)];
    const device = hid.device('/dev/hidraw3');
    for (let offset = 0; offset < bytes.length; offset += 56)
      device?.sendInputReport(honeywellReport(bytes.slice(offset, offset + 56), offset + 56 < bytes.length));
    await vi.waitFor(() => expect(verdicts(events)[0]?.verdict.subject?.name).toBe('Nguyễn Văn An'));
    expect(verdicts(events)[0]?.source.kind).toBe('hid-pos');
    // Power-on state, all off at open, channel 1 on, off again.
    await vi.waitFor(() => expect(board.history.slice(-2)).toEqual([1, 0]));
  });
});
