import type { DeviceDirectory, DeviceRecord } from './request-verifier.js';

/** A one-time enrolment code as the hub keeps it: the SHA-256 of the code, never the code. */
export interface StoredCode {
  /** Hex SHA-256 of the normalised code. */
  readonly codeHash: string;
  readonly location: string;
  /** Epoch milliseconds. */
  readonly expiresAt: number;
  /** The provinces the kiosk enrolled with it will sync; absent: every province. */
  readonly scope?: readonly string[];
}

/** A kiosk the hub has enrolled, with when it was (last) enrolled. */
export interface EnrolledDevice extends DeviceRecord {
  /** Epoch milliseconds. */
  readonly enrolledAt: number;
}

/**
 * Where enrolment state lives: the hub's storage (SQLite or PostgreSQL, the same contract
 * tests run against both and against the memory store below). Async, because PostgreSQL is.
 * It is also the RequestVerifier's directory: a revocation written by one process (the
 * admin's `chot hub revoke`) is seen by the next request any hub process verifies.
 */
export interface EnrollmentStore extends DeviceDirectory {
  saveCode(code: StoredCode): Promise<void>;
  /**
   * Takes a code atomically, expired or not, so that it can be redeemed once: of two
   * concurrent takes of one code, even from two hub processes, exactly one gets it.
   */
  takeCode(codeHash: string): Promise<Omit<StoredCode, 'codeHash'> | undefined>;
  /**
   * Adds a device; false, changing nothing, when its key is known already (atomically, even
   * across processes). A key is enrolled once: a code redeemed with a known key must not move
   * that kiosk to the code's location, nor undo a revocation; a kiosk enrols again with a new key.
   */
  saveDevice(device: EnrolledDevice): Promise<boolean>;
  findDevice(deviceId: string): Promise<EnrolledDevice | undefined>;
  /** Marks the device revoked; false when no such device is known. */
  revokeDevice(deviceId: string): Promise<boolean>;
  /** Every device, revoked ones too, in enrolment order. */
  listDevices(): Promise<EnrolledDevice[]>;
}

/** Enrolment order, the same in every store: by enrolment time, then by device id. */
export function byEnrolment(a: EnrolledDevice, b: EnrolledDevice): number {
  return a.enrolledAt - b.enrolledAt || (a.deviceId < b.deviceId ? -1 : a.deviceId > b.deviceId ? 1 : 0);
}

/** In-memory store, for tests and for a hub that keeps nothing (never in production). */
export class MemoryEnrollmentStore implements EnrollmentStore {
  private readonly codes = new Map<string, Omit<StoredCode, 'codeHash'>>();
  private readonly devices = new Map<string, EnrolledDevice>();

  async saveCode(code: StoredCode): Promise<void> {
    if (this.codes.has(code.codeHash)) throw new Error('an enrolment code with this hash exists already');
    const { codeHash, ...kept } = code;
    this.codes.set(codeHash, kept);
  }

  async takeCode(codeHash: string): Promise<Omit<StoredCode, 'codeHash'> | undefined> {
    // Read and delete with no await between them: atomic on one event loop.
    const code = this.codes.get(codeHash);
    this.codes.delete(codeHash);
    return code;
  }

  async saveDevice(device: EnrolledDevice): Promise<boolean> {
    if (this.devices.has(device.deviceId)) return false;
    this.devices.set(device.deviceId, { ...device, publicKeyRaw: new Uint8Array(device.publicKeyRaw) });
    return true;
  }

  async findDevice(deviceId: string): Promise<EnrolledDevice | undefined> {
    return this.devices.get(deviceId);
  }

  async revokeDevice(deviceId: string): Promise<boolean> {
    const device = this.devices.get(deviceId);
    if (device === undefined) return false;
    this.devices.set(deviceId, { ...device, revoked: true });
    return true;
  }

  async listDevices(): Promise<EnrolledDevice[]> {
    return [...this.devices.values()].sort(byEnrolment);
  }
}
