import type { ValueSetOverrides } from './dcc/dcc-value-sets.js';

/**
 * Ports through which the pure parsers authenticate credentials. The domain decides what
 * a signature, a validity period or a key usage means; the Node side implements the
 * cryptography and certificate parsing behind these interfaces (node:crypto), so the
 * domain stays free of I/O and of any one crypto library.
 */

/** A DCC document-signer certificate from the trust list. */
export interface DccSigningCertificate {
  /** The key id DCCs name: the one the trust list gives, by default the first 8 bytes of the SHA-256 of the DER. */
  readonly kid: Uint8Array;
  /** Epoch milliseconds. */
  readonly notBefore: number;
  readonly notAfter: number;
  /** Extended key usage OIDs (empty when the certificate has none). */
  readonly extendedKeyUsage: readonly string[];
  /** Verifies a COSE signature made with this certificate's key; `alg` is the COSE algorithm (-7 ES256, -37 PS256). */
  verify(alg: number, signedData: Uint8Array, signature: Uint8Array): boolean;
}

export interface DccTrustList {
  /** Certificates whose key id is `kid` (usually one). */
  byKid(kid: Uint8Array): readonly DccSigningCertificate[];
}

/** Validates a decoded health certificate against the DCC JSON schema of its version. */
export interface DccSchemaValidator {
  /** null when no schema at or below `version` is available. */
  validate(hcert: unknown, version: string): boolean | null;
}

/** A hub key that signs status passes. */
export interface HubPublicKey {
  readonly keyId: string;
  verify(signedData: Uint8Array, signature: Uint8Array): boolean;
}

export interface HubKeyStore {
  byKeyId(keyId: string): HubPublicKey | undefined;
}

/** Everything authentication needs, handed to `parseScan`. Absent ports mean "cannot check". */
export interface VerificationContext {
  /** The evaluation clock, epoch milliseconds. */
  readonly now: number;
  readonly dccTrust?: DccTrustList;
  readonly dccSchemas?: DccSchemaValidator;
  /** The hub's DCC value sets, replacing the built-in ones of the same id; absent: the built-in. */
  readonly dccValueSets?: ValueSetOverrides;
  readonly hubKeys?: HubKeyStore;
}
