/**
 * The serial transport the serial scanner and relay drivers are handed: serialport in
 * production (NodeSerialTransport), a scriptable fake in tests (FakeSerialTransport). Kept
 * this small so that the drivers never see a stream, a binding or a file descriptor.
 */

/** One serial port as the system lists it. USB ids are 4 lowercase hex digits, when known. */
export interface SerialPortListing {
  readonly path: string;
  readonly vendorId?: string | undefined;
  readonly productId?: string | undefined;
  readonly manufacturer?: string | undefined;
  readonly serialNumber?: string | undefined;
}

export interface SerialSettings {
  readonly baudRate: number;
  /** Default 8. */
  readonly dataBits?: 7 | 8;
  /** Default 'none'. */
  readonly parity?: 'none' | 'even' | 'odd';
  /** Default 1. */
  readonly stopBits?: 1 | 2;
}

/** 9600 8N1: the factory setting of nearly every serial scanner and CH340 relay board. */
export const SERIAL_9600_8N1: SerialSettings = { baudRate: 9600, dataBits: 8, parity: 'none', stopBits: 1 };

export interface SerialConnection {
  onData(listener: (chunk: Uint8Array) => void): void;
  /** The port went away or failed (error) or was closed by us (no error). */
  onClose(listener: (error?: Error) => void): void;
  /** Resolves once the bytes have been handed to the port (after drain). */
  write(bytes: Uint8Array): Promise<void>;
  close(): Promise<void>;
}

export interface SerialTransport {
  list(): Promise<SerialPortListing[]>;
  open(path: string, settings: SerialSettings): Promise<SerialConnection>;
}

/** True when an open error says the path is not there at all (ENOENT): the device is unplugged, not refused. */
export function isMissingPortError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (code === 'ENOENT') return true;
  // serialport's binding reports errno in the message only: "Error: No such file or directory, cannot open /dev/x".
  return typeof message === 'string' && /ENOENT|No such file or directory/i.test(message);
}
