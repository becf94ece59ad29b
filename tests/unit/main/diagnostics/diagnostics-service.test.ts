import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { validateCall } from '../../../../domain/contract/validate-call.js';
import type { DeviceStatus } from '../../../../drivers/device.js';
import { KioskCore } from '../../../../main/core/kiosk-core.js';
import { spellControls } from '../../../../main/diagnostics/code-barcodes.js';
import { DiagnosticsService } from '../../../../main/diagnostics/diagnostics-service.js';
import { firmwareConfigDir } from '../../../../main/diagnostics/firmware-config-dir.js';
import { tempDataDir } from '../../../support/kiosk-process.js';
import { decodeQrSvg } from './svg-qr.js';
import { repoRoot } from '../../../support/kiosk-process.js';

const FIRMWARE_CONFIG = join(repoRoot(), 'firmware-config');
const NOW = Date.parse('2026-11-23T10:00:00+07:00');

const temps: string[] = [];
afterEach(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const statuses: DeviceStatus[] = [
  { info: { id: '/dev/ttyACM0', kind: 'serial-scanner', vendorId: '0c2e', productId: '0b6a' }, state: 'ready', lastScanAt: '2026-11-23T09:59:58+07:00' },
  {
    info: { id: '/dev/ttyUSB1', kind: 'serial-relay', vendorId: '1a86', productId: '7523' },
    state: 'fault',
    fault: { kind: 'unplugged', message: '/dev/ttyUSB1 disappeared', at: '2026-11-23T09:58:00+07:00' },
  },
  { info: { id: 'pty:/dev/pts/7', kind: 'serial-scanner' }, state: 'opening' },
];

describe('DiagnosticsService', () => {
  it('reports each device with its state, last scan, fault and matching profile', async () => {
    const service = new DiagnosticsService({ firmwareConfigDir: FIRMWARE_CONFIG, devices: () => statuses, keyboardScanners: async () => [], now: () => NOW });
    const diagnostics = await service.getDiagnostics();
    expect(diagnostics.at).toBe('2026-11-23T10:00:00.000+07:00');
    expect(diagnostics.devices).toEqual([
      {
        id: '/dev/ttyACM0',
        kind: 'serial-scanner',
        vendorId: '0c2e',
        productId: '0b6a',
        state: 'ready',
        lastScanAt: '2026-11-23T09:59:58+07:00',
        profile: { id: 'honeywell-1450g', model: 'Honeywell Voyager 1450g / 1452g', mode: 'serial' },
      },
      {
        id: '/dev/ttyUSB1',
        kind: 'serial-relay',
        vendorId: '1a86',
        productId: '7523',
        state: 'fault',
        fault: statuses[1]!.fault,
        profile: { id: 'ch340-serial-relay', model: 'Generic (LC Technology and clones) CH340 USB serial relay (A0 frame)', mode: 'serial-relay' },
      },
      { id: 'pty:/dev/pts/7', kind: 'serial-scanner', state: 'opening' },
    ]);
    expect(diagnostics.profilesError).toBeUndefined();
  });

  it('shows a device’s USB product string without bidi overrides or zero-width characters', async () => {
    const spoofed: DeviceStatus = { info: { id: '/dev/ttyACM3', kind: 'serial-scanner', product: 'Scanner\u202E\u200B 1900\u0000' }, state: 'ready' };
    const service = new DiagnosticsService({ firmwareConfigDir: FIRMWARE_CONFIG, devices: () => [spoofed], keyboardScanners: async () => [], now: () => NOW });
    expect((await service.getDiagnostics()).devices[0]?.product).toBe('Scanner 1900');
  });

  it('renders every scanner code with a QR that decodes to the profile’s text, and says which are unverified', async () => {
    const service = new DiagnosticsService({ firmwareConfigDir: FIRMWARE_CONFIG, keyboardScanners: async () => [] });
    const { scanners, devices } = await service.getDiagnostics();
    expect(devices).toEqual([]);
    const honeywell = scanners.find((s) => s.profileId === 'honeywell-1900');
    const toSerial = honeywell?.codes.find((c) => c.purpose === 'to-serial');
    expect(toSerial).toMatchObject({ text: 'TRMUSB130.', symbology: 'code128', serialCommand: '<SYN>M<CR>TRMUSB130.', verified: false });
    let rendered = 0;
    for (const scanner of scanners) {
      for (const code of scanner.codes) {
        if (code.text === undefined) continue;
        expect(decodeQrSvg(code.qrSvg ?? ''), `${scanner.profileId} ${code.purpose}`).toBe(code.text);
        if (code.symbology === 'code128') expect(code.code128Svg, `${scanner.profileId} ${code.purpose}`).toMatch(/^<svg /);
        rendered += 1;
      }
    }
    expect(rendered).toBeGreaterThanOrEqual(5);
    // Profiles with codes come first, so the screen starts with something to scan.
    expect(scanners[0]!.codes.length).toBeGreaterThan(0);
    expect(scanners.map((s) => s.profileId)).toContain('zebra-ds2208');
  });

  it('lists scanners plugged in as keyboards', async () => {
    const keyboard = { path: '/dev/hidraw3', vendorId: '0c2e', productId: '0b01', profileId: 'honeywell-1450g', model: 'Honeywell Voyager 1450g / 1452g' };
    const service = new DiagnosticsService({ firmwareConfigDir: FIRMWARE_CONFIG, keyboardScanners: async () => [keyboard] });
    expect((await service.getDiagnostics()).keyboardScanners).toEqual([keyboard]);
  });

  it('a broken profile file is reported, and the devices are still listed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'chot-diag-'));
    temps.push(dir);
    cpSync(FIRMWARE_CONFIG, dir, { recursive: true });
    writeFileSync(join(dir, 'profiles', 'acs-acr39u.json'), '{}');
    const service = new DiagnosticsService({ firmwareConfigDir: dir, devices: () => statuses.slice(0, 1), keyboardScanners: async () => [] });
    const diagnostics = await service.getDiagnostics();
    expect(diagnostics.profilesError).toMatch(/acs-acr39u\.json/);
    expect(diagnostics.scanners).toEqual([]);
    expect(diagnostics.devices.map((d) => [d.id, d.state, d.profile])).toEqual([['/dev/ttyACM0', 'ready', undefined]]);
  });

  it('a failing HID enumeration leaves the keyboard list empty, not the answer failed', async () => {
    const service = new DiagnosticsService({ firmwareConfigDir: FIRMWARE_CONFIG, keyboardScanners: async () => Promise.reject(new Error('no hidraw')) });
    expect((await service.getDiagnostics()).keyboardScanners).toEqual([]);
  });
});

