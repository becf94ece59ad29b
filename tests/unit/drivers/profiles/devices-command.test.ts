import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runDevices, type DevicesDeps } from '../../../../cli/commands/devices.js';
import { main } from '../../../../cli/main.js';
import { FakePcscBinding } from '../../../../drivers/chip/fake-pcsc-binding.js';
import { FakeHidBinding } from '../../../../drivers/hid/fake-hid-binding.js';
import { repoRoot } from '../../../support/kiosk-process.js';

const FIRMWARE_CONFIG = join(repoRoot(), 'firmware-config');

const READER = 'ACS ACR1252 Dual Reader [ACR1252 Dual Reader PICC] 00 00';
const SAM_SLOT = 'ACS ACR1252 Dual Reader [ACR1252 Dual Reader SAM] 01 00';
const ATR = Uint8Array.from([0x3b, 0x88, 0x80, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x09]);

/**
 * A machine with a Honeywell in keyboard mode, a CH340 the user may not open, a relay board the
 * kiosk holds, a mouse, and pcscd with a dual reader whose contactless slot holds a card.
 */
function machine(pcsc = readersWithCard()): { deps: DevicesDeps; output: () => string } {
  let out = '';
  const hid = new FakeHidBinding();
  hid.plug({ path: '/dev/hidraw1', vendorId: 0x0c2e, productId: 0x0b01, usagePage: 0x01, usage: 0x06 });
  hid.plug({ path: '/dev/hidraw2', vendorId: 0x16c0, productId: 0x05df, usagePage: 0xff00, usage: 1 });
  hid.plug({ path: '/dev/hidraw0', vendorId: 0x046d, productId: 0xc077, usagePage: 0x01, usage: 0x02 });
  return {
    deps: {
      firmwareConfigDir: FIRMWARE_CONFIG,
      serial: { list: async () => [{ path: '/dev/ttyUSB0', vendorId: '1a86', productId: '7523' }] },
      hid,
      ccid: () => [],
      access: (path) => (path === '/dev/ttyUSB0' ? 'no-access' : 'ok'),
      holders: (path) => (path === '/dev/hidraw2' ? [777] : []),
      pcsc,
      write: (text) => void (out += text),
    },
    output: () => out,
  };
}

function readersWithCard(): FakePcscBinding {
  const pcsc = new FakePcscBinding();
  pcsc.addReader(READER);
  pcsc.addReader(SAM_SLOT);
  pcsc.insertCard(READER, { atr: ATR, respond: () => Uint8Array.from([0x6d, 0x00]) });
  return pcsc;
}

/** Only the PC/SC section of the text output. */
function pcscPart(text: string): string {
  return text.slice(text.indexOf('Card readers (PC/SC):'));
}

afterEach(() => vi.restoreAllMocks());

