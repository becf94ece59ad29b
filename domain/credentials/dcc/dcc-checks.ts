import type { DccSigningCertificate } from '../verification.js';

/**
 * The checks a decoded DCC goes through besides its signature: the validity period
 * and the signing certificate's extended key usage. Pure functions of their inputs,
 * so the boundaries are tested in tables.
 */

export type CertificateType = 'v' | 't' | 'r';

/**
 * Extended key usage OIDs of the DCC specification (Technical Specifications for DCC,
 * Volume 1, §5.2.1): a document signer restricted to some certificate types. Both arcs
 * occur in the wild: `1.3.6.1.4.1.1847.2021.1.x` as specified, and `…4.1.0.1847…`, which
 * early issuers used and verifiers accept.
 */
const EKU_TYPES: ReadonlyMap<string, CertificateType> = new Map([
  ['1.3.6.1.4.1.1847.2021.1.1', 't'],
  ['1.3.6.1.4.1.1847.2021.1.2', 'v'],
  ['1.3.6.1.4.1.1847.2021.1.3', 'r'],
  ['1.3.6.1.4.1.0.1847.2021.1.1', 't'],
  ['1.3.6.1.4.1.0.1847.2021.1.2', 'v'],
  ['1.3.6.1.4.1.0.1847.2021.1.3', 'r'],
]);

/** Which certificate types (v, t, r) the health certificate contains. */
export function certificateTypes(hcert: unknown): CertificateType[] {
  if (typeof hcert !== 'object' || hcert === null) return [];
  const record = hcert as Record<string, unknown>;
  return (['v', 't', 'r'] as const).filter((type) => Object.hasOwn(record, type) && record[type] !== null && record[type] !== undefined);
}

/**
 * A DCC is one certificate: exactly one of v, t or r (the specification's prose for every
 * version, the schema's oneOf since 1.3.0, and the bar of the EU test data, whose case of
 * a 1.x certificate with all three is expected to fail). How many entries that one type
 * may hold is the schema version's to say: exactly one since 1.3.0 (maxItems 1); the
 * 1.0.x schemas allow several, as does the EU reference verifier, so such a certificate
 * is held to nothing more and every entry counts (dcc-facts.ts). Checked here as well as
 * by the schema, so the rule holds where no schema files are installed. A certificate
 * without a readable `ver` is held to one entry (the schema refuses it anyway).
 */
export function holdsAllowedEntries(hcert: unknown): boolean {
  const types = certificateTypes(hcert);
  if (types.length !== 1) return false;
  const record = hcert as Record<string, unknown>;
  const group = record[types[0] as CertificateType];
  if (!Array.isArray(group) || group.length === 0) return false;
  return group.length === 1 || versionAllowsSeveralEntries(record['ver']);
}

function versionAllowsSeveralEntries(version: unknown): boolean {
  if (typeof version !== 'string') return false;
  const m = /^(\d{1,6})\.(\d{1,6})(?:\.\d{1,6})?$/.exec(version.trim());
  if (m === null) return false;
  const [major, minor] = [Number(m[1]), Number(m[2])];
  return major < 1 || (major === 1 && minor < 3);
}

/**
 * Whether a signer with these extended key usages may sign these certificate types.
 * A signer without any DCC OID may sign every type (the specification makes the OIDs
 * optional); one with some may sign exactly those.
 */
export function keyUsageAllows(extendedKeyUsage: readonly string[], types: readonly CertificateType[]): boolean {
  const allowed = new Set<CertificateType>();
  for (const oid of extendedKeyUsage) {
    const type = EKU_TYPES.get(oid);
    if (type !== undefined) allowed.add(type);
  }
  if (allowed.size === 0) return true;
  return types.every((type) => allowed.has(type));
}

export type ValidityOutcome = 'valid' | 'not-yet-valid' | 'expired' | 'outside-certificate' | 'no-claims';

/**
 * notBefore ≤ iat ≤ clock ≤ exp ≤ notAfter, every comparison inclusive (a certificate
 * is still good in the very second it expires). Claims are NumericDate seconds, the
 * clock and the signer's validity epoch milliseconds. `certificate` absent means the
 * signer is unknown: then only the claims are compared, and at best the outcome is
 * that nothing contradicts them (`valid` is never returned without a certificate).
 */
export function checkValidity(
  claims: { readonly issuedAt?: number; readonly expiresAt?: number },
  clockMs: number,
  certificate: Pick<DccSigningCertificate, 'notBefore' | 'notAfter'> | undefined,
): ValidityOutcome | 'unknown' {
  if (claims.issuedAt === undefined || claims.expiresAt === undefined) return 'no-claims';
  const iatMs = claims.issuedAt * 1000;
  const expMs = claims.expiresAt * 1000;
  if (clockMs < iatMs) return 'not-yet-valid';
  if (clockMs > expMs) return 'expired';
  if (certificate === undefined) return 'unknown';
  if (iatMs < certificate.notBefore || expMs > certificate.notAfter) return 'outside-certificate';
  return 'valid';
}
