import type { ChipHash } from './chip-crypto.js';
import { parseSignedDataContentInfo, type SignerInfo } from './cms-signed-data.js';
import { decodeSmallInteger, DER, derChildren, expectTag, readDerElement } from './der.js';
import { EF_SOD_TAG } from './lds/data-groups.js';
import { LdsError, parsingFile } from './lds/lds-error.js';
import { hashOf, readAlgorithmIdentifier, type AlgorithmIdentifier } from './signature-algorithms.js';
import { readTlv } from './tlv.js';
import type { Certificate } from './x509.js';

export type { SignerInfo } from './cms-signed-data.js';

/**
 * EF.SOD, the document security object (ICAO 9303-10 §4.6.2, 9303-12 §4.2): tag 77 around a
 * CMS SignedData (RFC 5652, read by cms-signed-data.ts) whose encapsulated content is the
 * LDSSecurityObject — the hash of every data group — signed by the document signer, whose
 * certificate travels inside. This reads it; passive-auth.ts decides what it proves.
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

export const ID_LDS_SECURITY_OBJECT = '2.23.136.1.1.1';
/** A chip holds at most 16 data groups; a few more entries would still be readable, hundreds are not a SOD. */
const MAX_DATA_GROUP_HASHES = 32;

export function parseSod(bytes: Uint8Array): SecurityObject {
  return parsingFile('EF.SOD', () => {
    const outer = readTlv(bytes);
    if (outer.tag !== EF_SOD_TAG) throw new LdsError('EF.SOD', `starts with tag ${outer.tag.toString(16)}, not 77`);
    const signedData = parseSignedDataContentInfo(outer.value);
    const { signerCertificate, ...rest } = signedData;
    const base = { ...ldsSecurityObjectOf(signedData.content), ...rest };
    return signerCertificate === undefined ? base : { ...base, documentSigner: signerCertificate };
  });
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
