/**
 * What `chot verify` reports for an EU Digital COVID Certificate (`HC1:`), stage by
 * stage. A stage not reached is `false`; a check not made is `null`.
 */
export interface DccDiagnostics {
  readonly stages: {
    readonly unprefix: boolean;
    readonly base45: boolean;
    readonly inflate: boolean;
    readonly cose: boolean;
    readonly cbor: boolean;
  };
  readonly signature: 'valid' | 'invalid' | 'unknown-key';
  /** Outside notBefore ≤ iat ≤ clock ≤ exp ≤ notAfter; null when it could not be checked. */
  readonly expired: boolean | null;
  readonly schemaValid: boolean | null;
  /** The signing certificate's extended key usage allows this certificate type. */
  readonly keyUsageOk: boolean | null;
  /** The decoded health certificate (claim -260, key 1). */
  readonly hcert?: unknown;
  /** CWT claims. Times are ISO 8601. */
  readonly issuer?: string;
  readonly issuedAt?: string;
  readonly expiresAt?: string;
}
