import type { ChipHash } from './chip-crypto.js';
import { decodeOid, decodeSmallInteger, DER, DerError, derChildren, expectTag } from './der.js';
import { EC_PUBLIC_KEY, RSA_ENCRYPTION, RSASSA_PSS } from './public-key.js';
import { readTlvs, type Tlv } from './tlv.js';

/**
 * The hash and signature algorithms of the chip's security objects (EF.SOD's CMS, the
 * certificates, DG14's Active Authentication info), from their object identifiers. Which
 * scheme a signature uses is decided here, in the domain; the port only runs it.
 */
export type SignatureScheme =
  | { readonly kind: 'rsa-pkcs1-v1_5'; readonly hash: ChipHash }
  /** RSASSA-PSS with MGF1 over the same hash (the only form ICAO 9303-12 uses) and trailer BC. */
  | { readonly kind: 'rsa-pss'; readonly hash: ChipHash; readonly saltLength: number }
  /** `encoding`: DER SEQUENCE { r, s } in CMS and X.509; plain r ‖ s in Active Authentication (BSI TR-03111). */
  | { readonly kind: 'ecdsa'; readonly hash: ChipHash; readonly encoding: 'der' | 'plain' };

const HASHES: Readonly<Record<string, ChipHash>> = {
  '1.3.14.3.2.26': 'SHA-1',
  '2.16.840.1.101.3.4.2.4': 'SHA-224',
  '2.16.840.1.101.3.4.2.1': 'SHA-256',
  '2.16.840.1.101.3.4.2.2': 'SHA-384',
  '2.16.840.1.101.3.4.2.3': 'SHA-512',
};

const RSA_WITH: Readonly<Record<string, ChipHash>> = {
  '1.2.840.113549.1.1.5': 'SHA-1',
  '1.2.840.113549.1.1.14': 'SHA-224',
  '1.2.840.113549.1.1.11': 'SHA-256',
  '1.2.840.113549.1.1.12': 'SHA-384',
  '1.2.840.113549.1.1.13': 'SHA-512',
};

/** ecdsa-with-SHA* (RFC 5758, ANSI X9.62): also the AA signature algorithms of DG14. */
export const ECDSA_WITH: Readonly<Record<string, ChipHash>> = {
  '1.2.840.10045.4.1': 'SHA-1',
  '1.2.840.10045.4.3.1': 'SHA-224',
  '1.2.840.10045.4.3.2': 'SHA-256',
  '1.2.840.10045.4.3.3': 'SHA-384',
  '1.2.840.10045.4.3.4': 'SHA-512',
};

/** An AlgorithmIdentifier: SEQUENCE { OID, parameters OPTIONAL }. */
export interface AlgorithmIdentifier {
  readonly oid: string;
  readonly parameters?: Tlv;
}

export function readAlgorithmIdentifier(element: Tlv, what: string): AlgorithmIdentifier {
  const [oid, parameters, ...rest] = derChildren(element, DER.SEQUENCE, what);
  if (oid === undefined || rest.length > 0) throw new DerError(`${what}: not an algorithm identifier`);
  const dotted = decodeOid(expectTag(oid, DER.OBJECT_IDENTIFIER, what).value);
  return parameters === undefined ? { oid: dotted } : { oid: dotted, parameters };
}

/** The hash of a digest AlgorithmIdentifier, or undefined when it is not one ICAO uses. */
export function hashOf(oid: string): ChipHash | undefined {
  return HASHES[oid];
}

/**
 * The scheme of a signature AlgorithmIdentifier, or undefined when unsupported. CMS signers
 * may name only the key type (rsaEncryption, id-ecPublicKey) and leave the hash to the
 * SignerInfo's digest algorithm: `digest` is that hash.
 */
export function signatureSchemeOf(algorithm: AlgorithmIdentifier, digest?: ChipHash): SignatureScheme | undefined {
  const rsa = RSA_WITH[algorithm.oid];
  if (rsa !== undefined) return { kind: 'rsa-pkcs1-v1_5', hash: rsa };
  const ecdsa = ECDSA_WITH[algorithm.oid];
  if (ecdsa !== undefined) return { kind: 'ecdsa', hash: ecdsa, encoding: 'der' };
  if (algorithm.oid === RSA_ENCRYPTION && digest !== undefined) return { kind: 'rsa-pkcs1-v1_5', hash: digest };
  if (algorithm.oid === EC_PUBLIC_KEY && digest !== undefined) return { kind: 'ecdsa', hash: digest, encoding: 'der' };
  if (algorithm.oid === RSASSA_PSS) return pssScheme(algorithm.parameters);
  return undefined;
}

const MGF1 = '1.2.840.113549.1.1.8';

/**
 * RSASSA-PSS-params (RFC 4055 §3.1): [0] hash (default SHA-1), [1] MGF (default MGF1 with
 * SHA-1), [2] salt length (default 20), [3] trailer field (default 1). A mask hash other than
 * the message hash, or another trailer, is not used by ICAO and not supported.
 */
function pssScheme(parameters: Tlv | undefined): SignatureScheme | undefined {
  if (parameters === undefined) return undefined;
  let hash: ChipHash | undefined = 'SHA-1';
  let maskHash: ChipHash | undefined = 'SHA-1';
  let saltLength = 20;
  for (const field of derChildren(parameters, DER.SEQUENCE, 'PSS parameters')) {
    const [inner] = readTlvs(field.value);
    if (inner === undefined) throw new DerError('PSS parameters: an empty field');
    if (field.tag === 0xa0) hash = hashOf(readAlgorithmIdentifier(inner, 'PSS hash').oid);
    else if (field.tag === 0xa1) {
      const mgf = readAlgorithmIdentifier(inner, 'PSS mask generation');
      maskHash = mgf.oid === MGF1 && mgf.parameters !== undefined ? hashOf(readAlgorithmIdentifier(mgf.parameters, 'MGF1 hash').oid) : undefined;
    } else if (field.tag === 0xa2) saltLength = decodeSmallInteger(expectTag(inner, DER.INTEGER, 'PSS salt length').value, 'PSS salt length');
    else if (field.tag === 0xa3) {
      if (decodeSmallInteger(expectTag(inner, DER.INTEGER, 'PSS trailer').value, 'PSS trailer') !== 1) return undefined;
    } else throw new DerError(`PSS parameters: an unknown field [${field.tag & 0x1f}]`);
  }
  if (hash === undefined || maskHash !== hash) return undefined;
  return { kind: 'rsa-pss', hash, saltLength };
}
