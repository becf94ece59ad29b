import { backoffWindow, type BackoffWindow } from '../../platform/backoff.js';
import type { ConnectedChipCard } from './chip-card.js';

/**
 * One reader as the chip reader handle keeps it: the card connected in it (or being
 * connected), and what it knows of the card lying there between pcscd's listings — whether
 * that card failed a command and when to try it again, and the event count it was last
 * listed with, by which a card taken out and put back unseen is told apart.
 */
export class ReaderSlot {
  card: ConnectedChipCard | undefined = undefined;
  /** Set while connecting to a card just inserted; cleared by its removal, which cancels that connection. */
  connecting: object | undefined = undefined;
  /** The card in it failed a command: not connected again until the reader has been seen empty (or the card swapped). */
  #broken = false;
  /**
   * pcsc-lite's event counter at the last listing that showed a card here, while no removal
   * was heard since: a later listing with a card and another count means the card was taken
   * out and put back unseen (RESYNC_INTERVAL_MS).
   */
  #seenWithCard: number | undefined;
  /** While broken: when to connect to the card listed here again, epoch ms. */
  #retryAt: number | undefined;
  /** How many times a card in this reader broke since the reader was last seen empty. */
  #breaks = 0;

  /** `retry`: the pause before a broken card is connected again, doubling while it keeps failing (BROKEN_CARD_RETRY). */
  constructor(private readonly retry: BackoffWindow) {}

  /** Whether a card listed here may be connected now: none is, none is being, and the one there has not failed. */
  get mayConnect(): boolean {
    return this.card === undefined && this.connecting === undefined && !this.#broken;
  }

  /** The connected card failed a command at `nowMs`: it counts as removed, and is tried again after the retry pause. */
  broke(nowMs: number): void {
    this.card = undefined;
    this.#broken = true;
    this.#retryAt = nowMs + backoffWindow(this.#breaks, this.retry);
    this.#breaks += 1;
  }

  /** A listing at `nowMs` still shows the card: one that failed may be connected again once its pause is over. */
  retryIfDue(nowMs: number): void {
    if (this.#broken && (this.#retryAt ?? 0) <= nowMs) this.#broken = false;
  }

  /** A listing showed a card here, with pcsc-lite's event count. */
  listedWithCard(eventCount: number | undefined): void {
    this.#seenWithCard = eventCount;
  }

  /**
   * Whether a listing that shows a card with event count `now` follows one that showed a card
   * with another count, with no removal heard in between: the card was taken out and put back
   * while the monitor missed both edges (seen with vsmartcard under load). Only a card that the
   * slot holds or has given up on counts: one being connected now is the insertion itself.
   */
  swappedUnseen(now: number | undefined): boolean {
    if (now === undefined || this.#seenWithCard === undefined || this.#seenWithCard === now) return false;
    return this.card !== undefined || this.#broken;
  }

  /** The reader was seen empty: all it knew of the card there is forgotten; the card that was connected, if any, is handed back. */
  emptied(): ConnectedChipCard | undefined {
    this.connecting = undefined;
    this.#broken = false;
    this.#seenWithCard = undefined;
    this.#retryAt = undefined;
    this.#breaks = 0;
    const card = this.card;
    this.card = undefined;
    return card;
  }
}
