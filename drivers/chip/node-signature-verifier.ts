import { constants, createPublicKey, verify, type KeyObject } from 'node:crypto';
import type { ChipHash } from '../../domain/chip/chip-crypto.js';
import { UnsupportedKeyError, type ChipSignatureVerifier } from '../../domain/chip/signature-verifier.js';

const HASH_NAMES: Record<ChipHash, string> = { 'SHA-1': 'sha1', 'SHA-224': 'sha224', 'SHA-256': 'sha256', 'SHA-384': 'sha384', 'SHA-512': 'sha512' };

/**
 * The chip's signatures on node:crypto (OpenSSL): RSA PKCS#1 v1.5 and RSASSA-PSS, ECDSA on
 * every named curve OpenSSL knows (NIST P-256/384/521, brainpoolP256r1…P512r1), each key
 * loaded from its SubjectPublicKeyInfo as the chip or certificate gives it.
 */
export const nodeChipSignatureVerifier: ChipSignatureVerifier = {
  verify(subjectPublicKeyInfo, scheme, data, signature) {
    const key = publicKey(subjectPublicKeyInfo);
    const expected = scheme.kind === 'ecdsa' ? 'ec' : 'rsa';
    const type = key.asymmetricKeyType === 'rsa-pss' ? 'rsa' : key.asymmetricKeyType;
    // A key of another type than the scheme's is a mismatch in the signed object, not a crash.
    if (type !== expected) return false;
    const hash = HASH_NAMES[scheme.hash];
    try {
      if (scheme.kind === 'ecdsa') return verify(hash, data, { key, dsaEncoding: scheme.encoding === 'plain' ? 'ieee-p1363' : 'der' }, signature);
      if (scheme.kind === 'rsa-pss') return verify(hash, data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: scheme.saltLength }, signature);
      return verify(hash, data, { key, padding: constants.RSA_PKCS1_PADDING }, signature);
    } catch {
      // OpenSSL throws on some malformed signatures (a DER ECDSA value that does not parse,
      // an RSA value longer than the modulus) instead of answering false: it did not verify.
      return false;
    }
  },
};

function publicKey(der: Uint8Array): KeyObject {
  try {
    return createPublicKey({ key: Buffer.from(der), format: 'der', type: 'spki' });
  } catch (error) {
    throw new UnsupportedKeyError(`the public key cannot be loaded: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}
