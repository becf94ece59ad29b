import { SyncError } from '../../domain/sync/sync-error.js';
import { backoffDelay, DEFAULT_BACKOFF, type BackoffPolicy } from '../../platform/backoff.js';
import { HubError, isHubOffline } from '../hub-client/hub-error.js';
import type { SyncSummary } from './sync-client.js';
import { messageOf } from '../../platform/message-of.js';

export type SyncState = 'idle' | 'syncing' | 'offline' | 'error';

/** What the kiosk's UI shows about the sync. */
export interface SyncStatus<S = SyncSummary> {
  /** idle: the last sync succeeded; offline: the hub cannot be reached; error: it refused, or the data was refused. */
  readonly state: SyncState;
  /** The sequence the kiosk's facts are complete up to. */
  readonly watermark: number;
  /** Epoch ms of the last successful sync. */
  readonly lastSuccessAt?: number;
  readonly lastAttemptAt?: number;
  /** The last failure, until a sync succeeds. */
  readonly lastError?: { readonly code: string; readonly message: string; readonly at: number };
  /** Consecutive failures. */
  readonly failures: number;
  /** When the next sync is due (absent while syncing or stopped). */
  readonly nextAttemptAt?: number;
  /** Whether the hub's notice WebSocket is connected. */
  readonly notices: boolean;
  readonly lastSummary?: S;
}

export interface LoopTimers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** What one run reports: at least where the data stands after it. */
export interface RunSummary {
  readonly watermark: number;
}

/** What the hub's notice channel tells a loop. */
export interface NoticeListener {
  /** The hub's sequence: a sync if it is above the watermark. */
  seq(seq: number): void;
  /** Something else the kiosk fetches changed at the hub (a rule set was published): a sync. */
  changed(): void;
  /** The channel connected (true) or dropped. Connected again means the hub is back: see `resume`. */
  connection(connected: boolean): void;
}

export interface SyncLoopOptions<S extends RunSummary = SyncSummary> {
  /** One sync (syncOnce, bound to the kiosk); the signal aborts it when the loop stops. */
  readonly runSync: (signal: AbortSignal) => Promise<S>;
  /** The hub's notices; the loop closes the subscription when it stops. */
  readonly subscribe?: (listener: NoticeListener) => { close(): void };
  /** After a sync during which a change was announced: whether it is still not fetched (sync again at once). */
  readonly outdated?: () => boolean;
  /** Where the data stands after a failed sync (which may have applied part of its work). */
  readonly readWatermark?: () => Promise<number>;
  /** The watermark before the first sync. */
  readonly watermark?: number;
  /** The wait after a successful sync (default 60 s). */
  readonly pollMs?: number;
  /** The wait after a failure (default full jitter, 1 s → 5 min). */
  readonly backoff?: Partial<BackoffPolicy>;
  readonly now?: () => number;
  readonly timers?: LoopTimers;
  readonly onStatus?: (status: SyncStatus<S>) => void;
}

const REAL_TIMERS: LoopTimers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/**
 * The kiosk's continuous sync (`chot start`): a sync at once, then again every poll
 * interval, or at once when the hub announces a sequence above the kiosk's watermark (or
 * another change). Failures back off exponentially with full jitter, reset by a success —
 * or cut short by `resume` when the hub's notice socket connects again: the hub is back,
 * and the kiosk need not sit out a window grown to minutes during the outage. Nothing it
 * does throws out of it: every failure becomes the status the UI shows. The entry upload
 * runs on one too (kiosk-upload.ts).
 */
export class SyncLoop<S extends RunSummary = SyncSummary> {
  private current: SyncStatus<S>;
  private readonly pollMs: number;
  private readonly backoff: BackoffPolicy;
  private readonly now: () => number;
  private readonly timers: LoopTimers;
  private running: Promise<void> | undefined;
  private stopped = false;
  private inFlight: AbortController | undefined;
  private wake: (() => void) | undefined;
  private subscription: { close(): void } | undefined;
  /** A notice (or syncNow) arrived during a sync: sync again at once after it. */
  private again = false;
  private heardSeq = 0;
  /** The n-th retry (from 0) the next failure backs off for: reset by a success and by `resume`. */
  private backoffAttempt = 0;
  /** `resume` came during an attempt: if that attempt fails, try again at once. */
  private resumed = false;

  constructor(private readonly options: SyncLoopOptions<S>) {
    this.pollMs = options.pollMs ?? 60_000;
    this.backoff = { ...DEFAULT_BACKOFF, ...options.backoff };
    this.now = options.now ?? Date.now;
    this.timers = options.timers ?? REAL_TIMERS;
    this.current = { state: 'idle', watermark: options.watermark ?? 0, failures: 0, notices: false };
  }

