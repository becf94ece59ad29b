import { readDerElement } from '../der.js';
import { readPublicKeyInfo, type PublicKeyInfo } from '../public-key.js';
import { readTlv } from '../tlv.js';
import { LdsError, parsingFile } from './lds-error.js';

/**
 * DG15 (ICAO 9303-11 §6.1): the Active Authentication public key, 6F { SubjectPublicKeyInfo },
 * kept as its DER for the signature port; an RSA or an EC key.
 */
export interface Dg15 {
  readonly publicKey: PublicKeyInfo & { readonly keyType: 'rsa' | 'ec' };
}

export function parseDg15(bytes: Uint8Array): Dg15 {
  return parsingFile('DG15', () => {
    const outer = readTlv(bytes);
    if (outer.tag !== 0x6f) throw new LdsError('DG15', `starts with tag ${outer.tag.toString(16)}, not 6F`);
    const publicKey = readPublicKeyInfo(readDerElement(outer.value, 'DG15 public key'), outer.value);
    if (publicKey.keyType === 'other') throw new LdsError('DG15', `a key of algorithm ${publicKey.algorithm}, neither RSA nor EC`);
    return { publicKey: { ...publicKey, keyType: publicKey.keyType } };
  });
}
