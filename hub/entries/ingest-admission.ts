/**
 * How many uploads the hub holds at once, and what it tells the rest. A kiosk waits for its
 * receipt (sent once the rows are committed); when thousands come back online together, a
 * queue without a bound makes every answer late, kiosks time out and send again, and the
 * herd feeds itself. Past the bound an upload is answered at once with 503 and a
 * Retry-After of about how long the uploads held now take to drain, spread at random so
 * that the refused do not come back in one wave (kiosks honour it: main/sync/sync-loop.ts).
 */
export interface IngestAdmissionLimits {
  /** Uploads admitted and not yet answered. */
  readonly maxInFlight: number;
  /** The longest Retry-After given, seconds. */
  readonly maxRetryAfterSeconds: number;
}

/** Well above what the upload thread's connections carry at once, far below what times a kiosk out. */
export const DEFAULT_INGEST_ADMISSION: IngestAdmissionLimits = { maxInFlight: 64, maxRetryAfterSeconds: 120 };
/** What an upload is assumed to take before any has been measured. */
const FIRST_GUESS_SECONDS = 0.5;
/** Weight of the newest completion in the average time between completions. */
const SMOOTHING = 0.2;

export type Admission =
  { readonly ok: true; readonly done: () => void } | { readonly ok: false; readonly retryAfterSeconds: number; readonly inFlight: number };

export class IngestAdmission {
  readonly #limits: IngestAdmissionLimits;
  readonly #now: () => number;
  readonly #random: () => number;
  #inFlight = 0;
  #lastCompletionMs: number | undefined;
  /** Seconds between completions while uploads were held: the hub's drain rate, inverted. */
  #secondsPerUpload = FIRST_GUESS_SECONDS;

  constructor(limits: IngestAdmissionLimits = DEFAULT_INGEST_ADMISSION, now: () => number = () => performance.now(), random: () => number = Math.random) {
    this.#limits = limits;
    this.#now = now;
    this.#random = random;
  }

  get inFlight(): number {
    return this.#inFlight;
  }

  /** Admits an upload (call `done` once, however it ends) or says when to come back. */
  admit(): Admission {
    if (this.#inFlight >= this.#limits.maxInFlight) {
      const drainSeconds = this.#inFlight * this.#secondsPerUpload;
      // Between one and two drains: the refused spread over the time the hub needs anyway.
      const spread = drainSeconds * (1 + this.#random());
      const retryAfterSeconds = Math.min(this.#limits.maxRetryAfterSeconds, Math.max(1, Math.ceil(spread)));
      return { ok: false, retryAfterSeconds, inFlight: this.#inFlight };
    }
    this.#inFlight += 1;
    const admittedAt = this.#now();
    let finished = false;
    return {
      ok: true,
      done: () => {
        if (finished) return;
        finished = true;
        this.#completed(admittedAt);
      },
    };
  }

  #completed(admittedAt: number): void {
    const now = this.#now();
    // The time since the previous completion or this upload's admission, whichever is later:
    // an idle spell before it came is not the hub's pace.
    const since = Math.max(admittedAt, this.#lastCompletionMs ?? admittedAt);
    this.#secondsPerUpload += SMOOTHING * ((now - since) / 1000 - this.#secondsPerUpload);
    this.#lastCompletionMs = now;
    this.#inFlight -= 1;
  }
}
