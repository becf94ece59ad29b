import type { Logger } from '../../platform/logging/logger.js';
import { messageOf } from '../../platform/message-of.js';
import type { ArtefactPublisher, DeltaBody, SnapshotFile } from './artefact-publisher.js';

/** What the builder needs of the hub server: its deltas (cached, built once). */
export interface ArtefactBuilderOptions {
  readonly publisher: ArtefactPublisher;
  readonly log: Logger;
  /** The delta (from, to] as the API serves it: chunks concatenated, or too large. */
  readonly delta: (from: number, to: number) => Promise<{ readonly kind: 'chunks'; readonly body: Uint8Array } | { readonly kind: 'too-large' }>;
  /** How many recent sequences a delta to the newest is published from. Default 8. */
  readonly deltaSources?: number;
  /** How often objects past their grace period are swept. Default 10 minutes. */
  readonly sweepMs?: number;
}

const DEFAULT_DELTA_SOURCES = 8;
const DEFAULT_SWEEP_MS = 10 * 60 * 1000;

/**
 * Publishes what the hub builds to the artefact store: each new snapshot, and at each new
 * sequence the deltas to it from the last few sequences (a kiosk that synced on the last
 * notices is at one of them; one further behind asks the API). Only the builder publishes
 * (builder-lease.ts); every call here is a no-op while `active` is false.
 */
export class ArtefactBuilder {
  /** Sequences seen, oldest first: where kiosks' watermarks are likely to be. */
  private recent: number[] = [];
  private active = false;
  private sweeper: NodeJS.Timeout | undefined;

  constructor(private readonly options: ArtefactBuilderOptions) {
    const { snapshot, deltas } = options.publisher.current();
    // A builder taking over: the previous builder's sequences are where kiosks are.
    for (const seq of [snapshot?.seq, ...deltas.map((d) => d.from), ...deltas.map((d) => d.to)]) if (seq !== undefined) this.remember(seq);
  }

  /** This process became the builder (true) or stopped being it. */
  setActive(active: boolean): void {
    this.active = active;
    if (active && this.sweeper === undefined) {
      this.sweeper = setInterval(() => void this.options.publisher.sweep().catch(() => undefined), this.options.sweepMs ?? DEFAULT_SWEEP_MS);
      this.sweeper.unref();
    } else if (!active && this.sweeper !== undefined) {
      clearInterval(this.sweeper);
      this.sweeper = undefined;
    }
  }

  isActive(): boolean {
    return this.active;
  }

  /** A snapshot is ready in the cache. */
  snapshotReady(file: SnapshotFile): void {
    this.remember(file.seq);
    if (!this.active) return;
    this.options.publisher.publishSnapshot(file).catch((error: unknown) => this.failed(`the snapshot at sequence ${file.seq}`, error));
  }

  /** The hub's sequence advanced to `seq` (its delta from the previous one is cached: seq-announcer.ts). */
  sequenceAdvanced(seq: number): void {
    const froms = this.recent.filter((from) => from < seq);
    this.remember(seq);
    if (!this.active || froms.length === 0) return;
    void this.publishDeltasTo(seq, froms);
  }

  /** The database went back to `seq`: nothing above it is published any more. */
  restored(seq: number): void {
    this.recent = this.recent.filter((s) => s <= seq);
    this.remember(seq);
    if (!this.active) return;
    this.options.publisher.restored(seq).catch((error: unknown) => this.failed(`the index after the restore to sequence ${seq}`, error));
  }

  /** Stops the sweeper; what is being written finishes. */
  async close(): Promise<void> {
    this.setActive(false);
    await this.options.publisher.idle();
  }

  private async publishDeltasTo(to: number, froms: readonly number[]): Promise<void> {
    try {
      const bodies: DeltaBody[] = [];
      for (const from of froms) {
        const delta = await this.options.delta(from, to);
        if (delta.kind === 'chunks') bodies.push({ from, to, body: delta.body });
      }
      // A newer sequence's deltas may have been published meanwhile: these would replace them with older ones.
      if (this.recent.at(-1) !== to) return;
      await this.options.publisher.publishDeltas(bodies);
    } catch (error) {
      this.failed(`the deltas to sequence ${to}`, error);
    }
  }

  private remember(seq: number): void {
    if (this.recent.includes(seq)) return;
    this.recent = [...this.recent, seq].sort((a, b) => a - b).slice(-(this.options.deltaSources ?? DEFAULT_DELTA_SOURCES) - 1);
  }

  private failed(what: string, error: unknown): void {
    // Kiosks fall back to the API meanwhile: a warning, and the next sequence tries again.
    this.options.log.warn(`artefacts: publishing ${what} failed (kiosks use the hub's API meanwhile): ${messageOf(error)}`);
  }
}
