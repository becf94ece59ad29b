import type * as NodeHidModule from 'node-hid';
import type { HIDAsync } from 'node-hid';
import type { HidBinding, HidConnection, HidDeviceDescriptor } from './hid-binding.js';

/**
 * The production HID transport: node-hid 3 (hidapi, hidraw backend on Linux), async API
 * only, so that no call blocks the core's event loop (the scan path must stay fast).
 *
 * node-hid is loaded on first use rather than imported at the top: it is a native addon,
 * and a kiosk without a usable libudev/hidraw must still start and show "device fault"
 * for its HID devices instead of failing to load the whole core.
 */
type NodeHid = typeof NodeHidModule;

let loading: Promise<NodeHid> | undefined;

function loadNodeHid(): Promise<NodeHid> {
  loading ??= import('node-hid').then((module) => {
    // node-hid is CommonJS: depending on the loader its exports arrive as named exports or on `default`.
    const withDefault = module as NodeHid & { default?: NodeHid };
    return withDefault.default ?? withDefault;
  });
  return loading;
}

export class NodeHidBinding implements HidBinding {
  async devices(): Promise<HidDeviceDescriptor[]> {
    const hid = await loadNodeHid();
    const found = await hid.devicesAsync();
    const descriptors: HidDeviceDescriptor[] = [];
    for (const device of found) {
      // An interface without a path cannot be opened; hidapi always gives one in practice.
      if (device.path === undefined) continue;
      descriptors.push({
        path: device.path,
        vendorId: device.vendorId,
        productId: device.productId,
        usagePage: device.usagePage,
        usage: device.usage,
        interface: device.interface,
        manufacturer: device.manufacturer,
        product: device.product,
        serialNumber: device.serialNumber,
      });
    }
    return descriptors;
  }

  async open(path: string): Promise<HidConnection> {
    const hid = await loadNodeHid();
    return new NodeHidConnection(await hid.HIDAsync.open(path));
  }
}

class NodeHidConnection implements HidConnection {
  readonly #device: HIDAsync;
  readonly #errorListeners: ((error: Error) => void)[] = [];

  constructor(device: HIDAsync) {
    this.#device = device;
    // Always listen: an EventEmitter 'error' without a listener throws, and an unplugged
    // scanner must become a DeviceFault, never an uncaught exception in the core.
    device.on('error', (error: unknown) => {
      const asError = error instanceof Error ? error : new Error(String(error));
      for (const listener of this.#errorListeners) listener(asError);
    });
  }

  onData(listener: (report: Uint8Array) => void): void {
    // Copied: the listener may keep the bytes, and node-hid may reuse pooled Buffer memory.
    this.#device.on('data', (data: Buffer) => listener(Uint8Array.from(data)));
  }

  onError(listener: (error: Error) => void): void {
    this.#errorListeners.push(listener);
  }

  sendFeatureReport(report: Uint8Array): Promise<number> {
    return this.#device.sendFeatureReport(Buffer.from(report));
  }

  async getFeatureReport(reportId: number, length: number): Promise<Uint8Array> {
    return Uint8Array.from(await this.#device.getFeatureReport(reportId, length));
  }

  close(): Promise<void> {
    return this.#device.close();
  }
}
