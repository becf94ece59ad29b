import type { ChipAccessKey } from '../../domain/chip/chip-access.js';

/** How long a key waits for its card: the person puts the card on the reader just after its QR was scanned. */
export const DEFAULT_KEY_TTL_MS = 60_000;

/**
 * How many whole new waits one key gets from reads cut short. A person fumbling the card gets
 * a fresh minute each time; a card that breaks every read while lying on the reader (the
 * driver connects to it again at growing pauses) does not keep its key, and its none verdicts,
 * coming for ever.
 */
export const MAX_KEY_RENEWALS = 3;

/** A key waiting for the card on a lane's reader. Personal data (derived from the ID): memory only. */
export interface PendingChipKey {
  readonly key: ChipAccessKey;
  /** The 12-digit ID the key came from (a card QR), for the entry of a read that fails. */
  readonly personId?: string;
  /** The entry of the card QR that gave the key; 0 for a CAN typed by staff. */
  readonly forEntrySeq: number;
  /** Epoch ms, kiosk clock. */
  readonly untilMs: number;
  /** How many times its wait began afresh (renew). */
  readonly renewals?: number;
}

/**
 * The keys waiting per lane: one per lane (a newer QR or CAN replaces it), forgotten after
 * `ttlMs` (counted again when its card is taken out mid-read) or once a read with it succeeded.
 * `onExpired` says a lane's key is gone by time.
 */
export class PendingChipKeys {
  readonly #keys = new Map<string, { pending: PendingChipKey; timer: ReturnType<typeof setTimeout> }>();

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number,
    private readonly onExpired: (lane: string) => void,
  ) {}

  set(lane: string, key: Omit<PendingChipKey, 'untilMs' | 'renewals'>, renewals = 0): PendingChipKey {
    this.delete(lane);
    const pending: PendingChipKey = { ...key, untilMs: this.now() + this.ttlMs, ...(renewals === 0 ? {} : { renewals }) };
    const timer = setTimeout(() => {
      if (this.#keys.get(lane)?.pending !== pending) return;
      this.#keys.delete(lane);
      this.onExpired(lane);
    }, this.ttlMs);
    timer.unref?.();
    this.#keys.set(lane, { pending, timer });
    return pending;
  }

  /**
   * Gives the lane's key, if it is still `pending`, a whole new wait: its card left the reader
   * mid-read, so the person is at the gate with it now — at most MAX_KEY_RENEWALS times.
   * Returns the renewed key, if any.
   */
  renew(lane: string, pending: PendingChipKey): PendingChipKey | undefined {
    const renewals = pending.renewals ?? 0;
    if (this.#keys.get(lane)?.pending !== pending || renewals >= MAX_KEY_RENEWALS) return undefined;
    const { untilMs: _expired, renewals: _counted, ...key } = pending;
    return this.set(lane, key, renewals + 1);
  }

  get(lane: string): PendingChipKey | undefined {
    return this.#keys.get(lane)?.pending;
  }

  /** Forgets the lane's key if it is still `pending` (a newer one that replaced it stays). */
  consume(lane: string, pending: PendingChipKey): void {
    if (this.#keys.get(lane)?.pending === pending) this.delete(lane);
  }

  delete(lane: string): void {
    const entry = this.#keys.get(lane);
    if (entry === undefined) return;
    clearTimeout(entry.timer);
    this.#keys.delete(lane);
  }

  clear(): void {
    for (const lane of [...this.#keys.keys()]) this.delete(lane);
  }
}
