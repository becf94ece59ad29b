import { randomBytes, scrypt as scryptCallback, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import type { ScryptParameters, StaffPinHash } from '../domain/trust/staff-list.js';

/**
 * The one way a staff PIN is hashed and checked, at the kiosk (`chot staff`) and at the hub
 * (`chot hub staff`), so a hash made by either is checked by the kiosk the same way.
 *
 * Why scrypt and these costs: a PIN has at most 10^12 values (10^6 for six digits), so no hash
 * makes a stolen file safe against an offline search; the file's mode keeps it from other
 * users, the kiosk's lock after wrong PINs keeps the screen from being a search, and the slow
 * hash with a salt per entry makes a copied file cost ~0.1 s of work per guess per entry,
 * with no table shared across entries or kiosks. Each entry keeps its own parameters, so a
 * later cost can be raised without breaking the PINs already set.
 */
export type ScryptCost = Omit<ScryptParameters, 'alg'>;

/** 2^15 with r 8 takes 32 MiB and ~0.1 s. */
export const DEFAULT_SCRYPT_COST: ScryptCost = { N: 32_768, r: 8, p: 1, keyLength: 32 };
const SALT_BYTES = 16;

function scrypt(pin: string, salt: Buffer, cost: ScryptCost): Promise<Buffer> {
  // maxmem: twice what N and r need, as node's 32 MiB default is exactly too small for 2^15.
  const options: ScryptOptions = { N: cost.N, r: cost.r, p: cost.p, maxmem: 256 * cost.N * cost.r };
  return new Promise((resolve, reject) => scryptCallback(pin, salt, cost.keyLength, options, (error, key) => (error ? reject(error) : resolve(key))));
}

/** A new salted hash of `pin`. */
export async function hashStaffPin(pin: string, cost: ScryptCost = DEFAULT_SCRYPT_COST): Promise<StaffPinHash> {
  const salt = randomBytes(SALT_BYTES);
  const hash = await scrypt(pin, salt, cost);
  return { kdf: { alg: 'scrypt', ...cost }, salt: salt.toString('base64'), hash: hash.toString('base64') };
}

/** Whether `pin` is the PIN `stored` was made from (compared in constant time). */
export async function staffPinMatches(pin: string, stored: StaffPinHash): Promise<boolean> {
  const expected = Buffer.from(stored.hash, 'base64');
  const actual = await scrypt(pin, Buffer.from(stored.salt, 'base64'), stored.kdf);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/**
 * The first of `entries` whose PIN this is. Every entry with a PIN is hashed, so the time
 * says nothing of which matched.
 */
export async function findByStaffPin<E extends { readonly [F in keyof StaffPinHash]?: StaffPinHash[F] | undefined }>(
  pin: string,
  entries: readonly E[],
): Promise<E | undefined> {
  let found: E | undefined;
  for (const entry of entries) {
    if (entry.kdf === undefined || entry.salt === undefined || entry.hash === undefined) continue;
    if ((await staffPinMatches(pin, entry as E & StaffPinHash)) && found === undefined) found = entry;
  }
  return found;
}
