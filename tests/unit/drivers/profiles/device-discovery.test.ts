import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeHidBinding } from '../../../../drivers/hid/fake-hid-binding.js';
import { discoverDevices, hidTransportOf, procHolders, type SerialLister } from '../../../../drivers/profiles/device-discovery.js';
import { loadProfileCatalog, serialScannerConfigFor, serialTransportOf } from '../../../../drivers/profiles/profile-catalog.js';
import type { SerialPortListing } from '../../../../drivers/serial/serial-transport.js';
import { repoRoot } from '../../../support/kiosk-process.js';

const catalog = loadProfileCatalog(join(repoRoot(), 'firmware-config'));
const lister = (ports: SerialPortListing[]): SerialLister => ({ list: async () => ports });

const temps: string[] = [];
afterEach(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('discoverDevices', () => {
  it('lists serial ports and HID interfaces with their profile, access and holders, without opening them', async () => {
    const hid = new FakeHidBinding();
    const opened: string[] = [];
    hid.plug({ path: '/dev/hidraw2', vendorId: 0x16c0, productId: 0x05df, usagePage: 0xff00, usage: 1, product: 'USBRelay2' });
    hid.plug({ path: '/dev/hidraw1', vendorId: 0x0c2e, productId: 0x0b01, usagePage: 0x01, usage: 0x06, manufacturer: 'Honeywell' });
    hid.plug({ path: '/dev/hidraw0', vendorId: 0x046d, productId: 0xc077, usagePage: 0x01, usage: 0x02 });
    const discovery = await discoverDevices({
      catalog,
      serial: lister([
        { path: '/dev/ttyACM0', vendorId: '0c2e', productId: '0b6a', manufacturer: 'Honeywell' },
        { path: '/dev/ttyUSB0', vendorId: '1a86', productId: '7523' },
        { path: '/dev/ttyS0' },
      ]),
      hid: { devices: () => hid.devices(), open: async (path) => (opened.push(path), hid.open(path)) },
      access: (path) => (path === '/dev/ttyUSB0' ? 'no-access' : 'ok'),
      holders: (path) => (path === '/dev/ttyACM0' ? [4242] : []),
    });
    expect(discovery.problems).toEqual([]);
    const byPath = new Map(discovery.devices.map((device) => [device.path, device]));
    expect(discovery.devices.map((d) => d.path)).toEqual(['/dev/hidraw0', '/dev/hidraw1', '/dev/hidraw2', '/dev/ttyACM0', '/dev/ttyS0', '/dev/ttyUSB0']);
    expect(byPath.get('/dev/ttyACM0')).toMatchObject({
      bus: 'serial',
      transport: 'cdc-acm',
      access: 'ok',
      heldBy: [4242],
      match: { profile: { id: 'honeywell-1450g' }, mode: { mode: 'serial' } },
    });
    expect(byPath.get('/dev/ttyUSB0')).toMatchObject({ access: 'no-access', match: { confidence: 'generic' } });
    expect(byPath.get('/dev/hidraw1')?.match?.mode.mode).toBe('keyboard');
    expect(byPath.get('/dev/hidraw2')?.match?.profile.id).toBe('usb-relay-hid');
    expect(byPath.get('/dev/hidraw0')?.match).toBeUndefined();
    expect(byPath.get('/dev/ttyS0')?.match).toBeUndefined();
    expect(opened).toEqual([]);
  });

  it('lists USB card readers (CCID) with the profile of their ids and the kernel drivers holding them, without asking the file system', async () => {
    const readers: { name: string; vendorId: string; productId: string; profile: string; confidence: string }[] = [
      { name: '1-1', vendorId: '072f', productId: '223b', profile: 'acs-acr1252u', confidence: 'exact' },
      { name: '1-2', vendorId: '072f', productId: '2200', profile: 'acs-acr122u', confidence: 'exact' },
      { name: '1-3', vendorId: '072f', productId: 'b100', profile: 'acs-acr39u', confidence: 'exact' },
      { name: '1-4', vendorId: '076b', productId: '5022', profile: 'hid-omnikey-5022', confidence: 'exact' },
      { name: '1-5', vendorId: '076b', productId: '5427', profile: 'hid-omnikey-5427ck', confidence: 'exact' },
      { name: '1-6', vendorId: '08e6', productId: '3437', profile: 'generic-ccid-reader', confidence: 'generic' },
    ];
    const asked: string[] = [];
    const discovery = await discoverDevices({
      catalog,
      ccid: () => readers.map(({ name, vendorId, productId }) => ({ name, vendorId, productId, drivers: name === '1-2' ? ['pn533_usb'] : ['usbfs'] })),
      access: (path) => (asked.push(path), 'ok'),
      holders: (path) => (asked.push(path), []),
    });
    expect(discovery.problems).toEqual([]);
    expect(asked).toEqual([]);
    for (const reader of readers) {
      const found = discovery.devices.find((device) => device.path === `/sys/bus/usb/devices/${reader.name}`);
      expect(found, reader.name).toMatchObject({
        bus: 'usb',
        transport: 'ccid',
        vendorId: reader.vendorId,
        productId: reader.productId,
        match: { profile: { id: reader.profile }, mode: { mode: 'ccid' }, confidence: reader.confidence, alternatives: [] },
      });
    }
    expect(discovery.devices.find((device) => device.path.endsWith('/1-2'))?.kernelDrivers).toEqual(['pn533_usb']);
  });

  it('a bus that cannot be listed is a problem in words, and the other bus still lists', async () => {
    const hid = new FakeHidBinding();
    hid.devicesError = new Error('no hidraw');
    const discovery = await discoverDevices({
      catalog,
      serial: lister([{ path: '/dev/ttyACM3', vendorId: '0483', productId: '5740' }]),
      hid,
      access: () => 'ok',
      holders: () => [],
    });
    expect(discovery.devices.map((d) => d.match?.profile.id)).toEqual(['generic-serial-2d-scanner']);
    expect(discovery.problems).toEqual([expect.stringMatching(/^HID devices: cannot enumerate HID devices: no hidraw/)]);
  });
});

describe('transports', () => {
  it.each([
    ['/dev/ttyACM0', 'cdc-acm'],
    ['/dev/ttyUSB12', 'usb-serial-bridge'],
    ['/dev/cu.usbmodem1101', 'cdc-acm'],
    ['/dev/ttyS0', undefined],
    ['/dev/pts/4', undefined],
  ])('%s is %s', (path, transport) => {
    expect(serialTransportOf(path)).toBe(transport);
  });

  it('HID usage pages', () => {
    const base = { path: 'p', vendorId: 1, productId: 2 };
    expect(hidTransportOf({ ...base, usagePage: 0x8c, usage: 2 })).toBe('hid-pos');
    expect(hidTransportOf({ ...base, usagePage: 1, usage: 6 })).toBe('hid-keyboard');
    expect(hidTransportOf({ ...base, usagePage: 0xff00, usage: 1 })).toBe('hid-feature');
    expect(hidTransportOf({ ...base, usagePage: 1, usage: 2 })).toBeUndefined();
  });
});

describe('procHolders', () => {
  it('finds the processes whose fd links point at the device', () => {
    const proc = mkdtempSync(join(tmpdir(), 'chot-proc-'));
    temps.push(proc);
    for (const [pid, target] of [
      ['100', '/dev/ttyACM0'],
      ['200', '/dev/null'],
      ['300', '/dev/ttyACM0'],
    ] as const) {
      mkdirSync(join(proc, pid, 'fd'), { recursive: true });
      symlinkSync(target, join(proc, pid, 'fd', '3'));
    }
    mkdirSync(join(proc, 'self'));
    expect([...procHolders('/dev/ttyACM0', proc)].sort()).toEqual([100, 300]);
    expect(procHolders('/dev/ttyACM0', join(proc, 'missing'))).toEqual([]);
  });
});

describe('serialScannerConfigFor', () => {
  const configFor = serialScannerConfigFor(catalog);

  it('gives a matched scanner its profile’s settings and framing', () => {
    expect(configFor({ path: '/dev/ttyUSB0', vendorId: '1a86', productId: '7523' })).toEqual({
      settings: { baudRate: 9600, dataBits: 8, parity: 'none', stopBits: 1 },
      framing: { suffix: 'cr', interByteTimeoutMs: 50, maxFrameBytes: 8192 },
    });
    expect(configFor({ path: '/dev/ttyACM0', vendorId: '0c2e', productId: '0b6a' })?.framing.suffix).toBe('crlf');
  });

  it('leaves ports that match no serial scanner', () => {
    expect(configFor({ path: '/dev/ttyS0' })).toBeUndefined();
    expect(configFor({ path: '/dev/ttyUSB0', vendorId: '046d', productId: 'c077' })).toBeUndefined();
    // A Honeywell whose port name says nothing about its transport: not guessed.
    expect(configFor({ path: '/dev/weird0', vendorId: '0c2e', productId: '0b6a' })).toBeUndefined();
  });
});
