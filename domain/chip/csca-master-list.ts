import { checkSignedDataSignature, issuedBy, parseSignedDataContentInfo, type SignatureCheckPorts, type SignedData } from './cms-signed-data.js';
import { decodeSmallInteger, DER, DerError, derChildren, expectTag, readDerElement } from './der.js';
import { readTlvs } from './tlv.js';
import { readCertificate, type Certificate } from './x509.js';

/**
 * An ICAO CSCA master list (ICAO 9303-12 §9, Doc 9303 "Master Lists"): a CMS SignedData whose
 * content, of type id-icao-cscaMasterList (2.23.136.1.1.2), is
 *   CscaMasterList ::= SEQUENCE { version INTEGER (v0), certList SET OF Certificate }
 * signed by a master list signer whose certificate a CSCA issued. States publish theirs
 * (Germany's BSI and the Netherlands' RDW each publish one carrying many states' CSCAs).
 */
export const ID_CSCA_MASTER_LIST = '2.23.136.1.1.2';

/** One entry of the list: its certificate, or why it could not be read — one bad entry does not lose the rest. */
export type MasterListEntry = { readonly ok: true; readonly certificate: Certificate } | { readonly ok: false; readonly index: number; readonly error: string };

export interface CscaMasterList {
  readonly signedData: SignedData;
  readonly version: number;
  readonly entries: readonly MasterListEntry[];
}

/** Reads a master list file (DER). Throws DerError or TlvError when it is not one. */
export function parseCscaMasterList(bytes: Uint8Array): CscaMasterList {
  const signedData = parseSignedDataContentInfo(bytes);
  if (signedData.contentType !== ID_CSCA_MASTER_LIST) throw new DerError(`the signed content is ${signedData.contentType}, not a CSCA master list`);
  const [versionTlv, list, ...rest] = derChildren(readDerElement(signedData.content, 'CscaMasterList'), DER.SEQUENCE, 'CscaMasterList');
  if (versionTlv === undefined || list === undefined || rest.length > 0) throw new DerError('CscaMasterList: not a version and a certificate list');
  const version = decodeSmallInteger(expectTag(versionTlv, DER.INTEGER, 'CscaMasterList version').value, 'CscaMasterList version');
  if (version !== 0) throw new DerError(`CscaMasterList version ${version}`);
  const entries = readTlvs(expectTag(list, DER.SET, 'CscaMasterList certList').value).map((element, index): MasterListEntry => {
    try {
      return { ok: true, certificate: readCertificate(element, list.value) };
    } catch (error) {
      return { ok: false, index, error: error instanceof Error ? error.message : String(error) };
    }
  });
  return { signedData, version, entries };
}

/**
 * Whether the list's own signature holds, and who vouches for its signer:
 * - `verified`: the CMS signature verifies with the signer's certificate, which one of
 *   `anchors` issued;
 * - `unchecked`: nothing proven either way — no anchor issued the signer (the usual case
 *   when a list is imported on its own), or an algorithm this implementation lacks;
 * - `invalid`: a proven fault (the content's digest or the signature does not match).
 * `anchors` must not come from the list itself: a list vouching for its own signer proves nothing.
 */
export type MasterListSignature =
  | { readonly outcome: 'verified'; readonly signer: Certificate; readonly anchor: Certificate }
  | { readonly outcome: 'unchecked'; readonly reason: string; readonly signer?: Certificate }
  | { readonly outcome: 'invalid'; readonly reason: string };

export function checkMasterListSignature(list: CscaMasterList, anchors: readonly Certificate[], ports: SignatureCheckPorts): MasterListSignature {
  const check = checkSignedDataSignature(list.signedData, ID_CSCA_MASTER_LIST, ports);
  const signer = list.signedData.signerCertificate;
  switch (check) {
    case 'content-mismatch':
      return { outcome: 'invalid', reason: 'the list does not match its signed digest' };
    case 'signature-invalid':
      return { outcome: 'invalid', reason: "the signature does not verify with the signer's certificate" };
    case 'no-signed-attributes':
      return { outcome: 'unchecked', reason: 'the list has no signed attributes to check' };
    case 'no-signer-certificate':
      return { outcome: 'unchecked', reason: "the signer's certificate is not inside the list" };
    case 'unsupported':
      return { outcome: 'unchecked', reason: 'the signature uses an algorithm or key this version cannot check', ...(signer === undefined ? {} : { signer }) };
    case 'valid': {
      if (signer === undefined) return { outcome: 'unchecked', reason: "the signer's certificate is not inside the list" };
      const anchor = anchors.find((candidate) => issuedBy(candidate, signer, ports.verifier));
      return anchor === undefined
        ? { outcome: 'unchecked', reason: "no CSCA given beside the list, nor one already published, issued the list's signer", signer }
        : { outcome: 'verified', signer, anchor };
    }
  }
}
