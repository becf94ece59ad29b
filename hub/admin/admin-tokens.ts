import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { AdminTokenRecord, AdminTokenStore } from './admin-token-store.js';

/** Makes a token recognisable where it should not be (a chat, a repository) and by secret scanners. */
export const ADMIN_TOKEN_PREFIX = 'chot-admin-';
const TOKEN_BYTES = 32;
/** The prefix, then 32 random bytes in base64url (43 characters, no padding). */
const TOKEN_FORMAT = /^chot-admin-[A-Za-z0-9_-]{43}$/;

export const DEFAULT_ADMIN_TOKEN_DAYS = 90;
/** No token lives for ever: at most a year, then its holder asks for a new one. */
export const MAX_ADMIN_TOKEN_DAYS = 366;
const DAY_MS = 24 * 3600_000;

/**
 * Names are written into the hub's request log and listed in columns: a restricted
 * alphabet keeps both readable and keeps anyone from writing fake log lines through a name.
 */
const NAME_FORMAT = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;

/** The SHA-256 (hex) the stores keep instead of the token. */
export const hashAdminToken = (token: string): string => createHash('sha256').update(token, 'utf8').digest('hex');

/** A token name as given, checked; a RangeError says what is allowed. */
export function checkAdminTokenName(name: string): string {
  if (!NAME_FORMAT.test(name)) {
    throw new RangeError(`an admin token name is 1–64 characters: letters, digits and . _ @ - (not first); got ${JSON.stringify(name)}`);
  }
  return name;
}

export class AdminTokenNameTaken extends Error {
  constructor(readonly tokenName: string) {
    super(
      `an admin token named "${tokenName}" exists already (revoked and expired ones keep their names, so the request log stays unambiguous): choose another name`,
    );
  }
}

/** Makes a token: the caller shows `token` once; the store keeps only its hash. */
export async function createAdminToken(
  store: AdminTokenStore,
  name: string,
  validDays: number,
  now: () => number = Date.now,
): Promise<{ token: string; record: AdminTokenRecord }> {
  checkAdminTokenName(name);
  if (!Number.isFinite(validDays) || validDays <= 0 || validDays > MAX_ADMIN_TOKEN_DAYS) {
    throw new RangeError(`an admin token is valid for more than 0 and at most ${MAX_ADMIN_TOKEN_DAYS} days`);
  }
  const token = `${ADMIN_TOKEN_PREFIX}${randomBytes(TOKEN_BYTES).toString('base64url')}`;
  const createdAt = now();
  const record: AdminTokenRecord = {
    name,
    tokenHash: hashAdminToken(token),
    createdAt,
    expiresAt: createdAt + Math.round(validDays * DAY_MS),
    revokedAt: null,
  };
  if (!(await store.add(record))) throw new AdminTokenNameTaken(name);
  return { token, record };
}

export type AdminTokenRefusal = 'unknown' | 'expired' | 'revoked';
export type AdminTokenCheck =
  { ok: true; record: AdminTokenRecord } | { ok: false; refusal: 'unknown' } | { ok: false; refusal: 'expired' | 'revoked'; record: AdminTokenRecord };

/**
 * Checks a presented token. The store is searched by the token's SHA-256, so how long a
 * lookup takes says something about a hash, never about the secret (whose bits an attacker
 * cannot steer through a hash); the hash found is then compared in constant time, so the
 * answer does not rest on how the store compared either.
 */
export async function checkAdminToken(store: AdminTokenStore, presented: string, now: number): Promise<AdminTokenCheck> {
  if (!TOKEN_FORMAT.test(presented)) return { ok: false, refusal: 'unknown' };
  const hash = hashAdminToken(presented);
  const record = await store.findByHash(hash);
  if (record === undefined || !sameHash(hash, record.tokenHash)) return { ok: false, refusal: 'unknown' };
  if (record.revokedAt !== null) return { ok: false, refusal: 'revoked', record };
  if (now >= record.expiresAt) return { ok: false, refusal: 'expired', record };
  return { ok: true, record };
}

function sameHash(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === 32 && right.length === 32 && timingSafeEqual(left, right);
}

/** What `list` shows of a token's state at `now`. */
export function adminTokenState(record: AdminTokenRecord, now: number): 'active' | 'expired' | 'revoked' {
  if (record.revokedAt !== null) return 'revoked';
  return now >= record.expiresAt ? 'expired' : 'active';
}
