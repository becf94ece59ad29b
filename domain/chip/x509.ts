import { decodeOid, DER, DerError, derChildren, expectTag, readDerElement } from './der.js';
import { bitStringBytes, readPublicKeyInfo, type PublicKeyInfo } from './public-key.js';
import { readAlgorithmIdentifier, type AlgorithmIdentifier } from './signature-algorithms.js';
import { readTlvs, type Tlv } from './tlv.js';

/**
 * An X.509 certificate (RFC 5280 §4.1) of the chip's PKI: the document signer's (inside
 * EF.SOD) and the country signing CA's (configured). Only what passive authentication decides
 * on is read: names as DER (compared byte for byte), validity, key, key identifiers, and the
 * signed part with its signature for the signature port.
 */
export interface Certificate {
  readonly der: Uint8Array;
  /** The TBSCertificate's whole encoding: what the issuer signed. */
  readonly tbs: Uint8Array;
  /** The serial number's content octets as encoded (compared with a CMS signer identifier). */
  readonly serialNumber: Uint8Array;
  readonly issuer: Uint8Array;
  readonly subject: Uint8Array;
  /** Epoch milliseconds. */
  readonly notBefore: number;
  readonly notAfter: number;
  readonly publicKey: PublicKeyInfo;
  readonly signatureAlgorithm: AlgorithmIdentifier;
  readonly signature: Uint8Array;
  readonly subjectKeyIdentifier?: Uint8Array;
  readonly authorityKeyIdentifier?: Uint8Array;
  /** basicConstraints' cA flag (RFC 5280 §4.2.1.9); absent when the certificate has no basicConstraints. */
  readonly basicConstraintsCa?: boolean;
  /** keyUsage's bits that are set (RFC 5280 §4.2.1.3); absent when the certificate has no keyUsage. */
  readonly keyUsage?: readonly KeyUsage[];
}

/** The named bits of keyUsage, in bit order (RFC 5280 §4.2.1.3). */
export const KEY_USAGES = [
  'digitalSignature',
  'nonRepudiation',
  'keyEncipherment',
  'dataEncipherment',
  'keyAgreement',
  'keyCertSign',
  'cRLSign',
  'encipherOnly',
  'decipherOnly',
] as const;
export type KeyUsage = (typeof KEY_USAGES)[number];

const SUBJECT_KEY_IDENTIFIER = '2.5.29.14';
const AUTHORITY_KEY_IDENTIFIER = '2.5.29.35';
const BASIC_CONSTRAINTS = '2.5.29.19';
const KEY_USAGE = '2.5.29.15';

/** A certificate from its DER encoding (nothing may follow it). */
export function parseCertificate(der: Uint8Array): Certificate {
  return readCertificate(readDerElement(der, 'certificate'), der);
}

/** The certificate `element`, read from `container` (the bytes its offsets refer to). */
export function readCertificate(element: Tlv, container: Uint8Array): Certificate {
  const [tbs, algorithm, signature, ...rest] = derChildren(element, DER.SEQUENCE, 'certificate');
  if (tbs === undefined || algorithm === undefined || signature === undefined || rest.length > 0) throw new DerError('certificate: not three parts');
  const fields = derChildren(tbs, DER.SEQUENCE, 'TBSCertificate');
  let at = fields[0]?.tag === 0xa0 ? 1 : 0; // [0] EXPLICIT version, absent for v1
  const next = (what: string): Tlv => {
    const field = fields[at++];
    if (field === undefined) throw new DerError(`TBSCertificate: no ${what}`);
    return field;
  };
  const serial = expectTag(next('serial number'), DER.INTEGER, 'serial number');
  next('signature algorithm');
  const issuer = expectTag(next('issuer'), DER.SEQUENCE, 'issuer');
  const [notBefore, notAfter] = derChildren(next('validity'), DER.SEQUENCE, 'validity');
  if (notBefore === undefined || notAfter === undefined) throw new DerError('validity: not two times');
  const subject = expectTag(next('subject'), DER.SEQUENCE, 'subject');
  const publicKey = readPublicKeyInfo(next('public key'), tbs.value);
  const extensions = fields.slice(at).find((field) => field.tag === 0xa3);
  const identifiers = extensions === undefined ? {} : extensionValues(extensions);
  return {
    der: container.subarray(element.start, element.end),
    tbs: element.value.subarray(tbs.start, tbs.end),
    serialNumber: serial.value,
    issuer: tbs.value.subarray(issuer.start, issuer.end),
    subject: tbs.value.subarray(subject.start, subject.end),
    notBefore: timeOf(notBefore),
    notAfter: timeOf(notAfter),
    publicKey,
    signatureAlgorithm: readAlgorithmIdentifier(algorithm, 'certificate signature algorithm'),
    signature: bitStringBytes(signature, 'certificate signature'),
    ...identifiers,
  };
}

