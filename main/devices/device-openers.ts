import { DeviceFault, type DeviceInfo, type RelayHandle, type ScannerHandle } from '../../drivers/device.js';
import { HidPosScannerDriver } from '../../drivers/hid-pos/hid-pos-scanner.js';
import { HidRelayDriver } from '../../drivers/hid-relay/hid-relay.js';
import type { HidBinding } from '../../drivers/hid/hid-binding.js';
import { NodeHidBinding } from '../../drivers/hid/node-hid-binding.js';
import { SerialRelayDriver } from '../../drivers/relay/serial-relay-driver.js';
import { NodeSerialTransport } from '../../drivers/serial/node-serial-transport.js';
import { SerialScannerDriver, type SerialScannerConfig } from '../../drivers/serial/serial-scanner-driver.js';
import { SERIAL_9600_8N1, type SerialTransport } from '../../drivers/serial/serial-transport.js';
import type { DeviceSpec, DeviceSpecKind, RelaySpec, ScannerSpec } from './device-spec.js';

export interface Backoff {
  readonly initialMs: number;
  readonly maxMs: number;
}

/**
 * The drivers behind each device kind, made once per manager: one serial transport and one
 * HID binding (the real ones loaded only when a device of theirs is configured), and one
 * HID driver per kind (they keep the set of paths they hold, so a device is never opened twice).
 */
export class DeviceOpeners {
  readonly #serial: () => SerialTransport;
  readonly #hid: () => HidBinding;
  #hidPos: HidPosScannerDriver | undefined;
  #hidRelay: HidRelayDriver | undefined;

  constructor(options: { readonly serialTransport?: SerialTransport; readonly hidBinding?: HidBinding }) {
    let serial = options.serialTransport;
    let hid = options.hidBinding;
    this.#serial = () => (serial ??= new NodeSerialTransport());
    this.#hid = () => (hid ??= new NodeHidBinding());
  }

  /** The devices of an `auto` kind that discovery finds now. */
  async list(kind: DeviceSpecKind): Promise<DeviceInfo[]> {
    if (kind === 'hid-pos-scanner') return this.#hidPosDriver().list();
    if (kind === 'hid-relay') return this.#hidRelayDriver().list();
    return [];
  }

  async open(spec: DeviceSpec, info: DeviceInfo): Promise<ScannerHandle | RelayHandle> {
    switch (spec.kind) {
      case 'serial-scanner':
        return this.#openSerialScanner(spec as ScannerSpec, info);
      case 'hid-pos-scanner':
        return this.#hidPosDriver().open(await this.#listed(spec, info, () => this.#hidPosDriver().list()));
      case 'hid-relay':
        return this.#hidRelayDriver().open(await this.#listed(spec, info, () => this.#hidRelayDriver().list()));
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
        return driver.open(info);
      }
    }
  }

  #openSerialScanner(spec: ScannerSpec, info: DeviceInfo): Promise<ScannerHandle> {
    const driver = new SerialScannerDriver({ transport: this.#serial() });
    return driver.open(info, {
      ...(spec.baudRate === undefined ? {} : { settings: { ...SERIAL_9600_8N1, baudRate: spec.baudRate } }),
      // The driver merges a partial framing over the profile's (serial-scanner-driver.ts).
      ...(spec.suffix === undefined ? {} : { framing: { suffix: spec.suffix } as SerialScannerConfig['framing'] }),
    });
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
