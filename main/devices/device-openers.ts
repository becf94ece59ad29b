import { DeviceFault, type DeviceInfo, type RelayHandle, type ScannerHandle } from '../../drivers/device.js';
import { HidPosScannerDriver } from '../../drivers/hid-pos/hid-pos-scanner.js';
import { HidRelayDriver } from '../../drivers/hid-relay/hid-relay.js';
import type { HidBinding } from '../../drivers/hid/hid-binding.js';
import { NodeHidBinding } from '../../drivers/hid/node-hid-binding.js';
import { SerialRelayDriver } from '../../drivers/relay/serial-relay-driver.js';
import { NodeSerialTransport } from '../../drivers/serial/node-serial-transport.js';
import { identifiesSerialScanner, serialScannerConfigFor, type ProfileCatalog } from '../../drivers/profiles/profile-catalog.js';
import { DEFAULT_SERIAL_SCANNER_CONFIG, SerialScannerDriver, type SerialScannerConfig } from '../../drivers/serial/serial-scanner-driver.js';
import { SERIAL_9600_8N1, type SerialPortListing, type SerialTransport } from '../../drivers/serial/serial-transport.js';
import { samePath } from './device-paths.js';
import type { DeviceSpec, DeviceSpecKind, RelaySpec, ScannerSpec } from './device-spec.js';

export interface OpenedDevice {
  readonly handle: ScannerHandle | RelayHandle;
  /** What is known of the device now (a serial port named by path gets its USB ids from the port list). */
  readonly info: DeviceInfo;
}

export interface DeviceOpenersOptions {
  readonly serialTransport?: SerialTransport;
  readonly hidBinding?: HidBinding;
  /** The device profiles (firmware-config/), loaded once per kiosk start; none: serial scanners get the built-in defaults and `auto` finds none. */
  readonly profiles?: ProfileCatalog;
}

/**
 * The drivers behind each device kind, made once per manager: one serial transport and one
 * HID binding (the real ones loaded only when a device of theirs is configured), and one
 * HID driver per kind (they keep the set of paths they hold, so a device is never opened twice).
 */
export class DeviceOpeners {
  readonly #serial: () => SerialTransport;
  readonly #hid: () => HidBinding;
  readonly #profiles: ProfileCatalog | undefined;
  #serialScanner: SerialScannerDriver | undefined;
  #hidPos: HidPosScannerDriver | undefined;
  #hidRelay: HidRelayDriver | undefined;

  constructor(options: DeviceOpenersOptions) {
    let serial = options.serialTransport;
    let hid = options.hidBinding;
    this.#serial = () => (serial ??= new NodeSerialTransport());
    this.#hid = () => (hid ??= new NodeHidBinding());
    this.#profiles = options.profiles;
  }

  /** The devices of an `auto` kind that discovery finds now. */
  async list(kind: DeviceSpecKind): Promise<DeviceInfo[]> {
    if (kind === 'serial-scanner') return this.#serialScannerDriver().list();
    if (kind === 'hid-pos-scanner') return this.#hidPosDriver().list();
    if (kind === 'hid-relay') return this.#hidRelayDriver().list();
    return [];
  }

