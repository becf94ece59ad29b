/**
 * A kiosk's scope: the provinces whose people it syncs, set per enrolment at the hub
 * (`chot hub enroll-code --scope 001,079`). A province is the first three digits of a 12-digit
 * ID (domain/credentials/citizen-id.ts), so a province is one contiguous range of the ID space
 * and a scoped snapshot or delta is the same chunk format with fewer people in it.
 * `null`: every province (the default, and every kiosk enrolled before scopes existed).
 */
export type ProvinceScope = readonly string[] | null;

const PROVINCE = /^\d{3}$/;

/** `001,079` → `['001', '079']`: three digits each, sorted, once each; throws a RangeError saying what is wrong. */
export function parseProvinceScope(text: string): readonly string[] {
  const codes = text
    .split(',')
    .map((code) => code.trim())
    .filter((code) => code !== '');
  if (codes.length === 0) throw new RangeError('a scope names at least one province code (the first 3 digits of a 12-digit ID), e.g. 001,079');
  const wrong = codes.find((code) => !PROVINCE.test(code));
  if (wrong !== undefined) throw new RangeError(`${JSON.stringify(wrong)} is not a province code: three digits, the first 3 of a 12-digit ID (e.g. 001, 079)`);
  return [...new Set(codes)].sort();
}

/** Whether a 12-digit ID (text or number) is in the scope. */
export function inProvinceScope(id12: string | number, scope: ProvinceScope): boolean {
  if (scope === null) return true;
  const text = typeof id12 === 'number' ? String(id12).padStart(12, '0') : id12;
  return scope.includes(text.slice(0, 3));
}

/** Whether any ID in [start, end] is in the scope: a chunk's range that needs reading for it. */
export function rangeMeetsScope(start: number, end: number, scope: ProvinceScope): boolean {
  if (scope === null) return true;
  return scope.some((code) => {
    const first = Number(code) * 1e9;
    return first <= end && first + 1e9 - 1 >= start;
  });
}

/** The scope as one word, for cache keys, ETags and logs: `all`, or the codes joined by `.`. */
export const scopeKey = (scope: ProvinceScope): string => (scope === null ? 'all' : scope.join('.'));

/** The scope as stored and shown: the codes joined by commas, or null for every province. */
export const scopeText = (scope: ProvinceScope): string | null => (scope === null ? null : scope.join(','));

/** The stored text back to a scope (null or empty: every province). */
export const scopeFromText = (text: string | null | undefined): ProvinceScope =>
  text === null || text === undefined || text === '' ? null : parseProvinceScope(text);

/**
 * The kiosk's scope as the hub states it, signed for that kiosk, in each `GET /v1/status`
 * answer: the kiosk learns what it syncs from the hub key it pinned, not from an unsigned field.
 */
export const SCOPE_STATEMENT_VERSION = 'chot-scope-1';

export interface ScopeStatement {
  readonly kioskId: string;
  /** The province codes; null: every province. */
  readonly provinces: readonly string[] | null;
  readonly issuedAt: number;
  readonly hubKeyId: string;
}

export interface SignedScope {
  readonly scope: ScopeStatement;
  /** Base64url Ed25519 signature of canonicalScope(scope) by the hub key scope.hubKeyId. */
  readonly signature: string;
}

/** The bytes the hub signs: one field per line after the version; `*` for every province. */
export function canonicalScope(scope: ScopeStatement): Uint8Array {
  return new TextEncoder().encode(
    [SCOPE_STATEMENT_VERSION, scope.kioskId, scope.provinces === null ? '*' : scope.provinces.join(','), String(scope.issuedAt), scope.hubKeyId].join('\n'),
  );
}

/** Whether a value has the shape of a signed scope (its signature is checked apart). */
export function isSignedScope(value: unknown): value is SignedScope {
  if (typeof value !== 'object' || value === null) return false;
  const { scope, signature } = value as { scope?: unknown; signature?: unknown };
  if (typeof signature !== 'string' || typeof scope !== 'object' || scope === null) return false;
  const { kioskId, provinces, issuedAt, hubKeyId } = scope as Partial<Record<keyof ScopeStatement, unknown>>;
  const provincesOk =
    provinces === null || (Array.isArray(provinces) && provinces.length > 0 && provinces.every((p) => typeof p === 'string' && PROVINCE.test(p)));
  return typeof kioskId === 'string' && provincesOk && Number.isSafeInteger(issuedAt) && typeof hubKeyId === 'string';
}
