import type { ChangeNotices } from '../storage/change-notices.js';
import { messageOf } from '../../platform/message-of.js';
import type { Logger } from '../../platform/logging/logger.js';

/**
 * How a hub process learns the sequence other processes move (imports run in `chot hub
 * import`, or in another hub process behind the same load balancer):
 *
 *   read    the storage's sequence as read now: authoritative, it may even have gone down
 *           (a database restored from a backup)
 *   pushed  a notice of a commit: it only ever moves the sequence up (a notice can arrive
 *           after a request already read a later sequence)
 */
export type SeqHeard = (seq: number, how: 'read' | 'pushed') => void;

/** The one source a SeqWatcher follows: polling (SQLite) or pushed notices with polling as the net (PostgreSQL). */
export interface SeqFeed {
  start(heard: SeqHeard): void;
  close(): void;
}

/** Reads the sequence every `intervalMs` while running: a chain of timeouts, so a slow read never overlaps the next. */
class SeqPoller {
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  /** A scheduled read under way: it schedules the next itself when done. */
  private polling = false;
  private failing = false;

  constructor(
    private readonly read: () => Promise<number>,
    private intervalMs: number,
    private readonly heard: SeqHeard,
    private readonly log: Logger,
  ) {}

  /** Polls every `intervalMs` from now (a running poller changes its pace). */
  start(intervalMs = this.intervalMs): void {
    if (this.running && intervalMs === this.intervalMs) return;
    this.intervalMs = intervalMs;
    this.running = true;
    if (this.polling) return;
    clearTimeout(this.timer);
    this.schedule();
  }

  stop(): void {
    this.running = false;
    clearTimeout(this.timer);
  }

  /** One read now (and the polling, if running, carries on after it). */
  async readOnce(): Promise<void> {
    try {
      const seq = await this.read();
      if (this.failing) this.log.info('sequence read: the storage answers again');
      this.failing = false;
      this.heard(seq, 'read');
    } catch (error) {
      // Logged once per outage, not every second.
      if (!this.failing) this.log.warn(`sequence read failed (retrying every ${this.intervalMs} ms): ${messageOf(error)}`);
      this.failing = true;
    }
  }

  private schedule(): void {
    if (!this.running) return;
    this.timer = setTimeout(() => {
      this.polling = true;
      void this.readOnce().finally(() => {
        this.polling = false;
        this.schedule();
      });
    }, this.intervalMs);
  }
}

/** The sequence read every `intervalMs` (the embedded SQLite hub: one process, nothing to push). */
export function pollingSeqFeed(read: () => Promise<number>, intervalMs: number, log: Logger): SeqFeed {
  let poller: SeqPoller | undefined;
  return {
    start: (heard) => {
      poller = new SeqPoller(read, intervalMs, heard, log);
      poller.start();
    },
    close: () => poller?.stop(),
  };
}

/** While notices arrive, the sequence is still read this often: a database restored under a running hub moves it down without a notice. */
export const RECONCILE_MS = 30_000;

/**
 * The sequence as pushed (a PostgreSQL NOTIFY from the feed's trigger, within milliseconds
 * of the commit). While the notices' connection is down nothing is pushed: the sequence is
 * polled every `intervalMs` meanwhile, and read once when listening resumes, because a
 * notice sent while nobody listened is lost. While listening it is read every
 * `reconcileMs` all the same (at least `intervalMs`): a restore (TRUNCATE and COPY) moves
 * it without a notice, and one row every half minute per process costs nothing.
 */
export function pushedSeqFeed(notices: ChangeNotices, read: () => Promise<number>, intervalMs: number, log: Logger, reconcileMs = RECONCILE_MS): SeqFeed {
  const unsubscribe: (() => void)[] = [];
  let poller: SeqPoller | undefined;
  const listeningPace = Math.max(intervalMs, reconcileMs);
  return {
    start: (heard) => {
      // The highest sequence this feed has passed on: a notice below it is not late news but
      // the sequence moved down (set back by hand), which only a read may report.
      let highest = -1;
      const pass: SeqHeard = (seq, how) => {
        highest = how === 'read' ? seq : Math.max(highest, seq);
        heard(seq, how);
      };
      const polling = new SeqPoller(read, intervalMs, pass, log);
      poller = polling;
      unsubscribe.push(
        notices.onNotice('seq', (payload) => {
          const seq = Number(payload);
          if (!Number.isSafeInteger(seq) || seq < 0) return log.warn(`sequence notice ignored: ${JSON.stringify(payload.slice(0, 40))} is not a sequence`);
          if (seq < highest) void polling.readOnce();
          else pass(seq, 'pushed');
        }),
        notices.onListening((listening) => {
          if (!listening) return polling.start(intervalMs);
          polling.start(listeningPace);
          void polling.readOnce();
        }),
      );
      polling.start(notices.listening ? listeningPace : intervalMs);
    },
    close: () => {
      for (const stop of unsubscribe.splice(0)) stop();
      poller?.stop();
    },
  };
}
