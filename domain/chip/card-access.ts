/**
 * EF.CardAccess (ICAO 9303-11 §9.2.1, file 011C in the master file, readable without access
 * control): a DER SET OF SecurityInfo, each SEQUENCE { protocol OID, requiredData, optionalData }.
 * The PACEInfos among them say which PACE variants the chip runs:
 *
 *   PACEInfo ::= SEQUENCE { protocol OID, version INTEGER (2), parameterId INTEGER OPTIONAL }
 *
 * This terminal runs PACE with ECDH and generic mapping on the standardized curves (ids 8–18).
 * Every other PACEInfo (DH, integrated mapping, chip authentication mapping, proprietary or
 * explicit domain parameters) is kept as refused with a reason, so a chip that offers nothing
 * usable leads to BAC with the reason logged instead of a silent failure. SecurityInfos of
 * other protocols (chip authentication, terminal authentication…) are not PACE and are skipped.
 */
import { decodeOid, decodeSmallInteger, DER, derChildren, expectTag, readDerElement } from './der.js';
import type { PrimeCurve } from './ec/curve.js';
import { curveOfParameterId } from './ec/standard-curves.js';
import type { ChipCipher } from './kdf.js';
import { TlvError } from './tlv.js';

export class CardAccessError extends Error {
  override readonly name = 'CardAccessError';
}

/** id-PACE (BSI TR-03110 / ICAO 9303-11 §9.2.1): bsi-de protocols(2) smartcard(2) 4. */
export const ID_PACE = '0.4.0.127.0.7.2.2.4';

/** The mapping and key agreement each id-PACE sub-arc names. */
const PACE_FAMILIES: Readonly<Record<string, { agreement: 'DH' | 'ECDH'; mapping: 'GM' | 'IM' | 'CAM' }>> = {
  '1': { agreement: 'DH', mapping: 'GM' },
  '2': { agreement: 'ECDH', mapping: 'GM' },
  '3': { agreement: 'DH', mapping: 'IM' },
  '4': { agreement: 'ECDH', mapping: 'IM' },
  '6': { agreement: 'ECDH', mapping: 'CAM' },
};

/** The last arc: the cipher and MAC of the secure messaging the protocol sets up. */
const PACE_CIPHERS: Readonly<Record<string, ChipCipher>> = { '1': '3DES', '2': 'AES-128', '3': 'AES-192', '4': 'AES-256' };

/** A PACE variant this terminal runs: ECDH, generic mapping, a standardized curve. */
export interface PaceOffer {
  /** The protocol OID, dotted, e.g. "0.4.0.127.0.7.2.2.4.2.2" (id-PACE-ECDH-GM-AES-CBC-CMAC-128). */
  readonly oid: string;
  readonly cipher: ChipCipher;
  readonly parameterId: number;
  readonly curve: PrimeCurve;
}

export type PaceRefusalReason =
  | 'dh-not-supported'
  | 'integrated-mapping-not-supported'
  | 'chip-authentication-mapping-not-supported'
  | 'unknown-pace-protocol'
  | 'unsupported-version'
  | 'missing-parameter-id'
  | 'unsupported-parameter-id';

/** A PACEInfo the chip offers and this terminal does not run, and why (English, for logs). */
export interface RefusedPaceInfo {
  readonly oid: string;
  readonly parameterId: number | undefined;
  readonly reason: PaceRefusalReason;
  readonly detail: string;
}

export interface CardAccess {
  /** Usable offers, in the file's order. */
  readonly offers: readonly PaceOffer[];
  readonly refused: readonly RefusedPaceInfo[];
  /**
   * More than one set of domain parameters among the chip's PACEInfos: MSE:Set AT must then
   * name the one chosen (DO 84), as ICAO 9303-11 §4.4.4.1 requires.
   */
  readonly ambiguousDomainParameters: boolean;
}

