import type { HubFactsAnswer } from '../../domain/verdict/hub-facts.js';
import type { HubFactsPort } from '../core/scan-pipeline.js';
import type { HubKeyStore } from '../../domain/credentials/verification.js';
import { inProvinceScope, type ProvinceScope } from '../../domain/sync/province-scope.js';
import type { HubClient } from '../hub-client/hub-client.js';
import { HubError } from '../hub-client/hub-error.js';
import { checkPersonFacts, type PersonFactsCheck } from './person-facts-check.js';

/**
 * The most a scan ever waits for the hub: a person is standing at the gate. A kiosk may be
 * set to wait less, never more (a longer setting is cut to this).
 */
export const MAX_HUB_LOOKUP_MS = 300;
/** How long an answer is reused: the hub's `max-age` for it (person-facts-route.ts). */
export const HUB_LOOKUP_CACHE_MS = 30_000;
/** At most this many answers are held: a busy gate's last minutes, not a copy of the hub. */
const MAX_HELD = 1_000;
/** The longest pause a hub's Retry-After sets for lookups: a wrong or hostile value does not silence them for hours. */
const MAX_PAUSE_MS = 10 * 60_000;

export interface HubFactsLookupOptions {
  /** Sends the signed request (HubClient.personFacts) and resolves with the answer as sent; aborted by `signal` at the bound. */
  readonly ask: (id12: string, signal: AbortSignal) => Promise<unknown>;
  /** Checks the answer for this ID at this instant (checkPersonFacts with the pinned keys and the device id). */
  readonly check: (answer: unknown, id12: string, nowMs: number) => PersonFactsCheck;
  /** Whether to ask about an ID the kiosk's data does not hold (outside its scope); default: every one. */
  readonly asks?: (id12: string) => boolean;
  /** The wait for an answer, at most (and by default) MAX_HUB_LOOKUP_MS. */
  readonly timeoutMs?: number;
  readonly cacheMs?: number;
  readonly now?: () => number;
  /**
   * Starts the bound's timer and returns its cancel (default: setTimeout). Tests on a loaded
   * machine hand in one that fires when they say, so a real hub's answer is not raced by it.
   */
  readonly startTimer?: (ms: number, fire: () => void) => () => void;
  /** Told why a lookup gave no answer: a code, never the ID (the log holds no personal data). */
  readonly onNoAnswer?: (why: string) => void;
}

/**
 * Asks the hub about people outside the kiosk's data (`GET /v1/person/:id/facts`), for the
 * scan pipeline (HubFactsPort). Bounded: whatever the network does, a lookup resolves within
 * its timeout — the timer answers "no answer" itself rather than trusting the request to
 * stop — so the gate waits at most that long, then decides by the rule set's "unknown"
 * policy as offline. A verified answer is held in memory (never on disk: it is a person's
 * health facts) for a short while, so a chip read after the card's QR, or a second scan,
 * asks once; no answer is never held, so the next scan asks again.
 */
export class HubFactsLookup implements HubFactsPort {
  readonly timeoutMs: number;
  readonly #held = new Map<string, { readonly answer: HubFactsAnswer; readonly until: number }>();
  /** Epoch ms (the lookup's clock) before which nothing is asked: the hub's last Retry-After. */
  #pausedUntil = Number.NEGATIVE_INFINITY;
  readonly #now: () => number;

  constructor(private readonly options: HubFactsLookupOptions) {
    const asked = options.timeoutMs ?? MAX_HUB_LOOKUP_MS;
    if (!Number.isFinite(asked) || asked <= 0) throw new RangeError(`the hub lookup's timeout must be a positive number of milliseconds, got ${asked}`);
    this.timeoutMs = Math.min(asked, MAX_HUB_LOOKUP_MS);
    this.#now = options.now ?? Date.now;
  }

  asks(id12: string): boolean {
    return this.options.asks?.(id12) ?? true;
  }

