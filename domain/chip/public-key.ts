import { decodeInteger, decodeOid, DER, DerError, derChildren, expectTag, readDerElement } from './der.js';
import type { Tlv } from './tlv.js';

/**
 * A SubjectPublicKeyInfo (X.509, RFC 5280 §4.1): the form every public key on the chip and in
 * its certificates takes (DG15, the document signer's and the CSCA's certificates). The DER is
 * kept whole for the signature port to load; the domain reads only what it decides on.
 */
export interface PublicKeyInfo {
  /** The whole DER encoding (SEQUENCE and all). */
  readonly der: Uint8Array;
  readonly algorithm: string;
  readonly keyType: 'rsa' | 'ec' | 'other';
  /** The BIT STRING's key bytes (after its unused-bits octet). */
  readonly key: Uint8Array;
}

export const RSA_ENCRYPTION = '1.2.840.113549.1.1.1';
export const RSASSA_PSS = '1.2.840.113549.1.1.10';
export const EC_PUBLIC_KEY = '1.2.840.10045.2.1';

/** `element` (a SEQUENCE read from `container`, the bytes its offsets refer to), as a public key. */
export function readPublicKeyInfo(element: Tlv, container: Uint8Array): PublicKeyInfo {
  const [algorithmId, keyBits] = derChildren(element, DER.SEQUENCE, 'public key');
  if (algorithmId === undefined || keyBits === undefined) throw new DerError('public key: no algorithm or key');
  const [oid] = derChildren(algorithmId, DER.SEQUENCE, 'public key algorithm');
  if (oid === undefined) throw new DerError('public key: the algorithm has no identifier');
  const algorithm = decodeOid(expectTag(oid, DER.OBJECT_IDENTIFIER, 'public key algorithm').value);
  const keyType = algorithm === RSA_ENCRYPTION || algorithm === RSASSA_PSS ? 'rsa' : algorithm === EC_PUBLIC_KEY ? 'ec' : 'other';
  return { der: container.subarray(element.start, element.end), algorithm, keyType, key: bitStringBytes(keyBits, 'public key') };
}

/** A BIT STRING's bytes; keys and signatures are whole bytes, so unused bits are refused. */
export function bitStringBytes(element: Tlv, what: string): Uint8Array {
  const value = expectTag(element, DER.BIT_STRING, what).value;
  if (value[0] !== 0) throw new DerError(`${what}: a bit string with unused bits`);
  return value.subarray(1);
}

/** An RSA key's modulus and public exponent (RSAPublicKey, RFC 8017 §A.1.1). */
export function rsaPublicKey(info: PublicKeyInfo): { readonly modulus: bigint; readonly exponent: bigint } {
  if (info.keyType !== 'rsa') throw new DerError('not an RSA key');
  const [modulus, exponent] = derChildren(readDerElement(info.key, 'RSA key'), DER.SEQUENCE, 'RSA key');
  if (modulus === undefined || exponent === undefined) throw new DerError('RSA key: no modulus or exponent');
  const n = decodeInteger(expectTag(modulus, DER.INTEGER, 'RSA modulus').value);
  const e = decodeInteger(expectTag(exponent, DER.INTEGER, 'RSA exponent').value);
  if (n <= 0n || e <= 1n) throw new DerError('RSA key: a modulus or exponent out of range');
  return { modulus: n, exponent: e };
}
