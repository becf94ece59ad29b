import type { Reason } from '../text/bilingual.js';
import { ChipError, encodeCommand, parseResponse, requireOk, type Transmit } from './apdu.js';
import type { ChipCrypto } from './chip-crypto.js';
import { verifyIso9796Scheme1 } from './iso9796-2.js';
import type { Dg14 } from './lds/dg14.js';
import type { Dg15 } from './lds/dg15.js';
import { rsaPublicKey } from './public-key.js';
import { UnsupportedKeyError, type ChipSignatureVerifier } from './signature-verifier.js';

/**
 * Active Authentication (ICAO 9303-11 §6.1): is this the chip the data was signed for, or a
 * copy? Passive authentication proves the data is the issuer's, but data can be copied; the
 * chip's private key (whose public half is DG15, itself covered by EF.SOD) cannot be read out.
 * The terminal sends a fresh 8-byte challenge in INTERNAL AUTHENTICATE and checks the chip's
 * signature: RSA with ISO/IEC 9796-2 scheme 1, or ECDSA (plain r ‖ s) with the hash DG14's
 * ActiveAuthenticationInfo names. A fresh challenge each time is what makes a recorded answer
 * worthless. DG15 and DG14 must have passed passive authentication first.
 */
export type ActiveAuthOutcome = 'chip-genuine' | 'chip-not-genuine' | 'chip-aa-unsupported';

export interface ActiveAuthResult {
  readonly outcome: ActiveAuthOutcome;
  readonly reason: Reason;
}

export const AA_CHALLENGE_LENGTH = 8;

const REASONS = {
  'chip.aa.genuine': { vi: 'Chip thật: chip đã chứng minh giữ khóa riêng của thẻ', en: 'Genuine chip: it proved it holds the card’s private key' },
  'chip.aa.signature-invalid': {
    vi: 'Chip không chứng minh được là chip thật — có thể là bản sao',
    en: 'The chip did not prove it is genuine — it may be a copy',
  },
  'chip.aa.no-answer': { vi: 'Chip từ chối xác thực chủ động — có thể là bản sao', en: 'The chip refused active authentication — it may be a copy' },
  'chip.aa.unsupported': { vi: 'Không kiểm tra được chip thật: thuật toán chưa hỗ trợ', en: 'Chip authenticity cannot be checked: algorithm not supported' },
} as const;

/** INTERNAL AUTHENTICATE: 00 88 00 00, Lc 08, the challenge, Le 00 (the signature's length is the chip's). */
export async function internalAuthenticate(transmit: Transmit, challenge: Uint8Array): Promise<Uint8Array> {
  if (challenge.length !== AA_CHALLENGE_LENGTH)
    throw new RangeError(`an Active Authentication challenge is ${AA_CHALLENGE_LENGTH} bytes, not ${challenge.length}`);
  const command = encodeCommand({ cla: 0x00, ins: 0x88, p1: 0x00, p2: 0x00, data: challenge, le: 256 });
  return requireOk(parseResponse(await transmit(command), 'INTERNAL AUTHENTICATE'), 'INTERNAL AUTHENTICATE');
}

export interface ActiveAuthPorts {
  readonly crypto: Pick<ChipCrypto, 'hash' | 'randomBytes'>;
  readonly verifier: ChipSignatureVerifier;
}

/** Sends a fresh challenge (over `transmit`, secure messaging included) and checks the answer. */
export async function activeAuthenticate(transmit: Transmit, dg15: Dg15, dg14: Dg14 | undefined, ports: ActiveAuthPorts): Promise<ActiveAuthResult> {
  const challenge = ports.crypto.randomBytes(AA_CHALLENGE_LENGTH);
  let answer: Uint8Array;
  try {
    answer = await internalAuthenticate(transmit, challenge);
  } catch (error) {
    if (error instanceof ChipError) return result('chip-not-genuine', 'chip.aa.no-answer');
    throw error;
  }
  return verifyActiveAuthentication(dg15, dg14, challenge, answer, ports);
}

/** Whether `answer` is the chip's signature over `challenge` with the DG15 key. */
export function verifyActiveAuthentication(
  dg15: Dg15,
  dg14: Dg14 | undefined,
  challenge: Uint8Array,
  answer: Uint8Array,
  ports: Pick<ActiveAuthPorts, 'crypto' | 'verifier'>,
): ActiveAuthResult {
  const key = dg15.publicKey;
  if (key.keyType === 'rsa') {
    const good = verifyIso9796Scheme1(rsaPublicKey(key), answer, challenge, ports.crypto);
    return good ? result('chip-genuine', 'chip.aa.genuine') : result('chip-not-genuine', 'chip.aa.signature-invalid');
  }
  // 9303-11 §6.1: for ECDSA the hash comes from DG14's ActiveAuthenticationInfo; without it there is nothing to check against.
  const hash = dg14?.activeAuthentication?.hash;
  if (hash === undefined) return result('chip-aa-unsupported', 'chip.aa.unsupported');
  try {
    const good = ports.verifier.verify(key.der, { kind: 'ecdsa', hash, encoding: 'plain' }, challenge, answer);
    return good ? result('chip-genuine', 'chip.aa.genuine') : result('chip-not-genuine', 'chip.aa.signature-invalid');
  } catch (error) {
    if (error instanceof UnsupportedKeyError) return result('chip-aa-unsupported', 'chip.aa.unsupported');
    throw error;
  }
}

function result(outcome: ActiveAuthOutcome, code: keyof typeof REASONS): ActiveAuthResult {
  return { outcome, reason: { code, ...REASONS[code] } };
}