  held(id12: string, nowMs: number): HubFactsAnswer | undefined {
    const held = this.#held.get(id12);
    if (held === undefined) return undefined;
    if (nowMs < held.until) return held.answer;
    this.#held.delete(id12);
    return undefined;
  }

  /** Forgets every answer held (the kiosk's scope or enrolment changed). */
  forget(): void {
    this.#held.clear();
  }

  async lookup(id12: string): Promise<HubFactsAnswer> {
    // The hub asked for a pause (too many lookups, busy): the gate does not wait on a request it would refuse.
    if (this.#now() < this.#pausedUntil) return this.#noAnswer('paused: the hub asked to wait');
    const controller = new AbortController();
    let cancelTimer = (): void => undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      cancelTimer = (this.options.startTimer ?? startTimeout)(this.timeoutMs, () => {
        controller.abort();
        resolve('timeout');
      });
    });
    try {
      const answered = await Promise.race([this.options.ask(id12, controller.signal).then((answer) => ({ answer })), timedOut]);
      if (answered === 'timeout') return this.#noAnswer('timeout');
      const checked = this.options.check(answered.answer, id12, this.#now());
      if (!checked.ok) return this.#noAnswer(`answer refused: ${checked.why}`);
      const answer: HubFactsAnswer = checked.facts === undefined ? { answer: 'not-known' } : { answer: 'facts', facts: checked.facts };
      this.#hold(id12, answer);
      return answer;
    } catch (error) {
      // Offline, refused, a broken answer: the code of it, never the request (its path names the person).
      const code = typeof error === 'object' && error !== null && 'code' in error ? String((error as { code: unknown }).code) : 'error';
      const retryAfterMs = error instanceof HubError ? error.retryAfterMs : undefined;
      if (retryAfterMs !== undefined && retryAfterMs > 0) this.#pausedUntil = this.#now() + Math.min(retryAfterMs, MAX_PAUSE_MS);
      return this.#noAnswer(code);
    } finally {
      cancelTimer();
      controller.abort();
    }
  }

  #hold(id12: string, answer: HubFactsAnswer): void {
    this.#held.delete(id12);
    if (this.#held.size >= MAX_HELD) this.#held.delete(this.#held.keys().next().value as string);
    this.#held.set(id12, { answer, until: this.#now() + (this.options.cacheMs ?? HUB_LOOKUP_CACHE_MS) });
  }

  #noAnswer(why: string): HubFactsAnswer {
    this.options.onNoAnswer?.(why);
    return { answer: 'no-answer' };
  }
}

function startTimeout(ms: number, fire: () => void): () => void {
  const timer = setTimeout(fire, ms);
  return () => clearTimeout(timer);
}

/**
 * Whether the kiosk asks the hub about an ID its data lacks: only outside its scope. Inside
 * it, the kiosk holds every person the hub has (up to its last sync), so a miss is a person
 * the hub does not know either — asking would make every unknown person at every gate wait
 * for a "not known". An unscoped kiosk (every province) thus never asks. Before the first
 * sync says the scope (undefined), every miss is asked about: the data may not be there yet.
 */
export function asksOutsideScope(id12: string, scope: ProvinceScope | undefined): boolean {
  return scope === undefined || !inProvinceScope(id12, scope);
}

/** The lookup of an enrolled kiosk: its sync's signed client, its device id and pinned hub keys. */
export function hubFactsLookupOf(
  sync: { readonly client: Pick<HubClient, 'personFacts'>; readonly hub: { readonly deviceId: string } },
  keys: HubKeyStore,
  options: Pick<HubFactsLookupOptions, 'asks' | 'timeoutMs' | 'now' | 'onNoAnswer' | 'startTimer'> = {},
): HubFactsLookup {
  return new HubFactsLookup({
    ...options,
    ask: (id12, signal) => sync.client.personFacts(id12, signal),
    check: (answer, id12, nowMs) => checkPersonFacts(answer, { id12, deviceId: sync.hub.deviceId, nowMs }, keys),
  });
}
