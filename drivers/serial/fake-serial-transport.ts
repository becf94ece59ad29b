import type { SerialConnection, SerialPortListing, SerialSettings, SerialTransport } from './serial-transport.js';

/**
 * A scriptable serial transport, created per test (or per demo kiosk): plug and unplug
 * ports, send bytes as a scanner would, record every write byte for byte, fail opens. No
 * module-global state, so tests running in parallel never share a fake.
 */
export class FakeSerialTransport implements SerialTransport {
  readonly #ports = new Map<string, SerialPortListing>();
  readonly #openErrors = new Map<string, Error>();
  readonly #writeErrors = new Map<string, Error>();
  readonly #connections = new Map<string, Set<FakeSerialConnection>>();
  readonly #written = new Map<string, Uint8Array[]>();
  /** Settings of every open, in order: tests check the baud rate a profile asked for. */
  readonly opened: { path: string; settings: SerialSettings }[] = [];
  /** Every open() call, failed or not: reopen attempts and their backoff are visible in tests. */
  openAttempts = 0;
  /** When set, list() rejects with it. */
  listError: Error | undefined;

  plug(listing: SerialPortListing): void {
    this.#ports.set(listing.path, { ...listing });
  }

  /** The cable is pulled: the port leaves the list and every open connection closes with an error. */
  unplug(path: string): void {
    this.#ports.delete(path);
    for (const connection of this.#connections.get(path) ?? []) connection.drop(errnoError('EIO', `Input/output error, ${path} disconnected`));
  }

  /** The device sends bytes: delivered to every open connection of `path`. */
  send(path: string, bytes: Uint8Array | readonly number[] | string): void {
    const chunk = typeof bytes === 'string' ? new TextEncoder().encode(bytes) : Uint8Array.from(bytes);
    for (const connection of this.#connections.get(path) ?? []) connection.deliver(chunk);
  }

  /** Every write to `path`, one entry per write() call, byte for byte. */
  written(path: string): Uint8Array[] {
    return [...(this.#written.get(path) ?? [])];
  }

  /**
   * The next opens of `path` fail with `error` (default: EACCES, as for a user outside the
   * dialout group), until failOpen(path, null) clears it.
   */
  failOpen(path: string, error: Error | null = errnoError('EACCES', `Permission denied, cannot open ${path}`)): void {
    if (error === null) this.#openErrors.delete(path);
    else this.#openErrors.set(path, error);
  }

  /** The next writes to `path` reject with `error` (the port stays open), until failWrites(path, null). */
  failWrites(path: string, error: Error | null = errnoError('EIO', 'Input/output error')): void {
    if (error === null) this.#writeErrors.delete(path);
    else this.#writeErrors.set(path, error);
  }

  /** How many connections to `path` are open now. */
  openConnections(path: string): number {
    return this.#connections.get(path)?.size ?? 0;
  }

  async list(): Promise<SerialPortListing[]> {
    if (this.listError !== undefined) throw this.listError;
    return [...this.#ports.values()].map((listing) => ({ ...listing }));
  }

  async open(path: string, settings: SerialSettings): Promise<SerialConnection> {
    this.openAttempts += 1;
    const error = this.#openErrors.get(path);
    if (error !== undefined) throw error;
    if (!this.#ports.has(path)) throw errnoError('ENOENT', `No such file or directory, cannot open ${path}`);
    this.opened.push({ path, settings: { ...settings } });
    const connections = this.#connections.get(path) ?? new Set<FakeSerialConnection>();
    this.#connections.set(path, connections);
    const connection = new FakeSerialConnection(
      (bytes) => {
        const failure = this.#writeErrors.get(path);
        if (failure !== undefined) throw failure;
        const list = this.#written.get(path) ?? [];
        list.push(Uint8Array.from(bytes));
        this.#written.set(path, list);
      },
      () => connections.delete(connection),
    );
    connections.add(connection);
    return connection;
  }
}

class FakeSerialConnection implements SerialConnection {
  readonly #data: ((chunk: Uint8Array) => void)[] = [];
  readonly #close: ((error?: Error) => void)[] = [];
  readonly #record: (bytes: Uint8Array) => void;
  readonly #forget: () => void;
  #open = true;
  #writing = false;

  constructor(record: (bytes: Uint8Array) => void, forget: () => void) {
    this.#record = record;
    this.#forget = forget;
  }

  onData(listener: (chunk: Uint8Array) => void): void {
    this.#data.push(listener);
  }

  onClose(listener: (error?: Error) => void): void {
    this.#close.push(listener);
  }

  /**
   * As @serialport/binding-mock: a write completes on a later turn, and a write issued while
   * the previous one is still in progress, or to a closed port, is an error — not silently
   * accepted — so a driver that forgets to queue its writes fails here rather than on a real port.
   */
  async write(bytes: Uint8Array): Promise<void> {
    if (!this.#open) throw errnoError('EBADF', 'Port is not open');
    if (this.#writing) throw new Error('Overlapping writes are not supported: a write was issued before the previous one completed');
    this.#writing = true;
    try {
      await new Promise<void>((resolve) => queueMicrotask(resolve));
      if (!this.#open) throw errnoError('EBADF', 'Port closed while writing');
      this.#record(Uint8Array.from(bytes));
    } finally {
      this.#writing = false;
    }
  }

  async close(): Promise<void> {
    if (!this.#open) return;
    this.#finish(undefined);
  }

  deliver(chunk: Uint8Array): void {
    if (!this.#open) return;
    for (const listener of this.#data) listener(chunk);
  }

  drop(error: Error): void {
    if (this.#open) this.#finish(error);
  }

  #finish(error: Error | undefined): void {
    this.#open = false;
    this.#forget();
    for (const listener of this.#close) listener(error);
  }
}

function errnoError(code: string, message: string): Error {
  return Object.assign(new Error(`Error: ${message}`), { code });
}
