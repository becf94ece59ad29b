import type { ChipHash } from '../chip-crypto.js';
import { decodeOid, decodeSmallInteger, DER, derChildren, expectTag, readDerElement } from '../der.js';
import { readPublicKeyInfo, type PublicKeyInfo } from '../public-key.js';
import { ECDSA_WITH } from '../signature-algorithms.js';
import { readTlv, type Tlv } from '../tlv.js';
import { LdsError, parsingFile } from './lds-error.js';

/**
 * DG14 (ICAO 9303-11 §9.2): SecurityInfos, a SET of SEQUENCE { protocol OID, required data,
 * optional data }. Read here: Active Authentication's signature algorithm (which hash an ECDSA
 * answer uses), and Chip Authentication's protocols and public keys. Other infos (PACE,
 * Terminal Authentication, ones not yet defined) are kept by their protocol only.
 */
export interface Dg14 {
  readonly activeAuthentication?: ActiveAuthenticationInfo;
  readonly chipAuthentication: readonly ChipAuthenticationInfo[];
  readonly chipAuthenticationKeys: readonly ChipAuthenticationPublicKey[];
  /** Protocols of the other SecurityInfos, as dotted OIDs. */
  readonly otherProtocols: readonly string[];
}

export interface ActiveAuthenticationInfo {
  readonly version: number;
  /** The ECDSA signature algorithm, e.g. 1.2.840.10045.4.3.2 (ecdsa-with-SHA256). */
  readonly signatureAlgorithm: string;
  /** Its hash, when it is an ECDSA algorithm this code knows. */
  readonly hash?: ChipHash;
}

export interface ChipAuthenticationInfo {
  readonly protocol: string;
  readonly keyAgreement: 'DH' | 'ECDH';
  readonly cipher: '3DES' | 'AES-128' | 'AES-192' | 'AES-256';
  readonly version: number;
  readonly keyId?: number;
}

export interface ChipAuthenticationPublicKey {
  readonly protocol: string;
  readonly keyAgreement: 'DH' | 'ECDH';
  readonly publicKey: PublicKeyInfo;
  readonly keyId?: number;
}

export const ID_ACTIVE_AUTHENTICATION = '2.23.136.1.1.5';
const ID_CA = '0.4.0.127.0.7.2.2.3';
const ID_PK = '0.4.0.127.0.7.2.2.1';
const KEY_AGREEMENTS: Readonly<Record<string, ChipAuthenticationInfo['keyAgreement']>> = { '1': 'DH', '2': 'ECDH' };
const CIPHERS: Readonly<Record<string, ChipAuthenticationInfo['cipher']>> = { '1': '3DES', '2': 'AES-128', '3': 'AES-192', '4': 'AES-256' };

export function parseDg14(bytes: Uint8Array): Dg14 {
  return parsingFile('DG14', () => {
    const outer = readTlv(bytes);
    if (outer.tag !== 0x6e) throw new LdsError('DG14', `starts with tag ${outer.tag.toString(16)}, not 6E`);
    let activeAuthentication: ActiveAuthenticationInfo | undefined;
    const chipAuthentication: ChipAuthenticationInfo[] = [];
    const chipAuthenticationKeys: ChipAuthenticationPublicKey[] = [];
    const otherProtocols: string[] = [];
    for (const info of derChildren(readDerElement(outer.value, 'DG14'), DER.SET, 'DG14 SecurityInfos')) {
      const [oid, required, optional] = derChildren(info, DER.SEQUENCE, 'DG14 SecurityInfo');
      if (oid === undefined || required === undefined) throw new LdsError('DG14', 'a SecurityInfo without its protocol or data');
      const protocol = decodeOid(expectTag(oid, DER.OBJECT_IDENTIFIER, 'DG14 protocol').value);
      const ca = chipAuthenticationProtocol(protocol);
      const pkAgreement = protocol.startsWith(`${ID_PK}.`) ? KEY_AGREEMENTS[protocol.slice(ID_PK.length + 1)] : undefined;
      if (protocol === ID_ACTIVE_AUTHENTICATION) {
        if (activeAuthentication !== undefined) throw new LdsError('DG14', 'two ActiveAuthenticationInfos');
        activeAuthentication = activeAuthenticationInfo(required, optional);
      } else if (ca !== undefined) {
        const keyId = optional === undefined ? undefined : integer(optional, 'keyId');
        const base = { protocol, ...ca, version: integer(required, 'version') };
        chipAuthentication.push(keyId === undefined ? base : { ...base, keyId });
      } else if (pkAgreement !== undefined) {
        const keyId = optional === undefined ? undefined : integer(optional, 'keyId');
        const base = { protocol, keyAgreement: pkAgreement, publicKey: readPublicKeyInfo(required, info.value) };
        chipAuthenticationKeys.push(keyId === undefined ? base : { ...base, keyId });
      } else otherProtocols.push(protocol);
    }
    const result = { chipAuthentication, chipAuthenticationKeys, otherProtocols };
    return activeAuthentication === undefined ? result : { ...result, activeAuthentication };
  });
}

function activeAuthenticationInfo(version: Tlv, algorithm: Tlv | undefined): ActiveAuthenticationInfo {
  if (algorithm === undefined) throw new LdsError('DG14', 'ActiveAuthenticationInfo without its signature algorithm');
  const signatureAlgorithm = decodeOid(expectTag(algorithm, DER.OBJECT_IDENTIFIER, 'AA signature algorithm').value);
  const hash = ECDSA_WITH[signatureAlgorithm];
  const info = { version: integer(version, 'version'), signatureAlgorithm };
  return hash === undefined ? info : { ...info, hash };
}

/** id-CA-ECDH-AES-CBC-CMAC-128 = 0.4.0.127.0.7.2.2.3.2.2: key agreement ECDH (2), cipher AES-128 (2). */
function chipAuthenticationProtocol(protocol: string): Pick<ChipAuthenticationInfo, 'keyAgreement' | 'cipher'> | undefined {
  if (!protocol.startsWith(`${ID_CA}.`)) return undefined;
  const [agreement, cipher, ...rest] = protocol.slice(ID_CA.length + 1).split('.');
  const keyAgreement = KEY_AGREEMENTS[agreement ?? ''];
  const cipherName = CIPHERS[cipher ?? ''];
  return keyAgreement === undefined || cipherName === undefined || rest.length > 0 ? undefined : { keyAgreement, cipher: cipherName };
}

function integer(element: Tlv, what: string): number {
  return decodeSmallInteger(expectTag(element, DER.INTEGER, `DG14 ${what}`).value, `DG14 ${what}`);
}
