import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sysfsCcidDevices } from '../../../../drivers/profiles/usb-ccid.js';

const temps: string[] = [];
afterEach(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A /sys/bus/usb/devices of its own: device directories, interface directories, driver links. */
function sysfs(): {
  root: string;
  device: (name: string, attributes: Record<string, string>) => void;
  iface: (name: string, cls: string, driver?: string) => void;
} {
  const root = mkdtempSync(join(tmpdir(), 'chot-sysfs-'));
  temps.push(root);
  mkdirSync(join(root, 'drivers'));
  return {
    root,
    device: (name, attributes) => {
      mkdirSync(join(root, name));
      for (const [key, value] of Object.entries(attributes)) writeFileSync(join(root, name, key), `${value}\n`);
    },
    iface: (name, cls, driver) => {
      mkdirSync(join(root, name));
      writeFileSync(join(root, name, 'bInterfaceClass'), `${cls}\n`);
      if (driver === undefined) return;
      mkdirSync(join(root, 'drivers', driver), { recursive: true });
      symlinkSync(join(root, 'drivers', driver), join(root, name, 'driver'));
    },
  };
}

describe('sysfsCcidDevices', () => {
  it('lists the devices with a CCID interface (class 0b), with their ids, names and the drivers bound to those interfaces', () => {
    const fs = sysfs();
    // An ACR1252U: PICC and SAM interfaces, both held by pcscd's CCID driver (libusb: usbfs).
    fs.device('1-1', { idVendor: '072f', idProduct: '223b', manufacturer: 'ACS', product: 'ACR1252 Dual Reader' });
    fs.iface('1-1:1.0', '0b', 'usbfs');
    fs.iface('1-1:1.1', '0b', 'usbfs');
    // An ACR122U the kernel's NFC driver took.
    fs.device('1-2', { idVendor: '072F', idProduct: '2200', product: 'ACR122U PICC Interface' });
    fs.iface('1-2:1.0', '0b', 'pn533_usb');
    // An OMNIKEY 5022 nobody holds yet (pcscd not running).
    fs.device('2-1.4', { idVendor: '076b', idProduct: '5022' });
    fs.iface('2-1.4:1.0', '0b');
    // Not readers: a mouse, and a root hub.
    fs.device('1-3', { idVendor: '046d', idProduct: 'c077' });
    fs.iface('1-3:1.0', '03', 'usbhid');
    fs.device('usb1', { idVendor: '1d6b', idProduct: '0002' });
    fs.iface('1-0:1.0', '09', 'hub');
    expect(sysfsCcidDevices(fs.root)).toEqual([
      { name: '1-1', vendorId: '072f', productId: '223b', manufacturer: 'ACS', product: 'ACR1252 Dual Reader', drivers: ['usbfs'] },
      { name: '1-2', vendorId: '072f', productId: '2200', product: 'ACR122U PICC Interface', drivers: ['pn533_usb'] },
      { name: '2-1.4', vendorId: '076b', productId: '5022', drivers: [] },
    ]);
  });

  it('a device that left between the reads is not listed; no sysfs at all is no readers', () => {
    const fs = sysfs();
    fs.iface('3-1:1.0', '0b', 'usbfs');
    expect(sysfsCcidDevices(fs.root)).toEqual([]);
    expect(sysfsCcidDevices(join(fs.root, 'missing'))).toEqual([]);
  });
});
