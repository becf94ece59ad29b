import type { ChipAccessKey } from '../../domain/chip/chip-access.js';
import type { ChipCrypto } from '../../domain/chip/chip-crypto.js';
import { ChipReadError } from '../../domain/chip/read-chip-errors.js';
import { readChip, type ChipReadProgress, type ChipReadResult } from '../../domain/chip/read-chip.js';
import type { ChipSignatureVerifier } from '../../domain/chip/signature-verifier.js';
import type { Certificate } from '../../domain/chip/x509.js';
import { chipCredential } from '../../domain/credentials/chip-credential.js';
import type { Reason } from '../../domain/text/bilingual.js';
import type { ChipCard } from '../../drivers/chip/chip-card.js';
import { PCSC_DEVICE_ID } from '../../drivers/chip/chip-reader.js';
import { DeviceFault } from '../../drivers/device.js';
import type { ChipReadDecision } from '../core/scan-pipeline.js';
import { facePhotoReason } from '../../domain/chip/face-photo-reasons.js';
import { isDisplayImage, type FacePhotoPort } from './face-photo.js';

/** One whole read at the gate may take this long (a real 20–30 KB photo takes 2–6 s over the air). */
export const DEFAULT_CHIP_READ_TIMEOUT_MS = 20_000;

export interface BoundedChipReadOptions {
  readonly card: ChipCard;
  readonly key: ChipAccessKey;
  /** The person the key came from (the card QR just scanned), for the entry of a read that fails. */
  readonly personId?: string;
  readonly timeoutMs: number;
  readonly crypto: ChipCrypto;
  readonly verifier: ChipSignatureVerifier;
  readonly trustedCscas: readonly Certificate[];
  /** The kiosk clock, epoch ms: the document signer must be valid then. */
  readonly scanTime: number;
  /** A monotonic clock in ms, for the step timings. */
  readonly clock: () => number;
  readonly facePhoto: FacePhotoPort;
  readonly onProgress: (progress: ChipReadProgress) => void;
}

export interface BoundedChipRead {
  /** The decision to commit, as soon as it is known: at the read's end, or at its timeout. */
  readonly decision: Promise<ChipReadDecision>;
  /**
   * Settles once nothing of this read touches the card any more (after a timeout, the command
   * in flight ends within the reader's APDU timeout and no further one is sent): the next read
   * on the same reader waits for it.
   */
  readonly settled: Promise<void>;
  /** What went wrong beyond the card (a bug, a reader fault), for the kiosk's log; undefined for card failures. */
  readonly unexpected: Promise<unknown>;
}

/**
 * Reads the card with `key`, bounded: every command by the reader's APDU timeout, the whole
 * read by `timeoutMs`. Never rejects: a read that fails is a decision too (ok: false, with the
 * reason), so that the gate logs it and shows it like any verdict.
 */
export function boundedChipRead(options: BoundedChipReadOptions): BoundedChipRead {
  let stopped: ChipReadError | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let unexpected: unknown;
  // After a timeout, no command of this read reaches the card: the next card's read owns the reader.
  const transmit = (command: Uint8Array): Promise<Uint8Array> => (stopped === undefined ? options.card.transmit(command) : Promise.reject(stopped));
  const read = readChip({
    transmit,
    crypto: options.crypto,
    verifier: options.verifier,
    trustedCscas: options.trustedCscas,
    scanTime: options.scanTime,
    clock: options.clock,
    key: options.key,
    readPhoto: true,
    onProgress: (progress) => {
      if (stopped === undefined) options.onProgress(progress);
    },
  });
  const settled = read.then(
    () => undefined,
    () => undefined,
  );
  const timedOut = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      stopped = new ChipReadError('chip.timeout', `the read took longer than ${options.timeoutMs} ms`);
      reject(stopped);
    }, options.timeoutMs);
  });
  // The loser of the race below must not surface as an unhandled rejection.
  timedOut.catch(() => undefined);

  const decision = (async (): Promise<ChipReadDecision> => {
    let result: ChipReadResult;
    try {
      result = await Promise.race([read, timedOut]);
    } catch (error) {
      const failure = failureOf(error);
      if (failure.unexpected) unexpected = error;
      return {
        ok: false,
        reason: failure.reason,
        authenticity: failure.authenticity,
        ...(options.personId === undefined ? {} : { personId: options.personId }),
      };
    }
    try {
      const credential = chipCredential(result);
      if (result.photo === undefined) return { ok: true, credential, photoProblem: facePhotoReason('chip.photo.absent') };
      const face = await Promise.race([options.facePhoto(result.photo).catch((): Reason => facePhotoReason('chip.photo.decode-failed')), timedOut]).catch(
        (): Reason => facePhotoReason('chip.photo.decode-failed'),
      );
      return isDisplayImage(face) ? { ok: true, credential, photo: face } : { ok: true, credential, photoProblem: face };
    } finally {
      clearTimeout(timer);
    }
  })().finally(() => clearTimeout(timer));

  return { decision, settled, unexpected: decision.then(() => unexpected) };
}

interface Failure {
  readonly reason: Reason;
  readonly authenticity: 'invalid' | 'none';
  readonly unexpected: boolean;
}

/** A read that ended without a result, as the reason a person reads and the authenticity logged. */
function failureOf(error: unknown): Failure {
  if (error instanceof ChipReadError) {
    // Data that decodes under a valid session MAC but is not what a card holds: untrustworthy, not merely unread.
    return { reason: error.reason, authenticity: error.code === 'chip.unreadable-data' ? 'invalid' : 'none', unexpected: false };
  }
  if (error instanceof DeviceFault) {
    // A card that left the reader, or stopped answering mid-command (how a contactless card leaving the field shows on
    // many readers: an empty answer or none), is the person's doing; a reader or PC/SC failing is not.
    const cardGone = error.deviceId !== PCSC_DEVICE_ID && (error.kind === 'unplugged' || error.kind === 'io');
    const code = cardGone ? 'chip.card-removed' : 'chip.reader-failed';
    return { reason: new ChipReadError(code, error.message).reason, authenticity: 'none', unexpected: !cardGone };
  }
  return { reason: new ChipReadError('chip.read-failed', 'unexpected failure').reason, authenticity: 'none', unexpected: true };
}
