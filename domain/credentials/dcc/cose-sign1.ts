import { CborTag, decodeCbor, type CborMap, type CborValue } from './cbor-decode.js';
import { encodeCbor } from './cbor-encode.js';

/** COSE header labels and tags (RFC 9052, RFC 8392). */
const HEADER_ALG = 1;
const HEADER_KID = 4;
const TAG_COSE_SIGN1 = 18;
const TAG_CWT = 61;

/** A decoded COSE_Sign1 message (RFC 9052 §4.2). */
export interface CoseSign1 {
  /** The protected header exactly as signed (a bstr-wrapped map, possibly empty). */
  readonly protectedBytes: Uint8Array;
  readonly protectedHeader: CborMap;
  readonly unprotectedHeader: CborMap;
  readonly payload: Uint8Array;
  readonly signature: Uint8Array;
  /**
   * COSE algorithm, from the protected header, else from the unprotected one (some issuers
   * put it there; the test data expects that to verify). Harmless unprotected: the trusted
   * key's type fixes what can verify, so changing `alg` cannot make a forgery pass.
   */
  readonly alg?: number;
  /** Key id: from the protected header when there, else from the unprotected one. */
  readonly kid?: Uint8Array;
  readonly envelope: 'tag-18' | 'untagged' | 'cwt-tag-61';
}

export type CoseReadResult = { readonly ok: true; readonly cose: CoseSign1 } | { readonly ok: false; readonly reason: string };

/**
 * Reads a COSE_Sign1 as the DCC specification allows it: tagged 18, untagged, or tag 18
 * inside the CWT tag 61. The whole input must be that one item: bytes after it are not
 * covered by anything and are refused rather than ignored.
 */
export function readCoseSign1(bytes: Uint8Array): CoseReadResult {
  const decoded = decodeCbor(bytes);
  if (!decoded.ok) return { ok: false, reason: `CBOR: ${decoded.error} at byte ${decoded.offset}` };
  let item: CborValue = decoded.value;
  let envelope: CoseSign1['envelope'] = 'untagged';
  if (item instanceof CborTag && item.tag === TAG_CWT) {
    item = item.value;
    envelope = 'cwt-tag-61';
    if (!(item instanceof CborTag) || item.tag !== TAG_COSE_SIGN1) return { ok: false, reason: 'tag 61 must wrap a tag-18 COSE_Sign1' };
  }
  if (item instanceof CborTag) {
    if (item.tag !== TAG_COSE_SIGN1) return { ok: false, reason: `unexpected tag ${item.tag}` };
    item = item.value;
    if (envelope === 'untagged') envelope = 'tag-18';
  }
  if (!Array.isArray(item) || item.length !== 4) return { ok: false, reason: 'COSE_Sign1 must be an array of 4' };
  const [protectedBytes, unprotectedHeader, payload, signature] = item as [CborValue, CborValue, CborValue, CborValue];
  if (!(protectedBytes instanceof Uint8Array)) return { ok: false, reason: 'protected header must be a byte string' };
  if (!(unprotectedHeader instanceof Map)) return { ok: false, reason: 'unprotected header must be a map' };
  // A detached payload (nil) cannot occur in a QR code: the payload is the certificate.
  if (!(payload instanceof Uint8Array)) return { ok: false, reason: 'payload must be a byte string' };
  if (!(signature instanceof Uint8Array)) return { ok: false, reason: 'signature must be a byte string' };
  let protectedHeader: CborMap = new Map();
  if (protectedBytes.length > 0) {
    const header = decodeCbor(protectedBytes);
    if (!header.ok || !(header.value instanceof Map)) return { ok: false, reason: 'protected header is not a CBOR map' };
    protectedHeader = header.value;
  }
  const alg = protectedHeader.has(HEADER_ALG) ? protectedHeader.get(HEADER_ALG) : unprotectedHeader.get(HEADER_ALG);
  const kid = protectedHeader.has(HEADER_KID) ? protectedHeader.get(HEADER_KID) : unprotectedHeader.get(HEADER_KID);
  if (kid !== undefined && !(kid instanceof Uint8Array)) return { ok: false, reason: 'kid must be a byte string' };
  return {
    ok: true,
    cose: {
      protectedBytes,
      protectedHeader,
      unprotectedHeader,
      payload,
      signature,
      ...(typeof alg === 'number' ? { alg } : {}),
      ...(kid === undefined ? {} : { kid }),
      envelope,
    },
  };
}

/** The bytes the signature covers: Sig_structure ["Signature1", protected, external_aad = h'', payload]. */
export function sigStructure(cose: CoseSign1): Uint8Array {
  return encodeCbor(['Signature1', cose.protectedBytes, new Uint8Array(0), cose.payload]);
}
