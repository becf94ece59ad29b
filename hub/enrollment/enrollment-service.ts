import { createHash, randomInt } from 'node:crypto';
import type { EnrolledDevice, EnrollmentStore } from './enrollment-store.js';
import type { ProvinceScope } from '../../domain/sync/province-scope.js';

// The store's types and the memory store were first defined here; callers may import them from either module.
export { MemoryEnrollmentStore, type EnrolledDevice, type EnrollmentStore, type StoredCode } from './enrollment-store.js';

/** Crockford base32 without look-alikes: codes are read off a screen and typed by staff. */
const CODE_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const CODE_LENGTH = 12;
export const CODE_VALIDITY_MS = 24 * 3600_000;
/** A code is a credential until it is used: an admin may stretch its life to a week, no more. */
export const MAX_CODE_VALIDITY_MS = 7 * 24 * 3600_000;
/** Location names are shown on kiosks and in lists, not stored as documents. */
export const MAX_LOCATION_LENGTH = 200;

export type EnrollRefusal = 'unknown-code' | 'expired-code' | 'bad-public-key' | 'revoked-device' | 'already-enrolled';

/** The SHA-256 (hex) the stores keep instead of the code, so a copy of the hub database enrols nobody. */
export const hashCode = (code: string): string => createHash('sha256').update(normaliseCode(code)).digest('hex');
const normaliseCode = (code: string): string => code.toUpperCase().replace(/[\s-]/g, '');

/** A kiosk's id: derived from its key, so the same key always gets the same id. */
export const deviceIdOf = (publicKeyRaw: Uint8Array): string => `k-${createHash('sha256').update(publicKeyRaw).digest('hex').slice(0, 16)}`;

/**
 * Enrolment: an admin makes a one-time code for a location; a kiosk redeems it with its
 * device public key and becomes a known device. Codes are stored only as hashes, expire
 * after a day (or the validity the admin chose), and work once.
 */
export class EnrollmentService {
  constructor(
    private readonly store: EnrollmentStore,
    private readonly now: () => number = Date.now,
  ) {}

  /** `scope`: the provinces the kiosk will sync (parseProvinceScope); null, the default: every province. */
  async createCode(
    location: string,
    validForMs = CODE_VALIDITY_MS,
    scope: ProvinceScope = null,
  ): Promise<{ code: string; location: string; expiresAt: number; scope: ProvinceScope }> {
    // NFC: the same place typed on two systems (macOS terminals send NFD) is one name.
    const name = location.normalize('NFC').trim();
    if (name === '') throw new RangeError('a location name is needed');
    if (name.length > MAX_LOCATION_LENGTH) throw new RangeError(`a location name is at most ${MAX_LOCATION_LENGTH} characters`);
    if (!Number.isFinite(validForMs) || validForMs <= 0 || validForMs > MAX_CODE_VALIDITY_MS) {
      throw new RangeError(`a code is valid for more than 0 and at most ${MAX_CODE_VALIDITY_MS / 3600_000} hours`);
    }
    const raw = Array.from({ length: CODE_LENGTH }, () => CODE_ALPHABET[randomInt(CODE_ALPHABET.length)]).join('');
    const expiresAt = this.now() + Math.round(validForMs);
    await this.store.saveCode({ codeHash: hashCode(raw), location: name, expiresAt, ...(scope === null ? {} : { scope }) });
    return { code: `${raw.slice(0, 4)}-${raw.slice(4, 8)}-${raw.slice(8)}`, location: name, expiresAt, scope };
  }

  async redeem(code: string, publicKeyRaw: Uint8Array): Promise<{ ok: true; device: EnrolledDevice } | { ok: false; refusal: EnrollRefusal }> {
    if (publicKeyRaw.length !== 32) return { ok: false, refusal: 'bad-public-key' };
    const deviceId = deviceIdOf(publicKeyRaw);
    // Checked before the code is spent, so the admin's code still enrols the kiosk's new key.
    const known = await this.store.findDevice(deviceId);
    if (known?.revoked === true) return { ok: false, refusal: 'revoked-device' };
    // A known key would otherwise move that kiosk (its entries, its traces) to the code's location.
    if (known !== undefined) return { ok: false, refusal: 'already-enrolled' };
    const taken = await this.store.takeCode(hashCode(code));
    if (taken === undefined) return { ok: false, refusal: 'unknown-code' };
    const now = this.now();
    if (now > taken.expiresAt) return { ok: false, refusal: 'expired-code' };
    const device: EnrolledDevice = {
      deviceId,
      publicKeyRaw: new Uint8Array(publicKeyRaw),
      location: taken.location,
      revoked: false,
      enrolledAt: now,
      ...(taken.scope === undefined ? {} : { scope: taken.scope }),
    };
    // Two redemptions with one key at once: the store admits one; the other's code is spent.
    if (!(await this.store.saveDevice(device))) return { ok: false, refusal: 'already-enrolled' };
    return { ok: true, device };
  }

  revoke(deviceId: string): Promise<boolean> {
    return this.store.revokeDevice(deviceId);
  }
}
