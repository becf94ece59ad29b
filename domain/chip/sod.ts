import { bytesEqual } from './bytes.js';
import type { ChipHash } from './chip-crypto.js';
import { contextTag, decodeOid, decodeSmallInteger, DER, derChildren, expectTag, readDerElement } from './der.js';
import { EF_SOD_TAG } from './lds/data-groups.js';
import { LdsError, parsingFile } from './lds/lds-error.js';
import { hashOf, readAlgorithmIdentifier, type AlgorithmIdentifier } from './signature-algorithms.js';
import { readTlv, readTlvs, type Tlv } from './tlv.js';
import { certificatesIn, type Certificate } from './x509.js';

/**
 * EF.SOD, the document security object (ICAO 9303-10 §4.6.2, 9303-12 §4.2): tag 77 around a
 * CMS SignedData (RFC 5652) whose encapsulated content is the LDSSecurityObject — the hash of
 * every data group — signed by the document signer, whose certificate travels inside. This
 * reads it; passive-auth.ts decides what it proves.
 */
export interface SecurityObject {
  /** The LDSSecurityObject's version (0, or 1 with an LDS version info). */
  readonly version: number;
  readonly hashAlgorithm: AlgorithmIdentifier;
  /** The hash of the data groups, undefined when it is not one ICAO uses. */
  readonly hash?: ChipHash;
  /** Data group number → its hash, as signed. */
  readonly dataGroupHashes: ReadonlyMap<number, Uint8Array>;
  /** The encapsulated content's type (2.23.136.1.1.1, id-icao-mrtd-security-ldsSecurityObject) and bytes, as signed. */
  readonly contentType: string;
  readonly content: Uint8Array;
  readonly signer: SignerInfo;
  /** Every certificate the SignedData carries. */
  readonly certificates: readonly Certificate[];
  /** The certificate the signer identifier names, when the SignedData carries it. */
  readonly documentSigner?: Certificate;
}

export interface SignerInfo {
  readonly digestAlgorithm: AlgorithmIdentifier;
  readonly digest?: ChipHash;
  /** The signed attributes as DER SET OF (tag 31): the bytes the signature covers (RFC 5652 §5.4). */
  readonly signedAttributes: Uint8Array;
  /** The content-type and message-digest attributes (absent when the signer left them out). */
  readonly contentType?: string;
  readonly messageDigest?: Uint8Array;
  readonly signatureAlgorithm: AlgorithmIdentifier;
  readonly signature: Uint8Array;
}

export const ID_SIGNED_DATA = '1.2.840.113549.1.7.2';
export const ID_LDS_SECURITY_OBJECT = '2.23.136.1.1.1';
const ATTRIBUTE_CONTENT_TYPE = '1.2.840.113549.1.9.3';
const ATTRIBUTE_MESSAGE_DIGEST = '1.2.840.113549.1.9.4';
/** A chip holds at most 16 data groups; a few more entries would still be readable, hundreds are not a SOD. */
const MAX_DATA_GROUP_HASHES = 32;

export function parseSod(bytes: Uint8Array): SecurityObject {
  return parsingFile('EF.SOD', () => {
    const outer = readTlv(bytes);
    if (outer.tag !== EF_SOD_TAG) throw new LdsError('EF.SOD', `starts with tag ${outer.tag.toString(16)}, not 77`);
    const [type, explicit] = derChildren(readDerElement(outer.value, 'EF.SOD'), DER.SEQUENCE, 'ContentInfo');
    if (type === undefined || explicit === undefined) throw new LdsError('EF.SOD', 'ContentInfo lacks its type or content');
    if (oidOf(type, 'ContentInfo type') !== ID_SIGNED_DATA) throw new LdsError('EF.SOD', 'the content is not SignedData');
    const [signedData] = derChildren(explicit, contextTag(0), 'ContentInfo content');
    if (signedData === undefined) throw new LdsError('EF.SOD', 'no SignedData');
    return signedDataOf(signedData);
  });
}

