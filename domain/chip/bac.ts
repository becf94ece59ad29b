import type { ChipCrypto } from './chip-crypto.js';
import { encodeCommand, parseResponse, requireOk, SW } from './apdu.js';
import type { Transmit } from './apdu.js';
import { bytesEqual, concatBytes, xorBytes } from './bytes.js';
import { deriveKey, KDF_ENC, KDF_MAC } from './kdf.js';
import { retailMac } from './mac.js';
import { bacKeySeed } from './mrz-key.js';
import type { MrzKeyFields } from './mrz-key.js';
import type { SessionKeys } from './secure-messaging.js';

export type BacFailure = 'refused' | 'bad-mac' | 'nonce-mismatch' | 'malformed';

/**
 * BAC did not establish a session. 'refused': the card answered EXTERNAL AUTHENTICATE with an
 * error (most chips say 6300 when the MRZ is wrong); 'bad-mac' / 'nonce-mismatch': the card's
 * answer does not prove it knows the keys or does not answer this challenge; 'malformed':
 * wrong lengths. The status word is there when the card gave one.
 */
export class BacError extends Error {
  override readonly name = 'BacError';
  constructor(
    readonly reason: BacFailure,
    detail: string,
    readonly sw?: number,
  ) {
    super(`BAC ${reason}: ${detail}`);
  }
}

/** Kenc and Kmac of BAC (9303-11 §9.7.2 → §9.7.1 with 3DES): the keys of mutual authentication. */
export interface BacKeys {
  readonly kEnc: Uint8Array;
  readonly kMac: Uint8Array;
}

export function bacKeys(fields: MrzKeyFields, crypto: ChipCrypto): BacKeys {
  const seed = bacKeySeed(fields, crypto);
  return { kEnc: deriveKey(seed, KDF_ENC, '3DES', crypto), kMac: deriveKey(seed, KDF_MAC, '3DES', crypto) };
}

/**
 * Basic Access Control (ICAO 9303-11 §4.3, worked in Appendix D.3): GET CHALLENGE, then
 * EXTERNAL AUTHENTICATE with E.IFD ‖ M.IFD, then the card's E.IC ‖ M.IC checked (MAC first,
 * then both nonces), and the 3DES session keys and SSC derived from K.IFD xor K.IC. Commands
 * are plain: there is no session yet.
 */
export async function performBac(transmit: Transmit, keys: BacKeys, crypto: ChipCrypto): Promise<SessionKeys> {
  const challenge = parseResponse(await transmit(encodeCommand({ cla: 0x00, ins: 0x84, p1: 0x00, p2: 0x00, le: 8 })), 'BAC GET CHALLENGE');
  const rndIc = requireOk(challenge, 'BAC GET CHALLENGE');
  if (rndIc.length !== 8) throw new BacError('malformed', `challenge of ${rndIc.length} bytes`);

  const rndIfd = crypto.randomBytes(8);
  const kIfd = crypto.randomBytes(16);
  const eIfd = crypto.tripleDesCbc('encrypt', keys.kEnc, new Uint8Array(8), concatBytes(rndIfd, rndIc, kIfd));
  const mIfd = retailMac(keys.kMac, eIfd, crypto);
  const answer = parseResponse(
    await transmit(encodeCommand({ cla: 0x00, ins: 0x82, p1: 0x00, p2: 0x00, data: concatBytes(eIfd, mIfd), le: 40 })),
    'BAC EXTERNAL AUTHENTICATE',
  );
  if (answer.sw !== SW.OK) throw new BacError('refused', 'the card refused EXTERNAL AUTHENTICATE (wrong MRZ?)', answer.sw);
  if (answer.data.length !== 40) throw new BacError('malformed', `answer of ${answer.data.length} bytes, 40 expected`);

  const eIc = answer.data.subarray(0, 32);
  if (!bytesEqual(retailMac(keys.kMac, eIc, crypto), answer.data.subarray(32))) throw new BacError('bad-mac', 'M.IC does not verify');
  const r = crypto.tripleDesCbc('decrypt', keys.kEnc, new Uint8Array(8), eIc);
  if (!bytesEqual(r.subarray(0, 8), rndIc) || !bytesEqual(r.subarray(8, 16), rndIfd)) {
    throw new BacError('nonce-mismatch', 'the card did not answer this challenge');
  }
  const seed = xorBytes(kIfd, r.subarray(16, 32));
  return {
    cipher: '3DES',
    kEnc: deriveKey(seed, KDF_ENC, '3DES', crypto),
    kMac: deriveKey(seed, KDF_MAC, '3DES', crypto),
    ssc: concatBytes(rndIc.subarray(4, 8), rndIfd.subarray(4, 8)),
  };
}
