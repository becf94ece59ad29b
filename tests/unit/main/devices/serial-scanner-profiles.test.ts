import { linesLogger } from '../../../support/memory-logger.js';
import { cpSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ScanEvent } from '../../../../domain/scan/scan-event.js';
import type { Verdict } from '../../../../domain/verdict/verdict.js';
import { identifiesSerialScanner, loadProfileCatalog, loadUsableProfiles, type ProfileCatalog } from '../../../../drivers/profiles/profile-catalog.js';
import { FakeSerialTransport } from '../../../../drivers/serial/fake-serial-transport.js';
import { startKioskRuntime } from '../../../../main/core/kiosk-runtime.js';
import { DiagnosticsService } from '../../../../main/diagnostics/diagnostics-service.js';
import { firmwareConfigDir } from '../../../../main/diagnostics/firmware-config-dir.js';
import { DeviceManager, type DeviceCore } from '../../../../main/devices/device-manager.js';
import { parseDeviceArg } from '../../../../main/devices/device-spec.js';
import { tempDataDir } from '../../../support/kiosk-process.js';

/**
 * Serial scanners and the device profiles: a named port gets its model's settings and
 * framing (the `--device` options on top), and `serial-scanner=auto` opens the ports whose
 * VID/PID identify a scanner model — never a generic bridge chip's, never a port named for
 * another device. Runs on the real profiles of firmware-config/.
 */
const CATALOG = loadProfileCatalog(firmwareConfigDir());

// Honeywell (0c2e) on a CDC ACM port: the 1450g/1900 profiles, 115200 8N1, CRLF.
const HONEYWELL = { path: '/dev/ttyACM0', vendorId: '0c2e', productId: '0b6a', manufacturer: 'Honeywell' };
// The bridge chips relay boards use as well.
const CH340 = { path: '/dev/ttyUSB0', vendorId: '1a86', productId: '7523' };
const CP210X = { path: '/dev/ttyUSB1', vendorId: '10c4', productId: 'ea60' };
const FTDI = { path: '/dev/ttyUSB2', vendorId: '0403', productId: '6001' };
const PL2303 = { path: '/dev/ttyUSB3', vendorId: '067b', productId: '2303' };
const STM32_VCP = { path: '/dev/ttyACM5', vendorId: '0483', productId: '5740' };
const BRIDGES = [CH340, CP210X, FTDI, PL2303, STM32_VCP];

interface Rig {
  readonly serial: FakeSerialTransport;
  readonly manager: DeviceManager;
  /** What each scan reached the core as: its text and its gate. */
  readonly scans: { text: string; lane: string }[];
}

const managers: DeviceManager[] = [];
afterEach(async () => {
  for (const manager of managers.splice(0)) await manager.close();
});

async function rig(devices: readonly string[], plug: readonly { path: string }[] = [], profiles: ProfileCatalog | null = CATALOG): Promise<Rig> {
  const serial = new FakeSerialTransport();
  for (const port of plug) serial.plug(port);
  const scans: { text: string; lane: string }[] = [];
  const core: DeviceCore = {
    submitDeviceScan(scan: ScanEvent, gate) {
      scans.push({ text: scan.text, lane: gate.lane });
      return Promise.resolve({} as Verdict);
    },
    onVerdict: () => () => undefined,
  };
  const manager = await DeviceManager.start({
    specs: devices.map(parseDeviceArg),
    core,
    serialTransport: serial,
    ...(profiles === null ? {} : { profiles }),
    logger: linesLogger(() => undefined),
    retry: { minMs: 20, maxMs: 50 },
    discoveryIntervalMs: 30,
  });
  managers.push(manager);
  return { serial, manager, scans };
}

/** Waits until discovery has listed the ports `rounds` more times. */
async function discoveryRounds(serial: FakeSerialTransport, rounds: number): Promise<void> {
  const list = vi.spyOn(serial, 'list');
  await vi.waitFor(() => expect(list.mock.calls.length).toBeGreaterThanOrEqual(rounds));
}

