import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { basename, join } from 'node:path';

/**
 * USB card readers (CCID), as Linux's sysfs shows them. The kiosk never opens a card reader:
 * pcscd does, through its CCID driver, so readers are not serial ports or HID devices and
 * neither of those listings sees them. Reading sysfs costs nothing and opens nothing; it also
 * tells which kernel driver holds each reader's CCID interface — `usbfs` when pcscd's CCID
 * driver (libusb) has it, or a kernel driver that took it first (the ACR122U and `pn533_usb`),
 * which is why pcscd shows no reader.
 */

/** USB interface class of a smart card reader (the USB CCID class specification: bInterfaceClass 0Bh). */
const CCID_INTERFACE_CLASS = '0b';

/** What the kernel names the driver that libusb programs (pcscd's CCID driver) hold an interface through. */
export const USERSPACE_DRIVER = 'usbfs';

export interface UsbCcidDevice {
  /** The device's sysfs name, e.g. "1-1.3" (bus 1, port path 1.3). */
  readonly name: string;
  /** 4 lowercase hex digits. */
  readonly vendorId: string;
  readonly productId: string;
  readonly manufacturer?: string;
  readonly product?: string;
  /** The kernel drivers bound to its CCID interfaces now (none: nobody has it yet), sorted. */
  readonly drivers: readonly string[];
}

/** Lists the USB devices with a CCID interface; tests hand discovery a fake one. */
export type UsbCcidLister = () => readonly UsbCcidDevice[];

function readAttribute(path: string): string | undefined {
  try {
    const text = readFileSync(path, 'utf8').trim();
    return text === '' ? undefined : text;
  } catch {
    return undefined;
  }
}

function boundDriver(interfaceDir: string): string | undefined {
  try {
    return basename(readlinkSync(join(interfaceDir, 'driver')));
  } catch {
    return undefined;
  }
}

/**
 * The CCID devices under `devicesDir` (`/sys/bus/usb/devices`: devices are named like "1-1.3",
 * their interfaces "1-1.3:1.0"). Not Linux, or no sysfs: none.
 */
export function sysfsCcidDevices(devicesDir = '/sys/bus/usb/devices'): UsbCcidDevice[] {
  let entries: string[];
  try {
    entries = readdirSync(devicesDir);
  } catch {
    return [];
  }
  const drivers = new Map<string, Set<string>>();
  for (const entry of entries) {
    const [device, iface] = entry.split(':');
    if (device === undefined || iface === undefined) continue;
    if (readAttribute(join(devicesDir, entry, 'bInterfaceClass'))?.toLowerCase() !== CCID_INTERFACE_CLASS) continue;
    const bound = drivers.get(device) ?? new Set<string>();
    const driver = boundDriver(join(devicesDir, entry));
    if (driver !== undefined) bound.add(driver);
    drivers.set(device, bound);
  }
  const devices: UsbCcidDevice[] = [];
  for (const [name, bound] of [...drivers].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const dir = join(devicesDir, name);
    const vendorId = readAttribute(join(dir, 'idVendor'))?.toLowerCase();
    const productId = readAttribute(join(dir, 'idProduct'))?.toLowerCase();
    // A device that went away between the two reads: gone, not listed.
    if (vendorId === undefined || productId === undefined) continue;
    const manufacturer = readAttribute(join(dir, 'manufacturer'));
    const product = readAttribute(join(dir, 'product'));
    devices.push({
      name,
      vendorId,
      productId,
      ...(manufacturer === undefined ? {} : { manufacturer }),
      ...(product === undefined ? {} : { product }),
      drivers: [...bound].sort(),
    });
  }
  return devices;
}
