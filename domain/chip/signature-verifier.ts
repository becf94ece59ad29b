import type { SignatureScheme } from './signature-algorithms.js';

/**
 * The port through which the chip's signatures are checked (EF.SOD's CMS signature, the
 * document signer's certificate, an Active Authentication answer), as
 * domain/credentials/verification.ts is for the QR credentials: the domain decides which key,
 * which bytes and which scheme; the Node side (drivers/chip/node-signature-verifier.ts) runs
 * the arithmetic.
 */
export interface ChipSignatureVerifier {
  /**
   * Whether `signature` over `data` verifies with the key `subjectPublicKeyInfo` (DER) under
   * `scheme`. Throws UnsupportedKeyError when the key cannot be used at all (a curve or key
   * form the implementation lacks): that is not evidence of a forgery, and is told apart.
   */
  verify(subjectPublicKeyInfo: Uint8Array, scheme: SignatureScheme, data: Uint8Array, signature: Uint8Array): boolean;
}

export class UnsupportedKeyError extends Error {
  override readonly name = 'UnsupportedKeyError';
}