describe('helpers', () => {
  it('spells control characters of serial commands', () => {
    expect(spellControls('\u0016M\rTRMUSB131.')).toBe('<SYN>M<CR>TRMUSB131.');
    expect(spellControls('a\u0001b')).toBe('a<0x01>b');
  });

  it('finds the profiles in a checkout, and in dist/ where an installed kiosk has them', () => {
    const root = mkdtempSync(join(tmpdir(), 'chot-root-'));
    temps.push(root);
    expect(firmwareConfigDir(root)).toBe(join(root, 'dist', 'firmware-config'));
    cpSync(FIRMWARE_CONFIG, join(root, 'firmware-config'), { recursive: true });
    expect(firmwareConfigDir(root)).toBe(join(root, 'firmware-config'));
    expect(firmwareConfigDir()).toBe(FIRMWARE_CONFIG.replace(/\/$/, ''));
  });
});

describe('getDiagnostics through the contract', () => {
  it('is a method of the contract that takes no arguments', () => {
    expect(validateCall('getDiagnostics', [])).toEqual({ ok: true, method: 'getDiagnostics', args: [] });
    expect(validateCall('getDiagnostics', [1])).toMatchObject({ ok: false, error: { code: 'rpc.bad-arguments' } });
  });

  it('KioskCore answers it from its devices option', async () => {
    const core = KioskCore.open({ dataDir: tempDataDir('chot-diag-core-'), demo: true, devices: () => statuses, firmwareConfigDir: FIRMWARE_CONFIG });
    try {
      const diagnostics = await core.getDiagnostics();
      expect(diagnostics.devices.map((d) => [d.id, d.state])).toEqual([
        ['/dev/ttyACM0', 'ready'],
        ['/dev/ttyUSB1', 'fault'],
        ['pty:/dev/pts/7', 'opening'],
      ]);
      expect(diagnostics.scanners.length).toBeGreaterThan(0);
    } finally {
      core.close();
    }
  });
});
