import { accessSync, constants, readdirSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { matchProfile, type ProfileMatch, type ProfileTransport } from '../../domain/devices/device-profile.js';
import { messageOf } from '../../platform/message-of.js';
import { enumerateHid } from '../hid/hid-keeper.js';
import { hex4, present, type HidBinding, type HidDeviceDescriptor } from '../hid/hid-binding.js';
import type { SerialTransport } from '../serial/serial-transport.js';
import { serialTransportOf, type ProfileCatalog } from './profile-catalog.js';
import type { UsbCcidLister } from './usb-ccid.js';

/**
 * What is plugged in, and which profile each device matches: for `chot devices` and the
 * diagnostics. Never opens a device: a scanner the kiosk holds must not be disturbed, so the
 * state is what the file system says (present, no access) and which processes hold it open;
 * for a card reader, which kernel driver holds it (`usb-ccid.ts`).
 */

/**
 * What lists the serial ports: the serial transport (NodeSerialTransport in production, the
 * one place serial ports are listed; a FakeSerialTransport in tests).
 */
export type SerialLister = Pick<SerialTransport, 'list'>;

/** Whether this process may open the device node; only asked of the file system. */
export type DeviceAccess = 'ok' | 'no-access' | 'unknown';

export interface DiscoveredDevice {
  readonly path: string;
  /** `usb`: a card reader (CCID), found in sysfs; pcscd opens it, never the kiosk. */
  readonly bus: 'serial' | 'hid' | 'usb';
  readonly transport?: ProfileTransport;
  readonly vendorId?: string;
  readonly productId?: string;
  readonly manufacturer?: string;
  readonly product?: string;
  readonly match?: ProfileMatch;
  readonly access: DeviceAccess;
  /** Processes (of this user: others' are not visible) that hold the device open. */
  readonly heldBy: readonly number[];
  /** Card readers: the kernel drivers bound to its CCID interfaces (`usbfs`: pcscd's CCID driver has it). */
  readonly kernelDrivers?: readonly string[];
}

export interface DiscoveryOptions {
  readonly catalog: ProfileCatalog;
  readonly serial?: SerialLister;
  readonly hid?: HidBinding;
  /** USB card readers (sysfsCcidDevices in production). */
  readonly ccid?: UsbCcidLister;
  readonly access?: (path: string) => DeviceAccess;
  readonly holders?: (path: string) => readonly number[];
}

export interface Discovery {
  readonly devices: readonly DiscoveredDevice[];
  /** A bus that could not be listed (no serialport binding, no hidraw): said, not fatal. */
  readonly problems: readonly string[];
}

/** Read and write permission on the node: EACCES is the udev rule or the dialout/plugdev group missing. */
export function fileAccess(path: string): DeviceAccess {
  try {
    accessSync(path, constants.R_OK | constants.W_OK);
    return 'ok';
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'EACCES' || code === 'EPERM' ? 'no-access' : 'unknown';
  }
}

/** Linux: the processes whose open files include `path` (only this user's are readable). */
export function procHolders(path: string, procDir = '/proc'): readonly number[] {
  const pids: number[] = [];
  let entries: string[];
  try {
    entries = readdirSync(procDir).filter((name) => /^\d+$/.test(name));
  } catch {
    return pids;
  }
  for (const pid of entries) {
    try {
      const fdDir = join(procDir, pid, 'fd');
      if (readdirSync(fdDir).some((fd) => readlinkSafe(join(fdDir, fd)) === path)) pids.push(Number(pid));
    } catch {
      // Another user's process, or one that just ended: not ours to see.
    }
  }
  return pids;
}

function readlinkSafe(link: string): string | undefined {
  try {
    return readlinkSync(link);
  } catch {
    return undefined;
  }
}

const USAGE_PAGE_POS_SCANNER = 0x8c;
const USAGE_PAGE_GENERIC_DESKTOP = 0x01;
const USAGE_KEYBOARD = 0x06;

/** What a HID interface's top-level collection says it is. */
export function hidTransportOf(device: HidDeviceDescriptor): ProfileTransport | undefined {
  if (device.usagePage === USAGE_PAGE_POS_SCANNER) return 'hid-pos';
  if (device.usagePage === USAGE_PAGE_GENERIC_DESKTOP && device.usage === USAGE_KEYBOARD) return 'hid-keyboard';
  // USBRelayN boards are vendor-defined HID (feature reports only).
  if (device.usagePage !== undefined && device.usagePage >= 0xff00) return 'hid-feature';
  return undefined;
}

export async function discoverDevices(options: DiscoveryOptions): Promise<Discovery> {
  const access = options.access ?? fileAccess;
  const holders = options.holders ?? procHolders;
  const devices: DiscoveredDevice[] = [];
  const problems: string[] = [];
  const describe = (
    bus: 'serial' | 'hid',
    path: string,
    ids: { vendorId?: string; productId?: string; transport?: ProfileTransport },
    names: { manufacturer?: string; product?: string },
  ): DiscoveredDevice => {
    const match = ids.vendorId === undefined && ids.transport === undefined ? undefined : matchProfile(options.catalog.profiles, ids);
    return { path, bus, ...ids, ...names, ...(match === undefined ? {} : { match }), access: access(path), heldBy: holders(path) };
  };
  if (options.serial !== undefined) {
    try {
      for (const port of await options.serial.list()) {
        const transport = serialTransportOf(port.path);
        devices.push(
          describe(
            'serial',
            port.path,
            {
              ...(port.vendorId === undefined ? {} : { vendorId: port.vendorId }),
              ...(port.productId === undefined ? {} : { productId: port.productId }),
              ...(transport === undefined ? {} : { transport }),
            },
            port.manufacturer === undefined ? {} : { manufacturer: port.manufacturer },
          ),
        );
      }
    } catch (error) {
      problems.push(`serial ports: ${messageOf(error)}`);
    }
  }
  if (options.hid !== undefined) {
    try {
      for (const device of await enumerateHid(options.hid, 'chot devices')) {
        const transport = hidTransportOf(device);
        const manufacturer = present(device.manufacturer);
        const product = present(device.product);
        devices.push(
          describe(
            'hid',
            device.path,
            { vendorId: hex4(device.vendorId), productId: hex4(device.productId), ...(transport === undefined ? {} : { transport }) },
            { ...(manufacturer === undefined ? {} : { manufacturer }), ...(product === undefined ? {} : { product }) },
          ),
        );
      }
    } catch (error) {
      problems.push(`HID devices: ${messageOf(error)}`);
    }
  }
  if (options.ccid !== undefined) {
    try {
      for (const reader of options.ccid()) {
        const match = matchProfile(options.catalog.profiles, { vendorId: reader.vendorId, productId: reader.productId, transport: 'ccid' });
        devices.push({
          // Its sysfs directory: a reader has no device node of the kiosk's (pcscd opens /dev/bus/usb/…).
          path: `/sys/bus/usb/devices/${reader.name}`,
          bus: 'usb',
          transport: 'ccid',
          vendorId: reader.vendorId,
          productId: reader.productId,
          ...(reader.manufacturer === undefined ? {} : { manufacturer: reader.manufacturer }),
          ...(reader.product === undefined ? {} : { product: reader.product }),
          ...(match === undefined ? {} : { match }),
          access: 'unknown',
          heldBy: [],
          kernelDrivers: reader.drivers,
        });
      }
    } catch (error) {
      problems.push(`USB card readers: ${messageOf(error)}`);
    }
  }
  devices.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { devices, problems };
}
