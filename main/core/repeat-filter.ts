import type { Credential } from '../../domain/credentials/credential.js';
import type { ScanSource } from '../../domain/scan/scan-event.js';
import type { Verdict } from '../../domain/verdict/verdict.js';

/** The window of `chot start --repeat-window` when none is given: a card held a moment too long is still one entry. */
export const DEFAULT_REPEAT_WINDOW_MS = 3000;

interface Remembered<T> {
  readonly result: T;
  lastSeenAt: number;
}

/**
 * One read is one entry, whatever the input: a scanner that reads a card twice, a wedge that
 * sends it twice, a camera that sees it in every frame. The same text on the same input
 * within `windowMs` of its last read is a repeat, answered with the first read's result; the
 * window runs from the LAST read, so a card held under the scanner stays one entry for as long
 * as it is held, and taken away for longer than the window it reads anew. Another input (another
 * scanner, the camera beside the wedge, another lane) is another entry: a person may show the
 * same card at two gates. A window of 0 turns repeats off. The clock is the caller's (ms).
 */
export class RepeatFilter<T> {
  readonly #reads = new Map<string, Remembered<T>>();

  constructor(private readonly windowMs: number = DEFAULT_REPEAT_WINDOW_MS) {
    if (!(windowMs >= 0)) throw new RangeError(`repeat window must be 0 ms or more, got ${windowMs}`);
  }

  /** The first read's result when `text` on `input` at `nowMs` repeats it (the window then restarts), else undefined. */
  repeatOf(input: string, text: string, nowMs: number): T | undefined {
    this.#forgetOlderThan(nowMs);
    const remembered = this.#reads.get(keyOf(input, text));
    if (remembered === undefined) return undefined;
    remembered.lastSeenAt = nowMs;
    return remembered.result;
  }

  /** A read that was decided (and logged) as a new entry: its repeats within the window get `result`. */
  remember(input: string, text: string, result: T, nowMs: number): void {
    if (this.windowMs === 0) return;
    this.#reads.set(keyOf(input, text), { result, lastSeenAt: nowMs });
  }

  /** Forgets every read: the next read of any code is a new entry (e.g. staff switched the direction). */
  clear(): void {
    this.#reads.clear();
  }

  /** Whether repeats are told apart at all (a window of 0: every read is a new entry). */
  get enabled(): boolean {
    return this.windowMs > 0;
  }

  /** How many reads are remembered (tests: old ones do not pile up). */
  get size(): number {
    return this.#reads.size;
  }

  // Pruned on every read, so memory holds only the reads of the last window.
  #forgetOlderThan(nowMs: number): void {
    for (const [key, remembered] of this.#reads) {
      // A clock that stepped back (NTP) must not keep a read forever: outside the window either way.
      const age = nowMs - remembered.lastSeenAt;
      if (age >= this.windowMs || age < 0) this.#reads.delete(key);
    }
  }
}

// The input's key is JSON (no raw NUL in it), so no input and text can run into another's.
function keyOf(input: string, text: string): string {
  return `${input}\u0000${text}`;
}

/** A read decided as a new entry: its verdict, and the credential it held (memory only, for the window). */
export interface DecidedRead {
  readonly verdict: Verdict;
  readonly credential?: Credential | undefined;
}

/**
 * The core's repeats: decided reads by input (a source's kind, device name and lane) and code.
 * A repeat is answered with the first verdict marked `repeat`, and the credential that read
 * held: a card QR read again still hands its chip's keys to the lane's reader (a retry of the
 * chip read is no new entry). Nothing of it is written anywhere; it is forgotten with the window.
 */
export class VerdictRepeats {
  readonly #filter: RepeatFilter<DecidedRead>;
  /** Reads being decided now (a lookup at the hub may take up to its bound), by input and code. */
  readonly #deciding = new Map<string, Promise<DecidedRead>>();

  constructor(
    windowMs: number | undefined,
    private readonly onRepeat: (first: Verdict, source: ScanSource) => void,
  ) {
    this.#filter = new RepeatFilter(windowMs);
  }

  /** `lane`: where the input stands; the same device at another lane (a test bench) is another input. */
  repeatOf(source: ScanSource, lane: string, text: string, nowMs: number): DecidedRead | undefined {
    const first = this.#filter.repeatOf(inputKey(source, lane), text, nowMs);
    if (first === undefined) return undefined;
    this.onRepeat(first.verdict, source);
    return { verdict: { ...first.verdict, repeat: true }, credential: first.credential };
  }

  /**
   * Decides a read that is no repeat of one decided (`decide`), unless the same code on the same
   * input is being decided right now — a scanner that sends a code twice while the first waits
   * on the hub: that one waits for the first and is its repeat, not a second entry. A first
   * decision that failed (not logged) is no answer: the read is then decided itself.
   */
  async decideOnce(
    source: ScanSource,
    lane: string,
    text: string,
    decide: () => Promise<DecidedRead>,
  ): Promise<{ readonly decided: DecidedRead; readonly repeat: boolean }> {
    const key = keyOf(inputKey(source, lane), text);
    // Looked up before any await: a second read in the same turn must find the first's decision.
    const pending = this.#filter.enabled ? this.#deciding.get(key) : undefined;
    const first = pending === undefined ? undefined : await pending.catch(() => undefined);
    if (first !== undefined) {
      this.onRepeat(first.verdict, source);
      return { decided: { verdict: { ...first.verdict, repeat: true }, credential: first.credential }, repeat: true };
    }
    const deciding = decide();
    this.#deciding.set(key, deciding);
    try {
      return { decided: await deciding, repeat: false };
    } finally {
      if (this.#deciding.get(key) === deciding) this.#deciding.delete(key);
    }
  }

  remember(source: ScanSource, lane: string, text: string, decided: DecidedRead, nowMs: number): void {
    this.#filter.remember(inputKey(source, lane), text, decided, nowMs);
  }

  clear(): void {
    this.#filter.clear();
  }
}

/** One input, as repeats are told apart: its kind, its device's name and its lane (another scanner, another lane: another entry). */
function inputKey(source: ScanSource, lane: string): string {
  return JSON.stringify([source.kind, source.deviceId, lane]);
}
