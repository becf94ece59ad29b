import { bytesEqual } from './bytes.js';
import type { ChipCrypto, ChipHash } from './chip-crypto.js';
import { contextTag, decodeOid, decodeSmallInteger, DER, DerError, derChildren, expectTag, readDerElement } from './der.js';
import { hashOf, readAlgorithmIdentifier, signatureSchemeOf, type AlgorithmIdentifier, type SignatureScheme } from './signature-algorithms.js';
import { UnsupportedKeyError, type ChipSignatureVerifier } from './signature-verifier.js';
import { readTlvs, type Tlv } from './tlv.js';
import { certificatesIn, type Certificate } from './x509.js';

/**
 * CMS SignedData (RFC 5652) as ICAO 9303 uses it: one signer, signed attributes, the
 * signer's certificate inside. EF.SOD (sod.ts) and the CSCA master list
 * (csca-master-list.ts) are both one; this reads the envelope and checks its signature, and
 * each caller reads its own content. Errors are DerError (or TlvError from below): the
 * caller names the file they came from.
 */
export interface SignedData {
  /** The encapsulated content's type and bytes, as signed. */
  readonly contentType: string;
  readonly content: Uint8Array;
  readonly signer: SignerInfo;
  /** Every certificate the SignedData carries. */
  readonly certificates: readonly Certificate[];
  /** The certificate the signer identifier names, when the SignedData carries it. */
  readonly signerCertificate?: Certificate;
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
const ATTRIBUTE_CONTENT_TYPE = '1.2.840.113549.1.9.3';
const ATTRIBUTE_MESSAGE_DIGEST = '1.2.840.113549.1.9.4';

/**
 * A ContentInfo (SEQUENCE { contentType, [0] EXPLICIT content }) holding SignedData, as its
 * whole encoding. `detachedContent` is the content of a detached signature (RFC 5652 §5.2:
 * eContent absent, the signed bytes sent apart, as the EU DCC gateway signs its trust list
 * entries); a SignedData that carries its own eContent keeps it, and the caller compares.
 */
export function parseSignedDataContentInfo(bytes: Uint8Array, detachedContent?: Uint8Array): SignedData {
  const [type, explicit] = derChildren(readDerElement(bytes, 'ContentInfo'), DER.SEQUENCE, 'ContentInfo');
  if (type === undefined || explicit === undefined) throw new DerError('ContentInfo lacks its type or content');
  if (oidOf(type, 'ContentInfo type') !== ID_SIGNED_DATA) throw new DerError('the content is not SignedData');
  const [signedData] = derChildren(explicit, contextTag(0), 'ContentInfo content');
  if (signedData === undefined) throw new DerError('no SignedData');
  return signedDataOf(signedData, detachedContent);
}

function signedDataOf(signedData: Tlv, detachedContent: Uint8Array | undefined): SignedData {
  const parts = derChildren(signedData, DER.SEQUENCE, 'SignedData');
  // version, digestAlgorithms, encapContentInfo, [0] certificates OPTIONAL, [1] crls OPTIONAL, signerInfos
  const [version, digestAlgorithms, encapsulated] = parts;
  const signerInfos = parts[parts.length - 1];
  if (version === undefined || digestAlgorithms === undefined || encapsulated === undefined || signerInfos === undefined || parts.length < 4) {
    throw new DerError('SignedData lacks its parts');
  }
  // Not covered by the signature, but part of the structure: read strictly, not skipped over.
  cmsVersion(version, 'SignedData version');
  derChildren(digestAlgorithms, DER.SET, 'digest algorithms').forEach((algorithm) => readAlgorithmIdentifier(algorithm, 'digest algorithm'));
  const between = parts.slice(3, -1);
  if (between.some((part) => part.tag !== contextTag(0) && part.tag !== contextTag(1)) || between.length > 2)
    throw new DerError('SignedData holds unexpected parts');
  const certificateSet = between.find((part) => part.tag === contextTag(0));
  const certificates = certificateSet === undefined ? [] : certificatesIn(certificateSet);
  const [contentTypeTlv, contentWrapper] = derChildren(encapsulated, DER.SEQUENCE, 'EncapsulatedContentInfo');
  if (contentTypeTlv === undefined) throw new DerError('no encapsulated content type');
  const content = contentWrapper === undefined ? detachedContent : encapsulatedContent(contentWrapper);
  if (content === undefined) throw new DerError('no encapsulated content');
  const signers = derChildren(signerInfos, DER.SET, 'SignerInfos');
  const [signerTlv] = signers;
  // 9303-12 §4.2 (EF.SOD) and §9 (master lists): exactly one signer.
  if (signerTlv === undefined || signers.length !== 1) throw new DerError(`${signers.length} signers where ICAO has one`);
  const { signer, matches } = signerInfoOf(signerTlv);
  const signerCertificate = certificates.find(matches);
  const base = { contentType: oidOf(contentTypeTlv, 'eContentType'), content, signer, certificates };
  return signerCertificate === undefined ? base : { ...base, signerCertificate };
}

function encapsulatedContent(wrapper: Tlv): Uint8Array {
  const [octets] = derChildren(wrapper, contextTag(0), 'eContent');
  if (octets === undefined) throw new DerError('empty eContent');
  return expectTag(octets, DER.OCTET_STRING, 'eContent').value;
}

/**
 * What checking a SignedData's signature found, step by step (RFC 5652 §5.4–5.6), for the
 * caller to map to its own outcome (passive-auth.ts: verified, altered or unverified):
 * - `no-signed-attributes`: no signed attributes, content type or message digest to check (ICAO requires them);
 * - `unsupported`: a digest, signature algorithm or key this implementation lacks;
 * - `content-mismatch`: the content is not of the expected type, or its digest is not the signed one;
 * - `no-signer-certificate`: the certificate the signer names is not inside;
 * - `signature-invalid`: the signature over the attributes does not verify with that certificate's key.
 */
export type SignatureCheck = 'valid' | 'no-signed-attributes' | 'unsupported' | 'content-mismatch' | 'no-signer-certificate' | 'signature-invalid';

export interface SignatureCheckPorts {
  readonly crypto: Pick<ChipCrypto, 'hash'>;
  readonly verifier: ChipSignatureVerifier;
}

export function checkSignedDataSignature(signedData: SignedData, expectedContentType: string, ports: SignatureCheckPorts): SignatureCheck {
  const { signer } = signedData;
  const digest = signer.digest;
  if (signer.signedAttributes.length === 0 || signer.messageDigest === undefined || signer.contentType === undefined) return 'no-signed-attributes';
  if (digest === undefined) return 'unsupported';
  if (signedData.contentType !== expectedContentType || signer.contentType !== signedData.contentType) return 'content-mismatch';
  if (!bytesEqual(ports.crypto.hash(digest, signedData.content), signer.messageDigest)) return 'content-mismatch';
  const certificate = signedData.signerCertificate;
  if (certificate === undefined) return 'no-signer-certificate';
  const scheme = signatureSchemeOf(signer.signatureAlgorithm, digest);
  if (scheme === undefined) return 'unsupported';
  const good = verifies(ports.verifier, certificate.publicKey.der, scheme, signer.signedAttributes, signer.signature);
  if (good === 'unsupported') return 'unsupported';
  return good ? 'valid' : 'signature-invalid';
}

/**
 * Whether `issuer` issued `certificate`: its subject is the certificate's issuer (and its key
 * identifier the certificate's authority key identifier, when both are there — a CA renewed
 * under the same name has a new key), and its key verifies the certificate's signature.
 */
export function issuedBy(issuer: Certificate, certificate: Certificate, verifier: ChipSignatureVerifier): boolean {
  if (!bytesEqual(issuer.subject, certificate.issuer)) return false;
  if (
    issuer.subjectKeyIdentifier !== undefined &&
    certificate.authorityKeyIdentifier !== undefined &&
    !bytesEqual(issuer.subjectKeyIdentifier, certificate.authorityKeyIdentifier)
  )
    return false;
  const scheme = signatureSchemeOf(certificate.signatureAlgorithm);
  return scheme !== undefined && verifies(verifier, issuer.publicKey.der, scheme, certificate.tbs, certificate.signature) === true;
}

function verifies(verifier: ChipSignatureVerifier, key: Uint8Array, scheme: SignatureScheme, data: Uint8Array, signature: Uint8Array): boolean | 'unsupported' {
  try {
    return verifier.verify(key, scheme, data, signature);
  } catch (error) {
    if (error instanceof UnsupportedKeyError) return 'unsupported';
    throw error;
  }
}

function signerInfoOf(element: Tlv): { signer: SignerInfo; matches: (certificate: Certificate) => boolean } {
  const parts = derChildren(element, DER.SEQUENCE, 'SignerInfo');
  // version, sid, digestAlgorithm, [0] signedAttrs OPTIONAL, signatureAlgorithm, signature, [1] unsignedAttrs OPTIONAL
  const [version, sid, digestTlv, ...rest] = parts;
  if (version === undefined || sid === undefined || digestTlv === undefined) throw new DerError('SignerInfo lacks its parts');
  cmsVersion(version, 'SignerInfo version');
  const attributes = rest[0]?.tag === contextTag(0) ? rest.shift() : undefined;
  const [algorithmTlv, signatureTlv, ...after] = rest;
  if (algorithmTlv === undefined || signatureTlv === undefined) throw new DerError('SignerInfo lacks its signature');
  if (after.length > 1 || (after[0] !== undefined && after[0].tag !== contextTag(1))) throw new DerError('SignerInfo holds unexpected parts');
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
    if (type === undefined || values === undefined) throw new DerError('an attribute lacks its type or values');
    const id = oidOf(type, 'attribute type');
    // RFC 5652 §11.1–11.2: each of these appears once, with one value.
    if (seen.has(id)) throw new DerError(`attribute ${id} twice`);
    seen.add(id);
    const members = derChildren(values, DER.SET, 'attribute values');
    const [value] = members;
    if (id === ATTRIBUTE_CONTENT_TYPE || id === ATTRIBUTE_MESSAGE_DIGEST) {
      if (value === undefined || members.length !== 1) throw new DerError(`attribute ${id} with ${members.length} values`);
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
  if (issuer === undefined || serial === undefined) throw new DerError('IssuerAndSerialNumber lacks its parts');
  const issuerBytes = sid.value.subarray(issuer.start, issuer.end);
  const serialBytes = expectTag(serial, DER.INTEGER, 'serial number').value;
  return (certificate) => bytesEqual(certificate.issuer, issuerBytes) && bytesEqual(certificate.serialNumber, serialBytes);
}

/** RFC 5652 versions are 1, 3, 4 or 5 (SignedData) and 1 or 3 (SignerInfo); anything but a small INTEGER is malformed. */
function cmsVersion(element: Tlv, what: string): number {
  const version = decodeSmallInteger(expectTag(element, DER.INTEGER, what).value, what);
  if (version < 1 || version > 5) throw new DerError(`${what} ${version}`);
  return version;
}

function oidOf(element: Tlv, what: string): string {
  return decodeOid(expectTag(element, DER.OBJECT_IDENTIFIER, what).value);
}