function signedDataOf(signedData: Tlv): SecurityObject {
  const parts = derChildren(signedData, DER.SEQUENCE, 'SignedData');
  // version, digestAlgorithms, encapContentInfo, [0] certificates OPTIONAL, [1] crls OPTIONAL, signerInfos
  const [version, digestAlgorithms, encapsulated] = parts;
  const signerInfos = parts[parts.length - 1];
  if (version === undefined || digestAlgorithms === undefined || encapsulated === undefined || signerInfos === undefined || parts.length < 4) {
    throw new LdsError('EF.SOD', 'SignedData lacks its parts');
  }
  // Not covered by the signature, but part of the structure: read strictly, not skipped over.
  cmsVersion(version, 'SignedData version');
  derChildren(digestAlgorithms, DER.SET, 'digest algorithms').forEach((algorithm) => readAlgorithmIdentifier(algorithm, 'digest algorithm'));
  const between = parts.slice(3, -1);
  if (between.some((part) => part.tag !== contextTag(0) && part.tag !== contextTag(1)) || between.length > 2)
    throw new LdsError('EF.SOD', 'SignedData holds unexpected parts');
  const certificateSet = between.find((part) => part.tag === contextTag(0));
  const certificates = certificateSet === undefined ? [] : certificatesIn(certificateSet);
  const [contentTypeTlv, contentWrapper] = derChildren(encapsulated, DER.SEQUENCE, 'EncapsulatedContentInfo');
  if (contentTypeTlv === undefined || contentWrapper === undefined) throw new LdsError('EF.SOD', 'no encapsulated content');
  const [octets] = derChildren(contentWrapper, contextTag(0), 'eContent');
  if (octets === undefined) throw new LdsError('EF.SOD', 'empty eContent');
  const content = expectTag(octets, DER.OCTET_STRING, 'eContent').value;
  const signers = derChildren(signerInfos, DER.SET, 'SignerInfos');
  const [signerTlv] = signers;
  // 9303-12 §4.2: exactly one signer, the document signer.
  if (signerTlv === undefined || signers.length !== 1) throw new LdsError('EF.SOD', `${signers.length} signers where ICAO has one`);
  const { signer, matches } = signerInfoOf(signerTlv);
  const documentSigner = certificates.find(matches);
  const lds = ldsSecurityObjectOf(content);
  const base = { ...lds, contentType: oidOf(contentTypeTlv, 'eContentType'), content, signer, certificates };
  return documentSigner === undefined ? base : { ...base, documentSigner };
}

function ldsSecurityObjectOf(content: Uint8Array): Pick<SecurityObject, 'version' | 'hashAlgorithm' | 'hash' | 'dataGroupHashes'> {
  const [versionTlv, algorithm, hashes] = derChildren(readDerElement(content, 'LDSSecurityObject'), DER.SEQUENCE, 'LDSSecurityObject');
  if (versionTlv === undefined || algorithm === undefined || hashes === undefined) throw new LdsError('EF.SOD', 'LDSSecurityObject lacks its parts');
  const version = decodeSmallInteger(expectTag(versionTlv, DER.INTEGER, 'LDSSecurityObject version').value, 'LDSSecurityObject version');
  if (version > 1) throw new LdsError('EF.SOD', `LDSSecurityObject version ${version}`);
  const hashAlgorithm = readAlgorithmIdentifier(algorithm, 'LDSSecurityObject hash algorithm');
  const entries = derChildren(hashes, DER.SEQUENCE, 'DataGroupHashValues');
  if (entries.length > MAX_DATA_GROUP_HASHES) throw new LdsError('EF.SOD', `${entries.length} data group hashes`);
  const dataGroupHashes = new Map<number, Uint8Array>();
  for (const entry of entries) {
    const [number, value] = derChildren(entry, DER.SEQUENCE, 'DataGroupHash');
    if (number === undefined || value === undefined) throw new LdsError('EF.SOD', 'a DataGroupHash lacks its number or hash');
    const group = decodeSmallInteger(expectTag(number, DER.INTEGER, 'data group number').value, 'data group number');
    if (group < 1 || group > 16) throw new LdsError('EF.SOD', `a hash of data group ${group}`);
    // Two hashes for one data group would let either one pass: refuse the object.
    if (dataGroupHashes.has(group)) throw new LdsError('EF.SOD', `two hashes of DG${group}`);
    dataGroupHashes.set(group, expectTag(value, DER.OCTET_STRING, 'data group hash').value);
  }
  const hash = hashOf(hashAlgorithm.oid);
  const lds = { version, hashAlgorithm, dataGroupHashes };
  return hash === undefined ? lds : { ...lds, hash };
}