const status = (manager: DeviceManager, id: string) => manager.statuses().find((candidate) => candidate.info.id === id);

describe('serial-scanner=auto', () => {
  it('opens a port whose VID/PID identify a scanner model, with that profile’s settings and framing', async () => {
    const { serial, manager, scans } = await rig(['serial-scanner=auto,lane=2'], [HONEYWELL]);
    expect(serial.opened).toEqual([{ path: '/dev/ttyACM0', settings: { baudRate: 115200, dataBits: 8, parity: 'none', stopBits: 1 } }]);
    expect(status(manager, '/dev/ttyACM0')).toMatchObject({ state: 'ready', lane: '2', info: { vendorId: '0c2e', productId: '0b6a' } });
    // The profile's CRLF suffix: a lone CR stays in the scan (the default CR framing would cut it in two).
    serial.send('/dev/ttyACM0', 'ABC\rDEF\r\n');
    await vi.waitFor(() => expect(scans).toEqual([{ text: 'ABC\rDEF', lane: '2' }]));
  });

  it('never opens a generic USB-serial bridge (CH340, CP210x, FTDI, PL2303, an STM32 virtual COM port): those are named', async () => {
    const { serial, manager } = await rig(['serial-scanner=auto'], BRIDGES);
    // The first discovery round is over when start() resolves; later rounds find the same.
    await discoveryRounds(serial, 3);
    expect(serial.opened).toEqual([]);
    expect(manager.statuses()).toEqual([expect.objectContaining({ state: 'fault', info: { id: 'auto', kind: 'serial-scanner' } })]);
    const identifies = identifiesSerialScanner(CATALOG);
    expect(BRIDGES.map(identifies)).toEqual(BRIDGES.map(() => false));
    expect(identifies(HONEYWELL)).toBe(true);
  });

  it('never takes a port named as a relay, even one whose VID/PID say scanner', async () => {
    const zebra = { path: '/dev/ttyACM1', vendorId: '05e0', productId: '0600' };
    expect(identifiesSerialScanner(CATALOG)(zebra)).toBe(true);
    const { serial, manager } = await rig(['serial-scanner=auto', 'serial-relay=/dev/ttyACM1'], [zebra]);
    await vi.waitFor(() => expect(status(manager, '/dev/ttyACM1')?.state).toBe('ready'));
    await discoveryRounds(serial, 3);
    expect(serial.opened.map((open) => open.path)).toEqual(['/dev/ttyACM1']);
    expect(serial.openConnections('/dev/ttyACM1')).toBe(1);
    expect(
      manager
        .statuses()
        .map((device) => `${device.info.id}:${device.info.kind}`)
        .sort(),
    ).toEqual(['/dev/ttyACM1:serial-relay', 'auto:serial-scanner']);
  });

  it('picks up a scanner plugged in after the kiosk started, and scans from it', async () => {
    const { serial, manager, scans } = await rig(['serial-scanner=auto'], [CH340]);
    expect(serial.opened).toEqual([]);
    serial.plug(HONEYWELL);
    await vi.waitFor(() => expect(status(manager, '/dev/ttyACM0')?.state).toBe('ready'));
    expect(serial.opened).toEqual([{ path: '/dev/ttyACM0', settings: { baudRate: 115200, dataBits: 8, parity: 'none', stopBits: 1 } }]);
    // The placeholder gave way to the device found.
    expect(manager.statuses().map((device) => device.info.id)).toEqual(['/dev/ttyACM0']);
    serial.send('/dev/ttyACM0', 'HELLO\r\n');
    await vi.waitFor(() => expect(scans.map((scan) => scan.text)).toEqual(['HELLO']));
  });

  it('finds nothing without profiles (they could not be loaded), and says so', async () => {
    const { serial, manager } = await rig(['serial-scanner=auto'], [HONEYWELL], null);
    expect(serial.opened).toEqual([]);
    expect(manager.statuses()[0]).toMatchObject({ state: 'fault', fault: { kind: 'unplugged', message: 'no serial-scanner found yet' } });
  });
});

