import { createHash, randomInt } from 'node:crypto';
import type { DeviceRecord } from './request-verifier.js';

/** Where enrolment state lives (the hub's storage implements it; tests use memory). */
export interface EnrollmentStore {
  saveCode(code: { readonly codeHash: string; readonly location: string; readonly expiresAt: number }): void;
  /** Atomically takes a code: a code can be redeemed once. */
  takeCode(codeHash: string): { readonly location: string; readonly expiresAt: number } | undefined;
  saveDevice(device: DeviceRecord): void;
  findDevice(deviceId: string): DeviceRecord | undefined;
  revokeDevice(deviceId: string): boolean;
}

/** Crockford base32 without look-alikes: codes are read off a screen and typed by staff. */
const CODE_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const CODE_LENGTH = 12;
export const CODE_VALIDITY_MS = 24 * 3600_000;

export type EnrollRefusal = 'unknown-code' | 'expired-code' | 'bad-public-key';

const hashCode = (code: string): string => createHash('sha256').update(normaliseCode(code)).digest('hex');
const normaliseCode = (code: string): string => code.toUpperCase().replace(/[\s-]/g, '');

/**
 * Enrolment: an admin makes a one-time code for a location; a kiosk redeems it with its
 * device public key and becomes a known device. Codes are stored only as hashes, expire
 * after a day, and work once.
 */
export class EnrollmentService {
  constructor(
    private readonly store: EnrollmentStore,
    private readonly now: () => number = Date.now,
  ) {}

  createCode(location: string): { code: string; expiresAt: number } {
    if (location.trim() === '') throw new Error('a location name is needed');
    const raw = Array.from({ length: CODE_LENGTH }, () => CODE_ALPHABET[randomInt(CODE_ALPHABET.length)]).join('');
    const expiresAt = this.now() + CODE_VALIDITY_MS;
    this.store.saveCode({ codeHash: hashCode(raw), location: location.trim(), expiresAt });
    return { code: `${raw.slice(0, 4)}-${raw.slice(4, 8)}-${raw.slice(8)}`, expiresAt };
  }

  redeem(code: string, publicKeyRaw: Uint8Array): { ok: true; device: DeviceRecord } | { ok: false; refusal: EnrollRefusal } {
    if (publicKeyRaw.length !== 32) return { ok: false, refusal: 'bad-public-key' };
    const taken = this.store.takeCode(hashCode(code));
    if (taken === undefined) return { ok: false, refusal: 'unknown-code' };
    if (this.now() > taken.expiresAt) return { ok: false, refusal: 'expired-code' };
    const deviceId = `k-${createHash('sha256').update(publicKeyRaw).digest('hex').slice(0, 16)}`;
    const device: DeviceRecord = { deviceId, publicKeyRaw, location: taken.location, revoked: false };
    this.store.saveDevice(device);
    return { ok: true, device };
  }

  revoke(deviceId: string): boolean {
    return this.store.revokeDevice(deviceId);
  }
}

/** In-memory store, for tests and for a hub that keeps nothing (never in production). */
export class MemoryEnrollmentStore implements EnrollmentStore {
  private readonly codes = new Map<string, { location: string; expiresAt: number }>();
  private readonly devices = new Map<string, DeviceRecord>();
  saveCode(code: { codeHash: string; location: string; expiresAt: number }): void {
    this.codes.set(code.codeHash, { location: code.location, expiresAt: code.expiresAt });
  }
  takeCode(codeHash: string) {
    const code = this.codes.get(codeHash);
    this.codes.delete(codeHash);
    return code;
  }
  saveDevice(device: DeviceRecord): void {
    this.devices.set(device.deviceId, device);
  }
  findDevice(deviceId: string): DeviceRecord | undefined {
    return this.devices.get(deviceId);
  }
  revokeDevice(deviceId: string): boolean {
    const device = this.devices.get(deviceId);
    if (device === undefined) return false;
    this.devices.set(deviceId, { ...device, revoked: true });
    return true;
  }
}
