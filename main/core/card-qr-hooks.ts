import type { ChipCanResult } from '../../domain/contract/chip-reading.js';
import type { Credential } from '../../domain/credentials/credential.js';
import type { Verdict } from '../../domain/verdict/verdict.js';
import { messageOf } from '../../platform/message-of.js';

/** A chip ID card's QR, decided: what the chip station needs for the keys of that card's chip. Personal data: memory only. */
export interface CardQrDecided {
  readonly id12: string;
  /** YYYY-MM-DD. */
  readonly birthDate: string;
  /** YYYY-MM-DD. */
  readonly issueDate: string;
  readonly lane: string;
  readonly entrySeq: number;
}

/** What serves a typed card access number: the chip station. */
export interface ChipCanReceiver {
  enterCan(can: string, lane: string): ChipCanResult;
}

/**
 * The core's listeners for decided card QRs (the chip station's keys). A listener that throws
 * is reported and skipped: a committed verdict is never undone by it.
 */
export class CardQrListeners {
  readonly #listeners = new Set<(decided: CardQrDecided) => void>();

  constructor(private readonly report: (message: string) => void) {}

  add(listener: (decided: CardQrDecided) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** After the verdict is out: a card QR with its 12-digit ID (anything else is no key for a chip). */
  decided(credential: Credential | undefined, verdict: Verdict, lane: string): void {
    if (credential?.kind !== 'cccd-qr' || credential.subject.birthDate === undefined) return;
    const decided: CardQrDecided = {
      id12: credential.identifiers.id12,
      birthDate: credential.subject.birthDate,
      issueDate: credential.issueDate,
      lane,
      entrySeq: verdict.entrySeq,
    };
    for (const listener of [...this.#listeners]) {
      try {
        listener(decided);
      } catch (error) {
        this.report(`a card QR listener failed: ${messageOf(error)}`);
      }
    }
  }
}
