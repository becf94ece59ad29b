import type { WedgeSettings } from '../../domain/contract/kiosk-api.js';

export interface FramedScan {
  readonly text: string;
  /** The burst exceeded `maxLength` and was cut. */
  readonly overflow: boolean;
  /** Time of the suffix key (ms, the caller's clock). */
  readonly endedAt: number;
}

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

  constructor(
    private readonly settings: WedgeSettings,
    private readonly onScan: (scan: FramedScan) => void,
  ) {}

  /** One printable character (a single code point) arrived at `atMs`. */
  character(char: string, atMs: number): void {
    if (this.lastKeyAt !== null && atMs - this.lastKeyAt > this.settings.maxInterKeyMs) this.reset();
    if (this.chars.length < this.settings.maxLength) this.chars.push(char);
    else this.overflow = true;
    this.lastKeyAt = atMs;
  }

  /** The suffix key (Enter by default) arrived at `atMs`. */
  suffix(atMs: number): void {
    const inRhythm = this.lastKeyAt !== null && atMs - this.lastKeyAt <= this.settings.maxInterKeyMs;
    const isScan = inRhythm && this.chars.length >= this.settings.minLength;
    const scan = isScan ? { text: this.chars.join(''), overflow: this.overflow, endedAt: atMs } : null;
    this.reset();
    if (scan !== null) this.onScan(scan);
  }

  private reset(): void {
    this.chars = [];
    this.overflow = false;
    this.lastKeyAt = null;
  }
}
