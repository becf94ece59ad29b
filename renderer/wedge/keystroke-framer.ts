import type { WedgeSettings } from '../../domain/contract/kiosk-api.js';

export interface FramedScan {
  readonly text: string;
  /** The burst exceeded `maxLength` and was cut. */
  readonly overflow: boolean;
  /** Time of the suffix key (ms, the caller's clock). */
  readonly endedAt: number;
  /**
   * Characters of a scanner-rhythm burst that stopped without its suffix just before this one
   * began: the scanner paused mid-code (a USB hiccup, a busy page) and the framer cut one code in
   * two, so `text` is its tail. Absent: nothing was cut before it.
   */
  readonly startLost?: number;
}

/**
 * How soon after a burst cut without its suffix the next burst counts as its tail. A scanner
 * sends a whole code within tens of milliseconds; a second code from a person takes seconds
 * (take the card away, bring the next one). A pause longer than this is two codes.
 */
export const SPLIT_TAIL_WITHIN_MS = 1000;

/**
 * Frames keyboard-wedge keystrokes into scans, as a pure transform of (key, time).
 * A scanner "types" a whole code a few milliseconds per key and ends it with a
 * suffix key; a person types far slower. So a key that comes more than
 * `maxInterKeyMs` after the previous one starts a new burst, and only a burst of at
 * least `minLength` keys ended by the suffix within the same rhythm is a scan.
 */
export class KeystrokeFramer {
  private chars: string[] = [];
  private overflow = false;
  private lastKeyAt: number | null = null;
  private firstKeyAt: number | null = null;
  /** The last burst in scanner rhythm that ended without its suffix: how long, and its last key. */
  private cut: { readonly chars: number; readonly lastKeyAt: number } | null = null;

  constructor(
    private readonly settings: WedgeSettings,
    private readonly onScan: (scan: FramedScan) => void,
  ) {}

  /** One printable character (a single code point) arrived at `atMs`. */
  character(char: string, atMs: number): void {
    if (this.lastKeyAt !== null && atMs - this.lastKeyAt > this.settings.maxInterKeyMs) {
      // A burst a scanner typed (as long as a scan, no person types that fast) left without its
      // suffix: remembered, so a tail that follows at once is not judged as a whole code.
      if (this.chars.length >= this.settings.minLength) this.cut = { chars: this.chars.length, lastKeyAt: this.lastKeyAt };
      this.reset();
    }
    this.firstKeyAt ??= atMs;
    if (this.chars.length < this.settings.maxLength) this.chars.push(char);
    else this.overflow = true;
    this.lastKeyAt = atMs;
  }

  /** The suffix key (Enter by default) arrived at `atMs`. */
  suffix(atMs: number): void {
    const inRhythm = this.lastKeyAt !== null && atMs - this.lastKeyAt <= this.settings.maxInterKeyMs;
    const isScan = inRhythm && this.chars.length >= this.settings.minLength;
    const cut = this.cut;
    const tail = cut !== null && this.firstKeyAt !== null && this.firstKeyAt - cut.lastKeyAt <= SPLIT_TAIL_WITHIN_MS;
    const scan: FramedScan | null = isScan
      ? { text: this.chars.join(''), overflow: this.overflow, endedAt: atMs, ...(tail ? { startLost: cut.chars } : {}) }
      : null;
    this.cut = null;
    this.reset();
    if (scan !== null) this.onScan(scan);
  }

  private reset(): void {
    this.chars = [];
    this.overflow = false;
    this.lastKeyAt = null;
    this.firstKeyAt = null;
  }
}