describe('chot devices', () => {
  it('prints a table with profile, state and the hints an operator needs', async () => {
    const { deps, output } = machine();
    expect(await runDevices([], deps)).toBe(0);
    const text = output();
    expect(text).toMatch(/^PATH\s+KIND\s+VID:PID\s+PROFILE\s+STATE$/m);
    expect(text).toMatch(
      /^\/dev\/hidraw1\s+scanner\s+0c2e:0b01\s+Honeywell Voyager 1450g \/ 1452g \[keyboard, by vendor id\] \(or honeywell-1900\)\s+present$/m,
    );
    expect(text).toContain('keyboard mode garbles Vietnamese names: switch it to serial or HID-POS (Switch to USB Serial (CDC): "TRMUSB130."');
    expect(text).toMatch(/^\/dev\/hidraw2\s+relay\s+16c0:05df\s+.*USBRelayN.*in use \(pid 777\)$/m);
    expect(text).toMatch(/^\/dev\/ttyUSB0\s+relay\s+1a86:7523\s+.*generic ids.*no access$/m);
    expect(text).toContain('sudo usermod -aG plugdev,dialout');
    expect(text).not.toContain('/dev/hidraw0');
    expect(text).toContain('1 other device(s) match no profile: chot devices --all lists them');
  });

  it('--all includes devices matching no profile as "unknown"; --json is one document', async () => {
    const { deps, output } = machine();
    expect(await runDevices(['--all', '--json'], deps)).toBe(0);
    const doc = JSON.parse(output()) as { devices: { path: string; profile: string; state: string; profileId?: string }[]; problems: string[]; hidden: number };
    expect(doc.devices.map((d) => d.path)).toEqual(['/dev/hidraw0', '/dev/hidraw1', '/dev/hidraw2', '/dev/ttyUSB0']);
    expect(doc.devices[0]).toMatchObject({ profile: 'unknown', state: 'present' });
    expect(doc.devices[1]).toMatchObject({ profileId: 'honeywell-1450g', mode: 'keyboard' });
    expect(doc.hidden).toBe(0);
    expect(doc.problems).toEqual([]);
  });

  it('says so when nothing is plugged in, and names a bus it could not list', async () => {
    let out = '';
    const hid = new FakeHidBinding();
    hid.devicesError = new Error('hidraw is missing');
    const pcsc = new FakePcscBinding();
    expect(
      await runDevices([], { firmwareConfigDir: FIRMWARE_CONFIG, serial: { list: async () => [] }, hid, ccid: () => [], pcsc, write: (t) => void (out += t) }),
    ).toBe(0);
    expect(out).toBe(
      'no devices found\ncould not list HID devices: cannot enumerate HID devices: hidraw is missing\n' +
        'Card readers (PC/SC):\n  → no card reader: plug one in (an ACR122U is taken by the kernel NFC driver unless pn533_usb is blacklisted: /etc/modprobe.d/blacklist-chot-nfc.conf, drivers/README.md)\n',
    );
  });

  it('lists the PC/SC readers pcscd offers, with and without a card, and opens no card', async () => {
    const pcsc = readersWithCard();
    const { deps, output } = machine(pcsc);
    expect(await runDevices([], deps)).toBe(0);
    expect(pcscPart(output())).toBe(['Card readers (PC/SC):', `  ${READER}  card present`, `  ${SAM_SLOT.padEnd(READER.length)}  no card`, ''].join('\n'));
    expect(pcsc.commands.size).toBe(0);
    expect(pcsc.isHeld(READER)).toBe(false);
    expect(pcsc.openSessions).toBe(0);
  });

  it('lists USB card readers by profile; one a kernel driver took gets the blacklist to install, one pcscd holds is present', async () => {
    const { deps, output } = machine();
    const ccid = (): ReturnType<NonNullable<DevicesDeps['ccid']>> => [
      { name: '1-4', vendorId: '072f', productId: '2200', product: 'ACR122U PICC Interface', drivers: ['pn533_usb'] },
      { name: '1-5', vendorId: '072f', productId: '223b', drivers: ['usbfs'] },
      { name: '1-6', vendorId: '1234', productId: '0001', drivers: ['some_driver'] },
    ];
    expect(await runDevices([], { ...deps, ccid })).toBe(0);
    const text = output();
    expect(text).toMatch(/^\/sys\/bus\/usb\/devices\/1-4\s+card-reader\s+072f:2200\s+ACS ACR122U NFC reader \[ccid\]\s+kernel driver$/m);
    expect(text).toContain(
      '→ the kernel driver pn533_usb holds it, so pcscd cannot: install packaging/modprobe/blacklist-chot-nfc.conf as /etc/modprobe.d/blacklist-chot-nfc.conf (the deb does), run `sudo modprobe -r pn533_usb pn533 nfc`, then unplug and replug it',
    );
    expect(text).toMatch(/^\/sys\/bus\/usb\/devices\/1-5\s+card-reader\s+072f:223b\s+ACS ACR1252U NFC reader \(ACR1252 Dual Reader\) \[ccid\]\s+present$/m);
    expect(text).toMatch(/^\/sys\/bus\/usb\/devices\/1-6\s+card-reader\s+1234:0001\s+.*generic ids\]\s+kernel driver$/m);
    expect(text).toContain('→ the kernel driver some_driver holds it, so pcscd cannot: blacklist that module (/etc/modprobe.d/), then unplug and replug it');
  });

  it('pcscd not running: says so with the command that starts it', async () => {
    const pcsc = new FakePcscBinding();
    pcsc.stopService();
    const { deps, output } = machine(pcsc);
    expect(await runDevices([], deps)).toBe(0);
    expect(pcscPart(output())).toBe('Card readers (PC/SC):\n  → pcscd is not running: sudo systemctl enable --now pcscd.socket\n');
  });

  it('pcscd refusing this user (polkit): says so with the rule to install and the group to join, not "not running"', async () => {
    const pcsc = readersWithCard();
    pcsc.denyAccess();
    const { deps, output } = machine(pcsc);
    expect(await runDevices([], deps)).toBe(0);
    const part = pcscPart(output());
    expect(part).toContain('pcscd refuses this user (polkit): install packaging/polkit/70-chot-pcscd.rules as /usr/share/polkit-1/rules.d/70-chot-pcscd.rules');
    expect(part).toContain('sudo usermod -aG plugdev $USER');
    expect(part).not.toContain('not running');
    expect(part).not.toContain(READER);
  });

  it('--json carries the PC/SC state: readers and cards, or the service state with its hint', async () => {
    const listed = machine();
    await runDevices(['--json'], listed.deps);
    expect((JSON.parse(listed.output()) as { pcsc: unknown }).pcsc).toEqual({
      service: 'running',
      readers: [
        { name: READER, hasCard: true },
        { name: SAM_SLOT, hasCard: false },
      ],
    });

    const stopped = new FakePcscBinding();
    stopped.stopService();
    const down = machine(stopped);
    await runDevices(['--json'], down.deps);
    expect((JSON.parse(down.output()) as { pcsc: unknown }).pcsc).toEqual({
      service: 'not-running',
      readers: [],
      hint: 'pcscd is not running: sudo systemctl enable --now pcscd.socket',
    });

    const refusing = readersWithCard();
    refusing.denyAccess();
    const denied = machine(refusing);
    await runDevices(['--json'], denied.deps);
    expect((JSON.parse(denied.output()) as { pcsc: unknown }).pcsc).toMatchObject({
      service: 'access-denied',
      readers: [],
      hint: expect.stringContaining('polkit'),
    });
  });

  it('a PC/SC binding that cannot load (no addon) is said, and the USB devices are still listed', async () => {
    const { deps, output } = machine();
    const broken = { open: () => Promise.reject(new Error('Cannot find module smartcard')) };
    expect(await runDevices([], { ...deps, pcsc: broken })).toBe(0);
    expect(output()).toMatch(/^\/dev\/hidraw1\s+scanner/m);
    expect(pcscPart(output())).toBe('Card readers (PC/SC):\n  could not ask pcscd: PC/SC: Cannot find module smartcard\n');
  });

  it('runs from the command line on this machine (real serialport and node-hid, whatever is plugged in)', async () => {
    let stdout = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((stdout += String(chunk)), true));
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const code = await main(['devices', '--json', '--all']);
    vi.restoreAllMocks();
    expect(code).toBe(0);
    const doc = JSON.parse(stdout) as { devices: unknown[]; problems: string[]; pcsc: { service: string } };
    expect(Array.isArray(doc.devices)).toBe(true);
    expect(Array.isArray(doc.problems)).toBe(true);
    expect(['running', 'not-running', 'access-denied', 'failed']).toContain(doc.pcsc.service);
  });

  it('a bad flag is a usage error listed in the help', async () => {
    let stderr = '';
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((stderr += String(chunk)), true));
    expect(await main(['devices', '--colour'])).toBe(2);
    vi.restoreAllMocks();
    expect(stderr).toContain('Usage: chot devices [--json] [--all]');
  });
});
