import { HttpError } from './http-responses.js';
import { HUB_HEADERS } from '../../domain/protocol/hub-headers.js';

export interface BodyBudgetLimits {
  /** Bodies being read at once before their signature is checked. */
  readonly maxBodies: number;
  /** Bytes those bodies may take together (each counted at its declared length, or the route's maximum). */
  readonly maxBytes: number;
}

/** Eight uploads of the largest size at once; a kiosk's batch is about 1 MB and takes a moment. */
export const DEFAULT_BODY_BUDGET: BodyBudgetLimits = { maxBodies: 16, maxBytes: 64 * 1024 * 1024 };
/** How long a kiosk refused for the budget should wait. */
const RETRY_AFTER_SECONDS = 2;

/**
 * Bounds what the hub holds of request bodies it has not yet authenticated. A body is read
 * whole before its signature (which covers it) can be checked, so without a bound anyone
 * who can name an enrolled device could make the hub buffer body after body. Past the
 * bound a request is refused at once with 503 and Retry-After, its body never read.
 */
export class BodyBudget {
  private bodies = 0;
  private bytes = 0;

  constructor(private readonly limits: BodyBudgetLimits = DEFAULT_BODY_BUDGET) {}

  get inFlight(): { bodies: number; bytes: number } {
    return { bodies: this.bodies, bytes: this.bytes };
  }

  /** Reserves room for a body of up to `bytes`; returns the release (call it once, however the read ends). */
  reserve(bytes: number): () => void {
    if (this.bodies + 1 > this.limits.maxBodies || this.bytes + bytes > this.limits.maxBytes) {
      throw new HttpError('busy', `the hub is reading ${this.bodies} request bodies already: try again in a moment`, {
        [HUB_HEADERS.retryAfter]: String(RETRY_AFTER_SECONDS),
        Connection: 'close',
      });
    }
    this.bodies += 1;
    this.bytes += bytes;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.bodies -= 1;
      this.bytes -= bytes;
    };
  }
}
