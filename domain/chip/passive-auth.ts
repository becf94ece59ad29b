import type { Authenticity } from '../credentials/credential.js';
import type { Reason } from '../text/bilingual.js';
import { bytesEqual } from './bytes.js';
import type { ChipCrypto } from './chip-crypto.js';
import { checkSignedDataSignature, issuedBy, type SignedData } from './cms-signed-data.js';
import { LdsError } from './lds/lds-error.js';
import { passiveAuthReason, type PassiveAuthReasonCode } from './passive-auth-reasons.js';
import type { ChipSignatureVerifier } from './signature-verifier.js';
import type { Certificate } from './x509.js';
import { ID_LDS_SECURITY_OBJECT, parseSod, type SecurityObject } from './sod.js';

/**
 * Passive authentication (ICAO 9303-11 §5.1): is the data read from the chip what the issuing
 * state signed? Four outcomes:
 * - `chip-verified`: every data group read hashes to its entry in EF.SOD, EF.SOD's signature
 *   verifies with the document signer's key, and that certificate was issued by a configured
 *   country signing CA (CSCA) and is valid at the scan;
 * - `chip-integrity-only`: the data and the signature agree, but no trusted CSCA vouches for
 *   the signer (anyone can sign a chip with a key of their own: this proves no issuer);
 * - `chip-altered`: a proven mismatch (a hash, the signed digest, the signature);
 * - `chip-unverified`: nothing was proven either way (EF.SOD unreadable, an algorithm or key
 *   not supported): not evidence of a forgery, and not a verified card.
 */
export type PassiveAuthOutcome = 'chip-verified' | 'chip-integrity-only' | 'chip-altered' | 'chip-unverified';

export interface PassiveAuthResult {
  readonly outcome: PassiveAuthOutcome;
  readonly reason: Reason;
  /** The data group at fault, when one is. */
  readonly dataGroup?: number;
  /** Data groups whose hash matched EF.SOD (all of those given, when the outcome is not altered). */
  readonly checkedDataGroups: readonly number[];
}

export interface PassiveAuthInput {
  /** EF.SOD as read. */
  readonly sod: Uint8Array;
  /** Each data group read from the chip, by number, as read (its whole TLV). */
  readonly dataGroups: ReadonlyMap<number, Uint8Array>;
  /** The configured country signing CA certificates. */
  readonly trustedCscas: readonly Certificate[];
  /** The scan's time, epoch milliseconds. */
  readonly now: number;
}

export interface PassiveAuthPorts {
  readonly crypto: Pick<ChipCrypto, 'hash'>;
  readonly verifier: ChipSignatureVerifier;
}

export function passiveAuthenticate(input: PassiveAuthInput, ports: PassiveAuthPorts): PassiveAuthResult {
  // With no data group there is nothing the signature would vouch for: a caller's mistake, not a verified chip.
  if (input.dataGroups.size === 0) throw new RangeError('passive authentication needs the data groups read (at least DG1)');
  let sod: SecurityObject;
  try {
    sod = parseSod(input.sod);
  } catch (error) {
    if (error instanceof LdsError) return result('chip-unverified', 'chip.pa.sod-unreadable', []);
    throw error;
  }
  const hash = sod.hash;
  if (hash === undefined) return result('chip-unverified', 'chip.pa.unsupported', []);

  const checked: number[] = [];
  for (const [number, bytes] of [...input.dataGroups].sort(([a], [b]) => a - b)) {
    const signed = sod.dataGroupHashes.get(number);
    if (signed === undefined) return result('chip-altered', 'chip.pa.dg-not-signed', checked, number);
    if (!bytesEqual(ports.crypto.hash(hash, bytes), signed)) return result('chip-altered', 'chip.pa.dg-hash-mismatch', checked, number);
    checked.push(number);
  }

  const documentSigner = sod.documentSigner;
  const signedData: SignedData = documentSigner === undefined ? sod : { ...sod, signerCertificate: documentSigner };
  const signature = checkSignedDataSignature(signedData, ID_LDS_SECURITY_OBJECT, ports);
  // 9303-10 §4.6.2.2 requires signed attributes; without them there is no message digest to check.
  if (signature === 'no-signed-attributes') return result('chip-unverified', 'chip.pa.sod-unreadable', checked);
  if (signature === 'unsupported') return result('chip-unverified', 'chip.pa.unsupported', checked);
  if (signature === 'content-mismatch') return result('chip-altered', 'chip.pa.content-mismatch', checked);
  if (signature === 'no-signer-certificate' || documentSigner === undefined) return result('chip-unverified', 'chip.pa.no-signer-certificate', checked);
  if (signature === 'signature-invalid') return result('chip-altered', 'chip.pa.signature-invalid', checked);

  if (!input.trustedCscas.some((csca) => issuedBy(csca, documentSigner, ports.verifier))) return result('chip-integrity-only', 'chip.pa.csca-unknown', checked);
  if (input.now < documentSigner.notBefore || input.now > documentSigner.notAfter)
    return result('chip-integrity-only', 'chip.pa.signer-outside-validity', checked);
  return result('chip-verified', 'chip.pa.verified', checked);
}

function result(outcome: PassiveAuthOutcome, code: PassiveAuthReasonCode, checkedDataGroups: readonly number[], dataGroup?: number): PassiveAuthResult {
  const reason = passiveAuthReason(code, dataGroup);
  return dataGroup === undefined ? { outcome, reason, checkedDataGroups } : { outcome, reason, dataGroup, checkedDataGroups };
}

/**
 * The credential authenticity a chip read earns (domain/credentials/credential.ts): verified
 * data is `chip-verified`; a proven alteration is `invalid`; data no trusted issuer vouches
 * for proves no more than the printed card, so it is `unsigned` and staff compare card and face.
 */
export function chipAuthenticity(outcome: PassiveAuthOutcome): Authenticity {
  return outcome === 'chip-verified' ? 'chip-verified' : outcome === 'chip-altered' ? 'invalid' : 'unsigned';
}