type ExtensionValues = Pick<Certificate, 'subjectKeyIdentifier' | 'authorityKeyIdentifier' | 'basicConstraintsCa' | 'keyUsage'>;

function extensionValues(extensions: Tlv): ExtensionValues {
  const out: { -readonly [K in keyof ExtensionValues]?: ExtensionValues[K] } = {};
  const [list] = readTlvs(extensions.value);
  if (list === undefined) return out;
  for (const extension of derChildren(list, DER.SEQUENCE, 'extensions')) {
    const [oid, ...rest] = derChildren(extension, DER.SEQUENCE, 'extension');
    const value = rest[rest.length - 1];
    if (oid === undefined || value === undefined) throw new DerError('extension: no identifier or value');
    const id = decodeOid(expectTag(oid, DER.OBJECT_IDENTIFIER, 'extension').value);
    const inner = expectTag(value, DER.OCTET_STRING, 'extension value').value;
    if (id === SUBJECT_KEY_IDENTIFIER)
      out.subjectKeyIdentifier = expectTag(readDerElement(inner, 'subject key identifier'), DER.OCTET_STRING, 'subject key identifier').value;
    if (id === AUTHORITY_KEY_IDENTIFIER) {
      // AuthorityKeyIdentifier ::= SEQUENCE { keyIdentifier [0] IMPLICIT OCTET STRING OPTIONAL, … }
      const keyId = derChildren(readDerElement(inner, 'authority key identifier'), DER.SEQUENCE, 'authority key identifier').find((part) => part.tag === 0x80);
      if (keyId !== undefined) out.authorityKeyIdentifier = keyId.value;
    }
    if (id === BASIC_CONSTRAINTS) out.basicConstraintsCa = basicConstraintsCa(inner);
    if (id === KEY_USAGE) out.keyUsage = keyUsageBits(inner);
  }
  return out;
}

/** BasicConstraints ::= SEQUENCE { cA BOOLEAN DEFAULT FALSE, pathLenConstraint INTEGER OPTIONAL }. */
function basicConstraintsCa(value: Uint8Array): boolean {
  const [first] = derChildren(readDerElement(value, 'basic constraints'), DER.SEQUENCE, 'basic constraints');
  if (first === undefined || first.tag !== DER.BOOLEAN) return false;
  if (first.value.length !== 1) throw new DerError('basic constraints: a cA flag that is not one octet');
  return first.value[0] !== 0;
}

/** KeyUsage ::= BIT STRING: the first octet counts the unused bits of the last; bit 0 is the first octet's high bit. */
function keyUsageBits(value: Uint8Array): KeyUsage[] {
  const bits = expectTag(readDerElement(value, 'key usage'), DER.BIT_STRING, 'key usage').value;
  const unused = bits[0];
  if (unused === undefined || unused > 7 || (bits.length === 1 && unused !== 0)) throw new DerError('key usage: a malformed bit string');
  const usable = (bits.length - 1) * 8 - unused;
  return KEY_USAGES.filter((_, bit) => bit < usable && ((bits[1 + (bit >> 3)] ?? 0) & (0x80 >> (bit & 7))) !== 0);
}

/** UTCTime YYMMDDHHMMSSZ (years 1950–2049, RFC 5280 §4.1.2.5.1) or GeneralizedTime YYYYMMDDHHMMSSZ, as epoch milliseconds. */
export function timeOf(element: Tlv): number {
  const text = String.fromCharCode(...element.value);
  const match =
    element.tag === DER.UTC_TIME
      ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text)
      : element.tag === DER.GENERALIZED_TIME
        ? /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text)
        : null;
  if (match === null) throw new DerError(`a certificate time that is neither UTCTime nor GeneralizedTime in UTC: "${text}"`);
  const [year, month, day, hour, minute, second] = match.slice(1).map(Number) as [number, number, number, number, number, number];
  const fullYear = element.tag === DER.UTC_TIME ? (year < 50 ? 2000 + year : 1900 + year) : year;
  const time = Date.UTC(fullYear, month - 1, day, hour, minute, second);
  const check = new Date(time);
  if (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59)
    throw new DerError(`an impossible certificate time: "${text}"`);
  return time;
}

/** The certificates of a CMS CertificateSet ([0] IMPLICIT SET OF Certificate). */
export function certificatesIn(set: Tlv): Certificate[] {
  return readTlvs(set.value).map((element) => readCertificate(element, set.value));
}