/** Parse EF.CardAccess; CardAccessError when the file is not a well-formed SecurityInfos. */
export function parseCardAccess(file: Uint8Array): CardAccess {
  try {
    return parseSecurityInfos(file);
  } catch (error) {
    if (error instanceof CardAccessError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    throw new CardAccessError(`EF.CardAccess is malformed: ${message}`);
  }
}

function parseSecurityInfos(file: Uint8Array): CardAccess {
  const infos = derChildren(readDerElement(file, 'EF.CardAccess'), DER.SET, 'SecurityInfos');
  const offers: PaceOffer[] = [];
  const refused: RefusedPaceInfo[] = [];
  const parameterIds = new Set<number | undefined>();
  for (const info of infos) {
    const [protocol, ...data] = derChildren(info, DER.SEQUENCE, 'SecurityInfo');
    if (protocol === undefined) throw new TlvError('SecurityInfo without a protocol');
    const oid = decodeOid(expectTag(protocol, DER.OBJECT_IDENTIFIER, 'SecurityInfo protocol').value);
    const arcs = oid.startsWith(`${ID_PACE}.`) ? oid.slice(ID_PACE.length + 1).split('.') : [];
    // id-PACE.x.y is a PACEInfo; id-PACE.x alone is a PACEDomainParameterInfo (explicit
    // parameters), which only proprietary parameter ids refer to: those are refused below.
    if (arcs.length !== 2) continue;
    const [versionElement, parameterElement] = data;
    if (versionElement === undefined) throw new TlvError(`PACEInfo ${oid} without a version`);
    const version = decodeSmallInteger(expectTag(versionElement, DER.INTEGER, 'PACEInfo version').value, 'PACEInfo version');
    const parameterId =
      parameterElement === undefined
        ? undefined
        : decodeSmallInteger(expectTag(parameterElement, DER.INTEGER, 'PACEInfo parameterId').value, 'PACEInfo parameterId');
    parameterIds.add(parameterId);
    const outcome = judge(oid, arcs as [string, string], version, parameterId);
    if ('reason' in outcome) refused.push(outcome);
    else offers.push(outcome);
  }
  return { offers, refused, ambiguousDomainParameters: parameterIds.size > 1 };
}

function judge(oid: string, [familyArc, cipherArc]: [string, string], version: number, parameterId: number | undefined): PaceOffer | RefusedPaceInfo {
  const refuse = (reason: PaceRefusalReason, detail: string): RefusedPaceInfo => ({ oid, parameterId, reason, detail });
  const family = PACE_FAMILIES[familyArc];
  const cipher = PACE_CIPHERS[cipherArc];
  if (family === undefined || cipher === undefined) return refuse('unknown-pace-protocol', `no PACE protocol is named ${oid}`);
  if (family.agreement === 'DH') return refuse('dh-not-supported', `PACE over finite-field Diffie-Hellman (${oid}) is not supported; only ECDH`);
  if (family.mapping === 'IM') return refuse('integrated-mapping-not-supported', `PACE integrated mapping (${oid}) is not supported; only generic mapping`);
  if (family.mapping === 'CAM') {
    return refuse('chip-authentication-mapping-not-supported', `PACE chip authentication mapping (${oid}) is not supported; only generic mapping`);
  }
  if (version !== 2) return refuse('unsupported-version', `PACEInfo version ${version}; ICAO 9303-11 defines version 2`);
  if (parameterId === undefined) {
    return refuse('missing-parameter-id', 'PACEInfo without a parameterId: explicit domain parameters are not supported');
  }
  const curve = curveOfParameterId(parameterId);
  if (curve === undefined) {
    return refuse('unsupported-parameter-id', `domain parameter id ${parameterId} is not a standardized elliptic curve (ids 8–18)`);
  }
  return { oid, cipher, parameterId, curve };
}

const CIPHER_STRENGTH: Readonly<Record<ChipCipher, number>> = { '3DES': 0, 'AES-128': 1, 'AES-192': 2, 'AES-256': 3 };

/**
 * The offer to run when a chip offers several: the strongest cipher, then the larger curve;
 * among equals the file's order. Undefined when nothing is usable (then BAC).
 */
export function choosePaceOffer(access: CardAccess): PaceOffer | undefined {
  let best: PaceOffer | undefined;
  for (const offer of access.offers) {
    if (best === undefined) best = offer;
    else {
      const byCipher = CIPHER_STRENGTH[offer.cipher] - CIPHER_STRENGTH[best.cipher];
      if (byCipher > 0 || (byCipher === 0 && offer.curve.size > best.curve.size)) best = offer;
    }
  }
  return best;
}
