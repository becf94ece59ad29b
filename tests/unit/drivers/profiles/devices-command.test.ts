import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runDevices, type DevicesDeps } from '../../../../cli/commands/devices.js';
import { main } from '../../../../cli/main.js';
import { FakeHidBinding } from '../../../../drivers/hid/fake-hid-binding.js';
import { repoRoot } from '../../../support/kiosk-process.js';

const FIRMWARE_CONFIG = join(repoRoot(), 'firmware-config');

/** A machine with a Honeywell in keyboard mode, a CH340 the user may not open, a relay board the kiosk holds, and a mouse. */
function machine(): { deps: DevicesDeps; output: () => string } {
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
      access: (path) => (path === '/dev/ttyUSB0' ? 'no-access' : 'ok'),
      holders: (path) => (path === '/dev/hidraw2' ? [777] : []),
      write: (text) => void (out += text),
    },
    output: () => out,
  };
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
    expect(await runDevices([], { firmwareConfigDir: FIRMWARE_CONFIG, serial: { list: async () => [] }, hid, write: (t) => void (out += t) })).toBe(0);
    expect(out).toBe('no devices found\ncould not list HID devices: cannot enumerate HID devices: hidraw is missing\n');
  });

  it('runs from the command line on this machine (real serialport and node-hid, whatever is plugged in)', async () => {
    let stdout = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((stdout += String(chunk)), true));
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const code = await main(['devices', '--json', '--all']);
    vi.restoreAllMocks();
    expect(code).toBe(0);
    const doc = JSON.parse(stdout) as { devices: unknown[]; problems: string[] };
    expect(Array.isArray(doc.devices)).toBe(true);
    expect(Array.isArray(doc.problems)).toBe(true);
  });

  it('a bad flag is a usage error listed in the help', async () => {
    let stderr = '';
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((stderr += String(chunk)), true));
    expect(await main(['devices', '--colour'])).toBe(2);
    vi.restoreAllMocks();
    expect(stderr).toContain('Usage: chot devices [--json] [--all]');
  });
});
