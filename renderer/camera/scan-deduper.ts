/**
 * A code held in front of the camera is seen in every frame: the same text within
 * `windowMs` of its last sighting is the same scan, not a new entry. Holding the card
 * there keeps it one scan; taking it away for longer than the window lets it scan again.
 */
export class ScanDeduper {
  private lastText: string | undefined;
  private lastSeenAt = Number.NEGATIVE_INFINITY;

  constructor(private readonly windowMs = 3000) {}

  /** Whether `text`, seen at `now` (ms), is a new scan. */
  accept(text: string, now: number): boolean {
    const repeat = text === this.lastText && now - this.lastSeenAt < this.windowMs;
    this.lastText = text;
    this.lastSeenAt = now;
    return !repeat;
  }
}
