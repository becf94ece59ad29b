import { CborTag, decodeCbor, type CborValue } from './cbor-decode.js';

/** CWT claim keys (RFC 8392) and the HCERT claim of the DCC specification. */
const CLAIM_ISS = 1;
const CLAIM_EXP = 4;
const CLAIM_IAT = 6;
const CLAIM_HCERT = -260;
const HCERT_EU_DCC_V1 = 1;

export interface CwtClaims {
  /** Issuing country (ISO 3166-1 alpha-2), when stated. */
  readonly issuer?: string;
  /** NumericDate seconds; undefined when absent or not a number. */
  readonly issuedAt?: number;
  readonly expiresAt?: number;
  /** The health certificate as JSON data (claim -260, key 1). */
  readonly hcert: unknown;
}

export type CwtReadResult =
  { readonly ok: true; readonly claims: CwtClaims } | { readonly ok: false; readonly stage: 'cbor' | 'hcert'; readonly reason: string };

/** Decodes the COSE payload as CWT claims and extracts the health certificate. */
export function readCwtClaims(payload: Uint8Array): CwtReadResult {
  const decoded = decodeCbor(payload);
  if (!decoded.ok) return { ok: false, stage: 'cbor', reason: `CBOR: ${decoded.error} at byte ${decoded.offset}` };
  if (!(decoded.value instanceof Map)) return { ok: false, stage: 'cbor', reason: 'CWT claims must be a map' };
  const claims = decoded.value;
  const hcertClaim = claims.get(CLAIM_HCERT);
  if (!(hcertClaim instanceof Map) || !hcertClaim.has(HCERT_EU_DCC_V1))
    return { ok: false, stage: 'hcert', reason: 'no health certificate (claim -260, key 1)' };
  const hcert = toJson(hcertClaim.get(HCERT_EU_DCC_V1), 0);
  if (hcert === NOT_JSON || typeof hcert !== 'object' || hcert === null || Array.isArray(hcert)) {
    return { ok: false, stage: 'hcert', reason: 'the health certificate is not a JSON object' };
  }
  const iss = claims.get(CLAIM_ISS);
  const iat = numericDate(claims.get(CLAIM_IAT));
  const exp = numericDate(claims.get(CLAIM_EXP));
  return {
    ok: true,
    claims: {
      ...(typeof iss === 'string' ? { issuer: iss } : {}),
      ...(iat === undefined ? {} : { issuedAt: iat }),
      ...(exp === undefined ? {} : { expiresAt: exp }),
      hcert,
    },
  };
}

/** A NumericDate: an integer or float of seconds, possibly wrapped in tag 1 (epoch time). */
function numericDate(value: CborValue): number | undefined {
  const inner = value instanceof CborTag && value.tag === 1 ? value.value : value;
  if (typeof inner === 'bigint') return undefined; // beyond any date a certificate could carry
  return typeof inner === 'number' && Number.isFinite(inner) ? inner : undefined;
}

const NOT_JSON = Symbol('not JSON');

/**
 * CBOR → JSON data, as the health certificate is defined in JSON. A tag keeps its content:
 * the specification asks readers to take date-times tagged 0 or not, issuers also tag
 * dates (1004, RFC 8943) or epoch times (1), and the EU reference verifier reads every tag
 * as its content; the schema then judges that content. Anything JSON cannot say (byte
 * strings, non-text map keys, undefined, other simple values, big integers) makes the
 * certificate unreadable rather than being guessed at.
 */
function toJson(value: CborValue, depth: number): unknown {
  if (depth > 16) return NOT_JSON;
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : NOT_JSON;
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (const item of value) {
      const converted = toJson(item, depth + 1);
      if (converted === NOT_JSON) return NOT_JSON;
      out.push(converted);
    }
    return out;
  }
  if (value instanceof Map) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of value) {
      if (typeof key !== 'string') return NOT_JSON;
      const converted = toJson(item, depth + 1);
      if (converted === NOT_JSON) return NOT_JSON;
      // defineProperty, not assignment: a key named __proto__ must stay data.
      Object.defineProperty(out, key, { value: converted, enumerable: true, writable: true, configurable: true });
    }
    return out;
  }
  if (value instanceof CborTag) return toJson(value.value, depth + 1);
  return NOT_JSON;
}
