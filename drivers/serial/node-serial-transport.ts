import { stat } from 'node:fs/promises';
import type * as SerialPortNamespace from 'serialport';
import type { SerialPort as SerialPortClass } from 'serialport';
import type { SerialConnection, SerialPortListing, SerialSettings, SerialTransport } from './serial-transport.js';

/**
 * The production serial transport: serialport 13 (@serialport/bindings-cpp, a native addon).
 *
 * serialport is loaded on first use rather than imported at the top: a kiosk whose native
 * binding cannot load (wrong ABI, missing prebuild) must still start and show a device fault
 * ('open-failed') for its serial devices instead of failing to load the whole core.
 */
type SerialPortModule = typeof SerialPortNamespace;

let loading: Promise<SerialPortModule> | undefined;

function loadSerialPort(): Promise<SerialPortModule> {
  loading ??= import('serialport').then((module) => {
    // CommonJS: depending on the loader its exports arrive as named exports or on `default`.
    const withDefault = module as SerialPortModule & { default?: SerialPortModule };
    return withDefault.default ?? withDefault;
  });
  // A failed load is retried on the next call (the binding may be fixed without a restart of the caller's process tree).
  loading.catch(() => (loading = undefined));
  return loading;
}

/** USB ids as 4 lowercase hex digits (udev gives "1A86" or "1a86" depending on the platform). */
function usbId(value: string | undefined): string | undefined {
  if (value === undefined || !/^[0-9a-fA-F]{1,4}$/.test(value)) return undefined;
  return value.toLowerCase().padStart(4, '0');
}

function present(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}

export class NodeSerialTransport implements SerialTransport {
  async list(): Promise<SerialPortListing[]> {
    const { SerialPort } = await loadSerialPort();
    const ports = await SerialPort.list();
    return ports.map((port) => ({
      path: port.path,
      vendorId: usbId(port.vendorId),
      productId: usbId(port.productId),
      manufacturer: present(port.manufacturer),
      serialNumber: present(port.serialNumber),
    }));
  }

  async open(path: string, settings: SerialSettings): Promise<SerialConnection> {
    const { SerialPort } = await loadSerialPort();
    const port = new SerialPort({
      path,
      baudRate: settings.baudRate,
      dataBits: settings.dataBits ?? 8,
      parity: settings.parity ?? 'none',
      stopBits: settings.stopBits ?? 1,
      autoOpen: false,
      // An exclusive lock (TIOCEXCL / flock): a second kiosk or a terminal program cannot read our scans.
      lock: true,
    });
    await new Promise<void>((resolve, reject) => port.open((error) => (error === null ? resolve() : reject(error))));
    const device = await stat(path).catch(() => undefined);
    return new NodeSerialConnection(port, device?.rdev);
  }
}

/**
 * How often an open port checks that its device node is still there. serialport notices a
 * lost port by a failed read, but a tty that hangs up while a read is in flight (a pty whose
 * socat died, a hung-up USB tty) answers reads with 0 bytes, and @serialport/bindings-cpp 13
 * retries those at once, forever (unix-read.js: `if (bytesRead === 0) return unixRead(…)`):
 * no 'close' ever comes and a core spins. The node disappears with the device, so a stat
 * that fails (or finds another device behind the same link) ends the connection instead.
 */
export const PRESENCE_POLL_MS = 250;

class NodeSerialConnection implements SerialConnection {
  readonly #port: SerialPortClass;
  readonly #closeListeners: ((error?: Error) => void)[] = [];
  readonly #presence: ReturnType<typeof setInterval> | undefined;
  #closed = false;

  constructor(port: SerialPortClass, rdev: number | undefined) {
    this.#port = port;
    if (rdev !== undefined) {
      this.#presence = setInterval(() => void this.#checkPresence(rdev), PRESENCE_POLL_MS);
      this.#presence.unref();
    }
    port.on('close', (error?: Error | null) => this.#finish(error ?? undefined));
    // Errors also surface as 'close' (disconnect) or as a rejected write; without a listener
    // an 'error' event would throw and take the core down.
    port.on('error', (error: Error) => {
      if (!port.isOpen) this.#finish(error);
    });
  }

  onData(listener: (chunk: Uint8Array) => void): void {
    this.#port.on('data', (chunk: Buffer) => listener(chunk));
  }

  onClose(listener: (error?: Error) => void): void {
    this.#closeListeners.push(listener);
  }

  write(bytes: Uint8Array): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.#closed || !this.#port.isOpen) {
        reject(new Error(`${this.#port.path} is not open`));
        return;
      }
      this.#port.write(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), (error) => {
        if (error !== null && error !== undefined) reject(error);
      });
      this.#port.drain((error) => (error === null ? resolve() : reject(error)));
    });
  }

  close(): Promise<void> {
    if (this.#closed || !this.#port.isOpen) {
      this.#finish(undefined);
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      // A port that fails to close is gone anyway: nothing left to release.
      this.#port.close(() => {
        this.#finish(undefined);
        resolve();
      });
    });
  }

  async #checkPresence(rdev: number): Promise<void> {
    const now = await stat(this.#port.path).catch(() => undefined);
    if (this.#closed || (now !== undefined && now.rdev === rdev)) return;
    const error = Object.assign(new Error(`${this.#port.path} is no longer connected`), { code: 'ENODEV', disconnected: true });
    // Closing stops the binding's read loop; the error goes to our listeners as a disconnect.
    this.#finish(error);
    if (this.#port.isOpen) this.#port.close(() => undefined);
  }

  #finish(error: Error | undefined): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#presence !== undefined) clearInterval(this.#presence);
    for (const listener of this.#closeListeners) listener(error);
  }
}
