import type { HidBinding, HidConnection, HidDeviceDescriptor } from './hid-binding.js';

/**
 * A scriptable HID transport, created per test (or per demo kiosk): plug and unplug
 * devices, send input reports as a device would, answer feature reports, fail opens and
 * writes. It holds no module-global state, so tests running in parallel never share a fake.
 * It lives next to the real binding (like @serialport/binding-mock) so that the conformance
 * tests, the core's wiring tests and a demo kiosk can all drive the same drivers without hardware.
 */
export class FakeHidBinding implements HidBinding {
  readonly #devices = new Map<string, FakeHidDevice>();
  /** When set, devices() rejects with it (enumeration failing, e.g. no udev). */
  devicesError: Error | undefined;
  /** How many times devices() was called: the hot-plug polling is visible in tests. */
  devicesCalls = 0;

  plug(descriptor: HidDeviceDescriptor): FakeHidDevice {
    const device = new FakeHidDevice(descriptor);
    this.#devices.set(descriptor.path, device);
    return device;
  }

  /** The cable is pulled: the device leaves enumeration and every open connection fails its read. */
  unplug(path: string): void {
    const device = this.#devices.get(path);
    if (device === undefined) return;
    this.#devices.delete(path);
    device.disconnect();
  }

  device(path: string): FakeHidDevice | undefined {
    return this.#devices.get(path);
  }

  async devices(): Promise<HidDeviceDescriptor[]> {
    this.devicesCalls += 1;
    if (this.devicesError !== undefined) throw this.devicesError;
    return [...this.#devices.values()].map((device) => ({ ...device.descriptor }));
  }

  async open(path: string): Promise<HidConnection> {
    const device = this.#devices.get(path);
    // hidapi's own message for a path that is not there (node-hid 3).
    if (device === undefined) throw new Error(`Cannot open device with path ${path}`);
    return device.connect();
  }
}

/** One fake HID interface. Feature reports are recorded byte for byte. */
export class FakeHidDevice {
  readonly descriptor: HidDeviceDescriptor;
  /** Every feature report sent to the device, report id first, in order. */
  readonly featureReportsSent: Uint8Array[] = [];
  /** When set, open() rejects with it (busy device, missing udev rule). */
  openError: Error | undefined;
  /** When set, sendFeatureReport() rejects with it. */
  sendFeatureReportError: Error | undefined;
  /** Answers getFeatureReport(reportId, length); the default answers zeros after the report id. */
  featureReportResponder: (reportId: number, length: number) => Uint8Array = (reportId, length) => {
    const report = new Uint8Array(length);
    report[0] = reportId;
    return report;
  };
  /** Called after each feature report is recorded (an emulated board updates its state here). */
  onFeatureReport: ((report: Uint8Array) => void) | undefined;
  openCount = 0;
  /** When each open refused by `openError` happened (performance.now()): a reopen's backoff is visible in tests. */
  readonly refusedOpensAt: number[] = [];
  readonly #connections = new Set<FakeHidConnection>();

  constructor(descriptor: HidDeviceDescriptor) {
    this.descriptor = descriptor;
  }

  get openConnections(): number {
    return this.#connections.size;
  }

  /** The device sends one input report (report id first) to every open connection. */
  sendInputReport(report: Uint8Array | readonly number[]): void {
    const bytes = Uint8Array.from(report);
    for (const connection of this.#connections) connection.deliver(bytes);
  }

  /** A read fails without the device leaving enumeration (an I/O error). */
  failRead(error: Error): void {
    for (const connection of this.#connections) connection.fail(error);
  }

  connect(): FakeHidConnection {
    if (this.openError !== undefined) {
      this.refusedOpensAt.push(performance.now());
      throw this.openError;
    }
    this.openCount += 1;
    const connection = new FakeHidConnection(this);
    this.#connections.add(connection);
    return connection;
  }

  disconnect(): void {
    // hidapi on Linux reports a pulled device as a failed read on the open handle.
    for (const connection of [...this.#connections]) connection.fail(new Error('could not read from HID device'), true);
  }

  release(connection: FakeHidConnection): void {
    this.#connections.delete(connection);
  }
}

class FakeHidConnection implements HidConnection {
  readonly #device: FakeHidDevice;
  readonly #dataListeners: ((report: Uint8Array) => void)[] = [];
  readonly #errorListeners: ((error: Error) => void)[] = [];
  #gone = false;
  #closed = false;

  constructor(device: FakeHidDevice) {
    this.#device = device;
  }

  onData(listener: (report: Uint8Array) => void): void {
    this.#dataListeners.push(listener);
  }

  onError(listener: (error: Error) => void): void {
    this.#errorListeners.push(listener);
  }

  deliver(report: Uint8Array): void {
    if (this.#closed || this.#gone) return;
    for (const listener of this.#dataListeners) listener(Uint8Array.from(report));
  }

  fail(error: Error, gone = false): void {
    if (this.#closed) return;
    if (gone) this.#gone = true;
    for (const listener of this.#errorListeners) listener(error);
  }

  async sendFeatureReport(report: Uint8Array): Promise<number> {
    this.#check();
    if (this.#device.sendFeatureReportError !== undefined) throw this.#device.sendFeatureReportError;
    const copy = Uint8Array.from(report);
    this.#device.featureReportsSent.push(copy);
    this.#device.onFeatureReport?.(copy);
    return copy.length;
  }

  async getFeatureReport(reportId: number, length: number): Promise<Uint8Array> {
    this.#check();
    return Uint8Array.from(this.#device.featureReportResponder(reportId, length));
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#device.release(this);
  }

  #check(): void {
    if (this.#closed) throw new Error('device has been closed');
    if (this.#gone) throw new Error('could not send feature report to device');
  }
}