  status(): SyncStatus<S> {
    return this.current;
  }

  /** Starts syncing (once; later calls do nothing). */
  start(): void {
    if (this.running !== undefined || this.stopped) return;
    this.subscription = this.options.subscribe?.({
      seq: (seq) => this.onNotice(seq),
      changed: () => this.syncNow(),
      connection: (connected) => {
        this.update({ notices: connected });
        if (connected) this.resume();
      },
    });
    this.running = this.run();
  }

  /** Syncs at once (a UI button), or right after the sync in progress. */
  syncNow(): void {
    if (this.current.state === 'syncing') this.again = true;
    else this.wake?.();
  }

  /**
   * The hub is reachable again (its notice socket connected): a loop that is backing off
   * tries at once, and a failure after that backs off from the first window again. A loop
   * whose last attempt succeeded has nothing to resume: the notices say what changed.
   */
  resume(): void {
    const { state } = this.current;
    if (state === 'idle' || this.stopped) return;
    this.backoffAttempt = 0;
    if (state === 'syncing') this.resumed = true;
    else this.wake?.();
  }

  /** Stops: aborts a sync in progress and resolves once the loop has ended. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.subscription?.close();
    this.inFlight?.abort();
    this.wake?.();
    await this.running;
    this.update({ nextAttemptAt: undefined });
  }

  private onNotice(seq: number): void {
    this.heardSeq = Math.max(this.heardSeq, seq);
    if (seq <= this.current.watermark) return;
    this.syncNow();
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      const delay = await this.attempt();
      if (this.stopped) break;
      this.update({ nextAttemptAt: this.now() + delay });
      await this.sleep(delay);
    }
  }

  /** One sync; returns how long to wait before the next. */
  private async attempt(): Promise<number> {
    this.again = false;
    this.resumed = false;
    const controller = new AbortController();
    this.inFlight = controller;
    this.update({ state: 'syncing', lastAttemptAt: this.now(), nextAttemptAt: undefined });
    try {
      const summary = await this.options.runSync(controller.signal);
      this.backoffAttempt = 0;
      this.update({ state: 'idle', watermark: summary.watermark, lastSuccessAt: this.now(), lastError: undefined, failures: 0, lastSummary: summary });
      const behind = this.heardSeq > summary.watermark || this.options.outdated?.() === true;
      return this.again && behind ? 0 : this.pollMs;
    } catch (error) {
      if (this.stopped) return 0;
      const watermark = await this.readWatermark();
      const failures = this.current.failures + 1;
      this.update({ state: isHubOffline(error) ? 'offline' : 'error', watermark, failures, lastError: { ...describe(error), at: this.now() } });
      // The hub came back while this attempt was failing (a connect that hung until its timeout).
      if (this.resumed) return 0;
      const jittered = backoffDelay(this.backoffAttempt++, this.backoff);
      // A hub that says when to come back (503 snapshot-building) is asked no sooner.
      const retryAfter = error instanceof HubError ? error.retryAfterMs : undefined;
      return retryAfter === undefined ? jittered : Math.min(this.backoff.maxMs, Math.max(retryAfter, jittered));
    } finally {
      this.inFlight = undefined;
    }
  }

  private async readWatermark(): Promise<number> {
    try {
      return (await this.options.readWatermark?.()) ?? this.current.watermark;
    } catch {
      return this.current.watermark;
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const handle = this.timers.setTimeout(() => done(), ms);
      const done = (): void => {
        this.timers.clearTimeout(handle);
        this.wake = undefined;
        resolve();
      };
      this.wake = done;
    });
  }

  private update(change: Partial<{ -readonly [K in keyof SyncStatus<S>]: SyncStatus<S>[K] | undefined }>): void {
    const next: Record<string, unknown> = { ...this.current, ...change };
    for (const key of Object.keys(next)) if (next[key] === undefined) delete next[key];
    this.current = next as unknown as SyncStatus<S>;
    try {
      this.options.onStatus?.(this.current);
    } catch {
      // A broken listener must not stop the sync.
    }
  }
}

function describe(error: unknown): { code: string; message: string } {
  if (error instanceof HubError || error instanceof SyncError) return { code: error.code, message: error.message };
  const code = (error as { code?: unknown } | null)?.code;
  return { code: typeof code === 'string' ? code : 'sync.failed', message: messageOf(error) };
}