function signerInfoOf(element: Tlv): { signer: SignerInfo; matches: (certificate: Certificate) => boolean } {
  const parts = derChildren(element, DER.SEQUENCE, 'SignerInfo');
  // version, sid, digestAlgorithm, [0] signedAttrs OPTIONAL, signatureAlgorithm, signature, [1] unsignedAttrs OPTIONAL
  const [version, sid, digestTlv, ...rest] = parts;
  if (version === undefined || sid === undefined || digestTlv === undefined) throw new LdsError('EF.SOD', 'SignerInfo lacks its parts');
  cmsVersion(version, 'SignerInfo version');
  const attributes = rest[0]?.tag === contextTag(0) ? rest.shift() : undefined;
  const [algorithmTlv, signatureTlv, ...after] = rest;
  if (algorithmTlv === undefined || signatureTlv === undefined) throw new LdsError('EF.SOD', 'SignerInfo lacks its signature');
  if (after.length > 1 || (after[0] !== undefined && after[0].tag !== contextTag(1))) throw new LdsError('EF.SOD', 'SignerInfo holds unexpected parts');
  const digestAlgorithm = readAlgorithmIdentifier(digestTlv, 'digest algorithm');
  const digest = hashOf(digestAlgorithm.oid);
  const signer: SignerInfo = {
    digestAlgorithm,
    ...(digest === undefined ? {} : { digest }),
    signedAttributes: attributes === undefined ? new Uint8Array() : asSet(element.value.subarray(attributes.start, attributes.end)),
    ...(attributes === undefined ? {} : attributeValues(attributes)),
    signatureAlgorithm: readAlgorithmIdentifier(algorithmTlv, 'signature algorithm'),
    signature: expectTag(signatureTlv, DER.OCTET_STRING, 'signature').value,
  };
  return { signer, matches: signerMatcher(sid) };
}

/** RFC 5652 §5.4: the signature covers the attributes' DER with the SET OF tag (31), not the [0] IMPLICIT tag (A0). */
function asSet(encoding: Uint8Array): Uint8Array {
  const out = Uint8Array.from(encoding);
  out[0] = DER.SET;
  return out;
}

function attributeValues(attributes: Tlv): Pick<SignerInfo, 'contentType' | 'messageDigest'> {
  const out: { contentType?: string; messageDigest?: Uint8Array } = {};
  const seen = new Set<string>();
  for (const attribute of readTlvs(attributes.value)) {
    const [type, values] = derChildren(attribute, DER.SEQUENCE, 'attribute');
    if (type === undefined || values === undefined) throw new LdsError('EF.SOD', 'an attribute lacks its type or values');
    const id = oidOf(type, 'attribute type');
    // RFC 5652 §11.1–11.2: each of these appears once, with one value.
    if (seen.has(id)) throw new LdsError('EF.SOD', `attribute ${id} twice`);
    seen.add(id);
    const members = derChildren(values, DER.SET, 'attribute values');
    const [value] = members;
    if (id === ATTRIBUTE_CONTENT_TYPE || id === ATTRIBUTE_MESSAGE_DIGEST) {
      if (value === undefined || members.length !== 1) throw new LdsError('EF.SOD', `attribute ${id} with ${members.length} values`);
      if (id === ATTRIBUTE_CONTENT_TYPE) out.contentType = oidOf(value, 'content type');
      else out.messageDigest = expectTag(value, DER.OCTET_STRING, 'message digest').value;
    }
  }
  return out;
}

/** SignerIdentifier: IssuerAndSerialNumber, or [0] SubjectKeyIdentifier. */
function signerMatcher(sid: Tlv): (certificate: Certificate) => boolean {
  if (sid.tag === 0x80) return (certificate) => certificate.subjectKeyIdentifier !== undefined && bytesEqual(certificate.subjectKeyIdentifier, sid.value);
  const [issuer, serial] = derChildren(sid, DER.SEQUENCE, 'IssuerAndSerialNumber');
  if (issuer === undefined || serial === undefined) throw new LdsError('EF.SOD', 'IssuerAndSerialNumber lacks its parts');
  const issuerBytes = sid.value.subarray(issuer.start, issuer.end);
  const serialBytes = expectTag(serial, DER.INTEGER, 'serial number').value;
  return (certificate) => bytesEqual(certificate.issuer, issuerBytes) && bytesEqual(certificate.serialNumber, serialBytes);
}

/** RFC 5652 versions are 1, 3, 4 or 5 (SignedData) and 1 or 3 (SignerInfo); anything but a small INTEGER is malformed. */
function cmsVersion(element: Tlv, what: string): number {
  const version = decodeSmallInteger(expectTag(element, DER.INTEGER, what).value, what);
  if (version < 1 || version > 5) throw new LdsError('EF.SOD', `${what} ${version}`);
  return version;
}

function oidOf(element: Tlv, what: string): string {
  return decodeOid(expectTag(element, DER.OBJECT_IDENTIFIER, what).value);
}