describe('a serial scanner named by path', () => {
  it('gets its profile’s settings and framing when its VID/PID match; an explicit :baud overrides the profile', async () => {
    const { serial, scans } = await rig(['serial-scanner=/dev/ttyACM0:9600'], [HONEYWELL]);
    expect(serial.opened).toEqual([{ path: '/dev/ttyACM0', settings: { baudRate: 9600, dataBits: 8, parity: 'none', stopBits: 1 } }]);
    // Only the speed was overridden: the suffix is still the profile's CRLF.
    serial.send('/dev/ttyACM0', 'ABC\rDEF\r\n');
    await vi.waitFor(() => expect(scans.map((scan) => scan.text)).toEqual(['ABC\rDEF']));
  });

  it('carries the port’s USB ids, so the diagnostics match its profile', async () => {
    const { manager } = await rig(['serial-scanner=/dev/ttyACM0', 'serial-scanner=/dev/ttyS0'], [HONEYWELL, { path: '/dev/ttyS0' }]);
    const diagnostics = new DiagnosticsService({ firmwareConfigDir: firmwareConfigDir(), devices: () => manager.statuses(), keyboardScanners: async () => [] });
    const { devices } = await diagnostics.getDiagnostics();
    expect(devices.find((device) => device.id === '/dev/ttyACM0')).toMatchObject({
      state: 'ready',
      vendorId: '0c2e',
      profile: { id: 'honeywell-1450g', mode: 'serial' },
    });
    // No USB ids (an on-board UART, a pty): no profile, said as unknown on the screen.
    expect(devices.find((device) => device.id === '/dev/ttyS0')?.profile).toBeUndefined();
  });

  it('named by a /dev/serial/by-id link: found in the port list by the tty it points to, with its profile, also in the diagnostics', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'chot-by-id-'));
    const tty = join(dir, 'ttyACM7');
    writeFileSync(tty, '');
    const link = join(dir, 'usb-Honeywell_Imaging_1900-if00');
    symlinkSync(tty, link);
    // The port list names the tty (with its ids); the fake also lets the link be opened, as the kernel does.
    const { serial, manager } = await rig([`serial-scanner=${link}`], [{ ...HONEYWELL, path: tty }, { path: link }]);
    expect(serial.opened).toEqual([{ path: link, settings: { baudRate: 115200, dataBits: 8, parity: 'none', stopBits: 1 } }]);
    expect(status(manager, link)).toMatchObject({ state: 'ready', info: { id: link, vendorId: '0c2e' } });
    const diagnostics = new DiagnosticsService({ firmwareConfigDir: firmwareConfigDir(), devices: () => manager.statuses(), keyboardScanners: async () => [] });
    expect((await diagnostics.getDiagnostics()).devices[0]?.profile).toMatchObject({ id: 'honeywell-1450g', mode: 'serial' });
  });

  it('an explicit suffix overrides the profile’s', async () => {
    const { serial, scans } = await rig(['serial-scanner=/dev/ttyACM0,suffix=cr'], [HONEYWELL]);
    expect(serial.opened[0]?.settings.baudRate).toBe(115200);
    // A lone CR ends a scan (with the profile's CRLF it would wait for the LF).
    serial.send('/dev/ttyACM0', 'ABC\r');
    await vi.waitFor(() => expect(scans.map((scan) => scan.text)).toEqual(['ABC']));
  });

  it('a generic bridge named as a scanner gets the generic scanner profile; a port no profile knows, the built-in defaults', async () => {
    const { serial, manager, scans } = await rig(['serial-scanner=/dev/ttyUSB0', 'serial-scanner=/dev/ttyS0,lane=3'], [CH340, { path: '/dev/ttyS0' }]);
    expect(serial.opened.map((open) => open.path).sort()).toEqual(['/dev/ttyS0', '/dev/ttyUSB0']);
    for (const open of serial.opened) expect(open.settings).toEqual({ baudRate: 9600, dataBits: 8, parity: 'none', stopBits: 1 });
    expect(status(manager, '/dev/ttyUSB0')?.info).toMatchObject({ vendorId: '1a86', productId: '7523' });
    // Default CR framing: any line ending ends a scan.
    serial.send('/dev/ttyS0', 'ABC\r');
    await vi.waitFor(() => expect(scans).toEqual([{ text: 'ABC', lane: '3' }]));
    serial.send('/dev/ttyS0', 'DEF\n');
    await vi.waitFor(() =>
      expect(scans).toEqual([
        { text: 'ABC', lane: '3' },
        { text: 'DEF', lane: '3' },
      ]),
    );
  });

  it('is found again with its profile when it is plugged in after the kiosk started', async () => {
    const { serial, manager } = await rig(['serial-scanner=/dev/ttyACM0'], []);
    expect(status(manager, '/dev/ttyACM0')?.state).toBe('fault');
    serial.plug(HONEYWELL);
    await vi.waitFor(() => expect(status(manager, '/dev/ttyACM0')?.state).toBe('ready'));
    expect(serial.opened).toEqual([{ path: '/dev/ttyACM0', settings: { baudRate: 115200, dataBits: 8, parity: 'none', stopBits: 1 } }]);
  });
});

