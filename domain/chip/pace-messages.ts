/**
 * The commands and answers of PACE (ICAO 9303-11 §4.4.4): MSE:Set AT, then four GENERAL
 * AUTHENTICATE steps whose data are dynamic authentication data (tag 7C) holding one object
 * each way. And PaceError, the one error PACE raises, with a code the caller acts on.
 */
import { concatBytes } from './bytes.js';
import { describeStatus, encodeCommand, parseResponse, SW, type Transmit } from './apdu.js';
import { encodeOid } from './der.js';
import { readTlv, readTlvs, TlvError, encodeTlv } from './tlv.js';

export type PaceErrorCode =
  /** The card answered the last step with 63xx: the MRZ or CAN does not match this card. */
  | 'pace.wrong-password'
  /** The card refused MSE:Set AT (6A80, 6A88, or does not know the command): run BAC instead. */
  | 'pace.not-supported-by-card'
  /** EF.CardAccess offers no PACE variant this terminal runs: run BAC instead. */
  | 'pace.no-usable-offer'
  /** The card answered a step with another status word. */
  | 'pace.card-error'
  /** The card's data are malformed or cryptographically invalid (bad point, same key as ours). */
  | 'pace.invalid-card-data'
  /** The card's authentication token does not verify: not the card we talk to, or tampering. */
  | 'pace.card-token-invalid';

const FALL_BACK_TO_BAC: ReadonlySet<PaceErrorCode> = new Set(['pace.not-supported-by-card', 'pace.no-usable-offer']);

export class PaceError extends Error {
  override readonly name = 'PaceError';
  /** True when the chip cannot do PACE with this terminal: BAC (where the chip allows it) is the next step. */
  readonly fallBackToBac: boolean;
  constructor(
    readonly code: PaceErrorCode,
    detail: string,
    /** The status word when the card answered with one. */
    readonly sw?: number,
  ) {
    super(`${code}: ${detail}`);
    this.fallBackToBac = FALL_BACK_TO_BAC.has(code);
  }
}

/** Password references of MSE:Set AT DO 83 (ICAO 9303-11 §4.4.4.1). */
export const PASSWORD_REFERENCE = { MRZ: 0x01, CAN: 0x02 } as const;

/** MSE:Set AT for mutual authentication: 00 22 C1 A4 { 80 OID, 83 password, [84 parameter id] }. */
export function mseSetAtCommand(oid: string, passwordReference: number, parameterId: number | undefined): Uint8Array {
  const data = [encodeTlv(0x80, encodeOid(oid)), encodeTlv(0x83, Uint8Array.of(passwordReference))];
  if (parameterId !== undefined) data.push(encodeTlv(0x84, Uint8Array.of(parameterId)));
  return encodeCommand({ cla: 0x00, ins: 0x22, p1: 0xc1, p2: 0xa4, data: concatBytes(...data) });
}

/** GENERAL AUTHENTICATE with 7C { object }; every step but the last is chained (CLA 10). */
export function generalAuthenticateCommand(object: Uint8Array, last: boolean): Uint8Array {
  return encodeCommand({ cla: last ? 0x00 : 0x10, ins: 0x86, p1: 0x00, p2: 0x00, data: encodeTlv(0x7c, object), le: 256 });
}

/** Send MSE:Set AT; a refusal that means "no PACE like this here" becomes the BAC fallback. */
export async function setAuthenticationTemplate(transmit: Transmit, command: Uint8Array): Promise<void> {
  const { sw } = parseResponse(await transmit(command), 'PACE MSE:Set AT');
  if (sw === SW.OK) return;
  if (sw === SW.INCORRECT_DATA || sw === SW.REFERENCED_DATA_NOT_FOUND || sw === SW.INS_NOT_SUPPORTED || sw === SW.CLA_NOT_SUPPORTED) {
    throw new PaceError('pace.not-supported-by-card', `MSE:Set AT refused: ${describeStatus(sw)}`, sw);
  }
  throw new PaceError('pace.card-error', `MSE:Set AT: ${describeStatus(sw)}`, sw);
}

/**
 * Send one GENERAL AUTHENTICATE step and return the value of the object with `expectedTag`
 * inside the card's 7C. 63xx at the last step is the wrong-password answer.
 */
export async function authenticateStep(transmit: Transmit, step: number, object: Uint8Array, expectedTag: number): Promise<Uint8Array> {
  const last = step === 4;
  const { data, sw } = parseResponse(await transmit(generalAuthenticateCommand(object, last)), `PACE step ${step}`);
  if (sw !== SW.OK) {
    if (last && sw >>> 8 === 0x63) throw new PaceError('pace.wrong-password', `the card refused the terminal's token: ${describeStatus(sw)}`, sw);
    throw new PaceError('pace.card-error', `GENERAL AUTHENTICATE step ${step}: ${describeStatus(sw)}`, sw);
  }
  try {
    const outer = readTlv(data, 0);
    if (outer.tag !== 0x7c || outer.end !== data.length) throw new TlvError('not one dynamic authentication data object (7C)');
    // The card may add objects (CAR references 87/88 at step 4): only the expected one is read.
    const found = readTlvs(outer.value).find((tlv) => tlv.tag === expectedTag);
    if (found === undefined) throw new TlvError(`no object ${expectedTag.toString(16).toUpperCase()} in 7C`);
    return found.value;
  } catch (error) {
    if (!(error instanceof TlvError)) throw error;
    throw new PaceError('pace.invalid-card-data', `GENERAL AUTHENTICATE step ${step}: ${error.message}`);
  }
}

/** The input of an authentication token: 7F49 { 06 protocol OID, 86 the other side's ephemeral point }. */
export function tokenInput(oid: string, encodedPoint: Uint8Array): Uint8Array {
  return encodeTlv(0x7f49, encodeTlv(0x06, encodeOid(oid)), encodeTlv(0x86, encodedPoint));
}