  async open(spec: DeviceSpec, info: DeviceInfo): Promise<OpenedDevice> {
    switch (spec.kind) {
      case 'serial-scanner':
        return this.#openSerialScanner(spec as ScannerSpec, info);
      case 'hid-pos-scanner': {
        const listed = await this.#listed(spec, info, () => this.#hidPosDriver().list());
        return { handle: await this.#hidPosDriver().open(listed), info: listed };
      }
      case 'hid-relay': {
        const listed = await this.#listed(spec, info, () => this.#hidRelayDriver().list());
        return { handle: await this.#hidRelayDriver().open(listed), info: listed };
      }
      case 'serial-relay':
      case 'modbus-relay': {
        const relay = spec as RelaySpec;
        const driver = new SerialRelayDriver({
          transport: this.#serial(),
          protocol: relay.kind === 'modbus-relay' ? { kind: 'modbus', unitId: relay.unitId ?? 1 } : { kind: 'ch340' },
          settings: { ...SERIAL_9600_8N1, ...(relay.baudRate === undefined ? {} : { baudRate: relay.baudRate }) },
          // Every channel up to the gate's is switched off at open.
          channels: relay.channel,
        });
        return { handle: await driver.open(info), info };
      }
      case 'chip-reader':
        // Chip card readers are the chip station's (main/chip), which reads cards rather than framing scans.
        throw new DeviceFault('open-failed', info.id, 'a chip card reader is opened by the chip station, not as a scanner');
    }
  }

  /**
   * The profile of the scanner behind the port (by its VID/PID in the port list), with the
   * `--device` options on top; the built-in defaults when no profile matches. Resolved at
   * every open, so a scanner plugged in after the kiosk started still gets its profile.
   */
  async #openSerialScanner(spec: ScannerSpec, info: DeviceInfo): Promise<OpenedDevice> {
    const listing = info.vendorId === undefined ? await this.#serialListing(info.id) : listingOf(info);
    const described: DeviceInfo = listing === undefined ? info : { ...info, ...withoutPath(listing) };
    const profile =
      (listing === undefined || this.#profiles === undefined ? undefined : serialScannerConfigFor(this.#profiles)(listing)) ?? DEFAULT_SERIAL_SCANNER_CONFIG;
    const config: SerialScannerConfig = {
      settings: { ...profile.settings, ...(spec.baudRate === undefined ? {} : { baudRate: spec.baudRate }) },
      framing: { ...profile.framing, ...(spec.suffix === undefined ? {} : { suffix: spec.suffix }) },
    };
    // The whole config is handed over: the driver's own profile lookup goes by the path as
    // named, which may be a /dev/serial/by-id link that says nothing of the transport.
    return { handle: await this.#serialScannerDriver().open(described, config), info: described };
  }

  /** The port list's entry for a named path (a by-id link is the tty it points to); undefined when absent or unlisted. */
  async #serialListing(path: string): Promise<SerialPortListing | undefined> {
    let ports: SerialPortListing[];
    try {
      ports = await this.#serial().list();
    } catch {
      // Listing is only for the profile: the port may still open, with the defaults.
      return undefined;
    }
    for (const port of ports) if (await samePath(port.path, path)) return port;
    return undefined;
  }

  #serialScannerDriver(): SerialScannerDriver {
    const profiles = this.#profiles;
    return (this.#serialScanner ??= new SerialScannerDriver({
      transport: this.#serial(),
      ...(profiles === undefined ? {} : { configFor: serialScannerConfigFor(profiles), discoverable: identifiesSerialScanner(profiles) }),
    }));
  }

  /** A HID device named by path: its descriptor (vendor, product string) comes from enumeration. */
  async #listed(spec: DeviceSpec, info: DeviceInfo, list: () => Promise<DeviceInfo[]>): Promise<DeviceInfo> {
    if (info.vendorId !== undefined) return info;
    const found = (await list()).find((candidate) => candidate.id === info.id);
    if (found === undefined) throw new DeviceFault('unplugged', info.id, `${spec.kind} ${info.id} is not connected`);
    return found;
  }

  #hidPosDriver(): HidPosScannerDriver {
    return (this.#hidPos ??= new HidPosScannerDriver(this.#hid()));
  }

  #hidRelayDriver(): HidRelayDriver {
    return (this.#hidRelay ??= new HidRelayDriver(this.#hid()));
  }
}

function listingOf(info: DeviceInfo): SerialPortListing {
  return { path: info.id, ...withoutPath(info) };
}

/** The USB description of a port or device, without its path or id. */
function withoutPath(from: Omit<SerialPortListing, 'path'>): Omit<SerialPortListing, 'path'> {
  return {
    ...(from.vendorId === undefined ? {} : { vendorId: from.vendorId }),
    ...(from.productId === undefined ? {} : { productId: from.productId }),
    ...(from.manufacturer === undefined ? {} : { manufacturer: from.manufacturer }),
    ...(from.serialNumber === undefined ? {} : { serialNumber: from.serialNumber }),
  };
}