describe('the kiosk’s profile catalog', () => {
  it('skips a broken profile file and says which, keeping the others', () => {
    const dir = mkdtempSync(join(tmpdir(), 'chot-profiles-'));
    cpSync(firmwareConfigDir(), dir, { recursive: true });
    writeFileSync(join(dir, 'profiles', 'zebra-ds2208.json'), '{ not json');
    const { catalog, problems } = loadUsableProfiles(dir);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain('zebra-ds2208.json');
    expect(catalog.byId('zebra-ds2208')).toBeUndefined();
    expect(catalog.profiles.length).toBe(CATALOG.profiles.length - 1);
    expect(identifiesSerialScanner(catalog)(HONEYWELL)).toBe(true);
    expect(() => loadProfileCatalog(dir)).toThrow(/zebra-ds2208\.json/);
  });

  it('is loaded once at kiosk start: a broken file is logged and skipped, the kiosk starts and auto still finds a Honeywell', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'chot-profiles-'));
    cpSync(firmwareConfigDir(), dir, { recursive: true });
    writeFileSync(join(dir, 'profiles', 'zebra-ds9308.json'), '{ "id": "zebra-ds9308" }');
    const serial = new FakeSerialTransport();
    serial.plug(HONEYWELL);
    const lines: string[] = [];
    const runtime = await startKioskRuntime({
      dataDir: tempDataDir(),
      firmwareConfigDir: dir,
      devicesConfig: { devices: [parseDeviceArg('serial-scanner=auto')], gates: {} },
      serialTransport: serial,
      logger: linesLogger((line) => lines.push(line)),
    });
    try {
      expect(lines.filter((line) => line.startsWith('device profile skipped: '))).toEqual([expect.stringContaining('zebra-ds9308.json')]);
      expect(runtime.devices?.statuses()).toEqual([expect.objectContaining({ state: 'ready', info: expect.objectContaining({ id: '/dev/ttyACM0' }) })]);
      expect(serial.opened[0]?.settings.baudRate).toBe(115200);
    } finally {
      await runtime.close();
    }
  });

  it('without a schema it is empty, with the reason', () => {
    const dir = mkdtempSync(join(tmpdir(), 'chot-profiles-'));
    const { catalog, problems } = loadUsableProfiles(dir);
    expect(catalog.profiles).toEqual([]);
    expect(problems[0]).toMatch(/ENOENT|no such file/i);
  });
});
