import { ChipError, ChipProtocolError, type Transmit } from './apdu.js';
import { BacError, bacKeys, performBac } from './bac.js';
import { CardAccessError, parseCardAccess, type CardAccess, type PaceOffer } from './card-access.js';
import type { ChipCrypto } from './chip-crypto.js';
import type { ChipReader } from './file-reader.js';
import type { MrzKeyFields } from './mrz-key.js';
import { PaceError } from './pace-messages.js';
import { performPace, type PacePassword } from './pace.js';
import { ChipReadError } from './read-chip-errors.js';
import type { SessionKeys } from './secure-messaging.js';

/**
 * What the person at the gate can give to unlock the chip: the 6-digit card access number
 * printed on the card (PACE only), and/or MRZ keys (PACE with the MRZ, or BAC).
 *
 * `mrzCandidates` is a list because a Vietnamese card's expiry is often not known before the
 * chip is read: it follows the holder's age (the card is renewed at 25, 40 and 60; one issued
 * after 60 never expires), so a kiosk that knows the ID number and birth date from the printed
 * QR can only propose the few expiry dates the rule allows. They are tried in order; each
 * wrong one costs one refused handshake, which the card answers at once.
 */
export interface ChipAccessKey {
  readonly can?: string;
  readonly mrzCandidates?: readonly MrzKeyFields[];
}

/** How the session was opened: PACE with the CAN, PACE with the MRZ, or BAC. */
export type AccessPath = 'pace-can' | 'pace-mrz' | 'bac';

export interface OpenedSession {
  readonly path: AccessPath;
  readonly keys: SessionKeys;
  /** The PACE variant that ran. */
  readonly paceOffer?: PaceOffer;
  /** The MRZ key that opened the chip, when one did. */
  readonly mrz?: MrzKeyFields;
}

export interface OpenSessionOptions {
  readonly transmit: Transmit;
  readonly reader: ChipReader;
  readonly crypto: ChipCrypto;
  readonly key: ChipAccessKey;
  /** Run PACE with this standardized domain parameter id (a chip offering several); by default the strongest offer. */
  readonly paceParameterId?: number;
}

/**
 * Reads EF.CardAccess in plain; runs PACE when the chip offers it and a CAN or MRZ key is
 * given; BAC with the MRZ keys when PACE is not offered or the chip cannot run it with this
 * terminal (PaceError.fallBackToBac). A wrong CAN or MRZ is ChipReadError('chip.wrong-key').
 */
export async function openSession(options: OpenSessionOptions): Promise<OpenedSession> {
  const { key } = options;
  const mrzCandidates = key.mrzCandidates ?? [];
  if (key.can === undefined && mrzCandidates.length === 0) throw new ChipReadError('chip.no-key', 'neither a CAN nor an MRZ key was given');
  const cardAccess = await readCardAccess(options.reader);
  if (cardAccess !== undefined && cardAccess.offers.length > 0) {
    const offer = chosenOffer(cardAccess, options.paceParameterId);
    const passwords: PacePassword[] = key.can !== undefined ? [{ kind: 'CAN', can: key.can }] : mrzCandidates.map((mrz) => ({ kind: 'MRZ', mrz }));
    try {
      return await tryPace(options, cardAccess, offer, passwords);
    } catch (error) {
      if (!(error instanceof PaceError && error.fallBackToBac)) throw error;
    }
  } else if (options.paceParameterId !== undefined) {
    throw new ChipReadError('chip.pace-parameter-not-offered', `PACE parameter id ${options.paceParameterId} asked, the chip offers no usable PACE`);
  }
  if (mrzCandidates.length === 0) throw new ChipReadError('chip.needs-mrz', 'the chip offers no PACE this terminal runs, and BAC needs the MRZ');
  return tryBac(options, mrzCandidates);
}

/** EF.CardAccess, or undefined when the chip has none (a BAC-only chip) or it is not a SecurityInfos. */
async function readCardAccess(reader: ChipReader): Promise<CardAccess | undefined> {
  let file: Uint8Array | undefined;
  try {
    file = await reader.readCardAccess();
  } catch (error) {
    // Some chips answer the MF selection or the read with an error instead of 6A82: no PACE on offer then.
    if (error instanceof ChipError || error instanceof ChipProtocolError) return undefined;
    throw error;
  }
  if (file === undefined) return undefined;
  try {
    return parseCardAccess(file);
  } catch (error) {
    if (error instanceof CardAccessError) return undefined;
    throw error;
  }
}

function chosenOffer(cardAccess: CardAccess, parameterId: number | undefined): PaceOffer | undefined {
  if (parameterId === undefined) return undefined;
  const offer = cardAccess.offers.find((candidate) => candidate.parameterId === parameterId);
  if (offer === undefined) {
    const offered = cardAccess.offers.map((candidate) => candidate.parameterId).join(', ');
    throw new ChipReadError('chip.pace-parameter-not-offered', `PACE parameter id ${parameterId} asked, the chip offers ${offered}`);
  }
  return offer;
}

async function tryPace(
  options: OpenSessionOptions,
  cardAccess: CardAccess,
  offer: PaceOffer | undefined,
  passwords: readonly PacePassword[],
): Promise<OpenedSession> {
  for (const password of passwords) {
    try {
      const result = await performPace({ transmit: options.transmit, crypto: options.crypto, cardAccess, password, ...(offer === undefined ? {} : { offer }) });
      return {
        path: password.kind === 'CAN' ? 'pace-can' : 'pace-mrz',
        keys: result.keys,
        paceOffer: result.offer,
        ...(password.kind === 'MRZ' ? { mrz: password.mrz } : {}),
      };
    } catch (error) {
      if (error instanceof PaceError && error.code === 'pace.wrong-password') continue;
      if (error instanceof PaceError && !error.fallBackToBac) throw new ChipReadError('chip.handshake-failed', error.message, { cause: error });
      throw error;
    }
  }
  throw new ChipReadError('chip.wrong-key', `PACE: the chip refused ${passwords.length === 1 ? 'the password' : `all ${passwords.length} passwords`}`);
}

async function tryBac(options: OpenSessionOptions, candidates: readonly MrzKeyFields[]): Promise<OpenedSession> {
  for (const mrz of candidates) {
    try {
      const keys = await performBac(options.transmit, bacKeys(mrz, options.crypto), options.crypto);
      return { path: 'bac', keys, mrz };
    } catch (error) {
      if (error instanceof BacError && error.reason === 'refused') continue;
      if (error instanceof BacError) throw new ChipReadError('chip.handshake-failed', error.message, { cause: error });
      // GET CHALLENGE refused: a chip that does only PACE (or no BAC for this terminal).
      if (error instanceof ChipError) throw new ChipReadError('chip.handshake-failed', `BAC: ${error.message}`, { cause: error });
      throw error;
    }
  }
  throw new ChipReadError('chip.wrong-key', `BAC: the chip refused ${candidates.length === 1 ? 'the MRZ key' : `all ${candidates.length} MRZ keys`}`);
}
