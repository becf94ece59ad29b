import { setImmediate as yieldToScans } from 'node:timers/promises';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { canonicalReceipt, type UploadAnswer, type UploadedEntry, type UploadProblemKind } from '../../domain/entries/entry-upload.js';
import type { HubKeyStore } from '../../domain/credentials/verification.js';
import { hubKeyStoreFromKeys } from '../trust/hub-key-store.js';
import type { EntryOutbox, OutboxBatch } from './entry-outbox.js';

const compress = promisify(gzip);

/** A failure of the upload that is not the network's: `code` names it for the status line and the log. */
export class UploadError extends Error {
  override readonly name = 'UploadError';

  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface EntryUploaderOptions {
  readonly outbox: EntryOutbox;
  /** HubClient.uploadEntries, bound to the kiosk's enrolment. */
  readonly upload: (gzipJson: Uint8Array, signal: AbortSignal) => Promise<UploadAnswer>;
  /** This kiosk's device id: a receipt for another kiosk is refused. */
  readonly deviceId: string;
  /** The pinned hub keys (base64 raw Ed25519): a receipt must be signed by one of them. */
  readonly hubKeys: readonly string[];
  /** Entries per batch (default 2 000: ~1 MB of JSON, ~10 ms to read and encode). */
  readonly batchEntries?: number;
  /** How long entries stay on the kiosk after the hub's receipt (default 21 days). */
  readonly retentionMs?: number;
  readonly now?: () => number;
}

export const DEFAULT_RETENTION_DAYS = 21;
export const DEFAULT_BATCH_ENTRIES = 2_000;
/** Rows purged per step before yielding to the scans. */
const PURGE_BUDGET = 5_000;

/** What one upload run did; `watermark` is the seq the hub's newest receipt vouches for. */
export interface UploadSummary {
  readonly watermark: number;
  readonly sent: number;
  readonly batches: number;
  /** Entries logged and not yet vouched for by a receipt. */
  readonly pending: number;
  readonly purged: number;
}

/**
 * Sends the entry log to the hub in batches, from the first entry no receipt vouches for,
 * and keeps each verified receipt; then purges what the hub holds once the retention period
 * has passed. One run sends everything pending (the SyncLoop runs it again every interval,
 * and backs off when it fails); the next batch is read and compressed while the hub ingests
 * the one before. Nothing here decides a verdict: a gate never waits on an upload.
 */
export class EntryUploader {
  private readonly batchEntries: number;
  private readonly retentionMs: number;
  private readonly now: () => number;
  private readonly keys: HubKeyStore;
  /** The last seq the hub took (stored, maybe flagged): the next batch starts after it. Memory only: after a restart, resending is harmless. */
  private sentThrough = 0;

  constructor(private readonly options: EntryUploaderOptions) {
    this.batchEntries = options.batchEntries ?? DEFAULT_BATCH_ENTRIES;
    this.retentionMs = options.retentionMs ?? DEFAULT_RETENTION_DAYS * 86_400_000;
    this.now = options.now ?? Date.now;
    // The same pinned keys, and the same check, as for passes and rule sets.
    this.keys = hubKeyStoreFromKeys(options.hubKeys);
  }

  /** The seq the newest receipt vouches for (0 before the first). */
  receiptedSeq(): number {
    return this.options.outbox.newestReceipt()?.throughSeq ?? 0;
  }

  pending(): number {
    return Math.max(0, this.options.outbox.lastSeq() - this.receiptedSeq());
  }

  /** One run: upload everything pending, then purge. Throws (after keeping every receipt it got) when a batch fails or the hub flags entries. */
  async uploadPending(signal: AbortSignal): Promise<UploadSummary> {
    this.sentThrough = Math.max(this.sentThrough, this.receiptedSeq());
    let sent = 0;
    let batches = 0;
    const flagged: string[] = [];
    // Stored entries the hub noted (a wrong clock, another location): the chain is intact.
    const noted: string[] = [];
    let next = this.prepare(this.sentThrough);
    for (;;) {
      const prepared = await next;
      if (prepared === undefined) break;
      if ('unreadable' in prepared) {
        // Stepped over: the hub sees the gap and holds its receipt there, which the status says.
        flagged.push(prepared.unreadable.message);
        this.sentThrough = prepared.unreadable.seq;
        next = this.prepare(this.sentThrough);
        continue;
      }
      signal.throwIfAborted();
      const answering = this.options.upload(prepared.body, signal);
      // Read and compress the next batch while the hub ingests this one.
      next = this.prepare(prepared.batch.throughSeq);
      next.catch(() => undefined);
      const answer = await answering;
      const rewindTo = this.keepReceipt(answer);
      // Batches go one after the other, so a gap too means a row missing from this kiosk's
      // log — unless the hub just said it lost entries, which this run sends again.
      for (const problem of answer.problems) {
        if (rewindTo !== undefined && problem.kind === 'gap') continue;
        (NOTED_BY_HUB.has(problem.kind) ? noted : flagged).push(problem.message);
      }
      this.sentThrough = prepared.batch.throughSeq;
      sent += prepared.batch.entries.length;
      batches += 1;
      if (rewindTo !== undefined) {
        // The hub holds less than it once vouched for (restored from a backup?): send again
        // from there, in this run, instead of the batch read ahead.
        this.sentThrough = rewindTo;
        next = this.prepare(rewindTo);
        next.catch(() => undefined);
      }
    }
    const purged = await this.purge();
    if (flagged.length > 0) {
      throw new UploadError('upload.entries-flagged', `the hub flagged entries of this kiosk's log: ${listed(flagged)}; check it with chot log verify`);
    }
    if (noted.length > 0)
      throw new UploadError(
        'upload.entries-noted',
        `the hub stored and noted entries of this kiosk's log: ${listed(noted)}; check the kiosk's clock and location`,
      );
    return { watermark: this.receiptedSeq(), sent, batches, pending: this.pending(), purged };
  }

  /** Deletes what the hub holds past the retention period, a step at a time, yielding to the scans between steps. */
  async purge(): Promise<number> {
    let total = 0;
    for (;;) {
      const purged = this.options.outbox.purge(this.now(), this.retentionMs, PURGE_BUDGET);
      total += purged;
      if (purged < PURGE_BUDGET) return total;
      await yieldToScans();
    }
  }

  private async prepare(afterSeq: number): Promise<{ batch: OutboxBatch; body: Uint8Array } | { unreadable: { seq: number; message: string } } | undefined> {
    // After the scans waiting now: reading a batch holds the thread for a few milliseconds.
    await yieldToScans();
    const read = this.options.outbox.readBatch(afterSeq, this.batchEntries);
    if (read === undefined || 'unreadable' in read) return read;
    const json = JSON.stringify({ entries: read.entries satisfies readonly UploadedEntry[] });
    // zlib runs on libuv's thread pool: the kiosk's thread stays free meanwhile.
    return { batch: read, body: await compress(json, { level: 6 }) };
  }

  /**
   * Checks the receipt (hub key, kiosk, the hash it vouches for) and keeps it; throws if it is
   * not one to trust. Returns its seq when it vouches for less than the newest receipt kept.
   */
  private keepReceipt(answer: UploadAnswer): number | undefined {
    const { receipt, signature } = answer;
    const key = this.keys.byKeyId(receipt.hubKeyId);
    if (key === undefined) throw new UploadError('upload.receipt-key', `the receipt is signed by hub key ${receipt.hubKeyId}, which this kiosk does not trust`);
    if (!key.verify(canonicalReceipt(receipt), Buffer.from(signature, 'base64url'))) {
      throw new UploadError('upload.receipt-signature', 'the receipt’s signature does not match the hub key: it was changed on the way');
    }
    if (receipt.kioskId !== this.options.deviceId)
      throw new UploadError('upload.receipt-kiosk', `the receipt is for kiosk ${receipt.kioskId}, not this one (${this.options.deviceId})`);
    const previous = this.receiptedSeq();
    if (receipt.contiguousSeq === previous) return undefined;
    const ours = this.options.outbox.hashAt(receipt.contiguousSeq);
    if (ours !== undefined && ours.toString('hex') !== receipt.headHash) {
      throw new UploadError(
        'upload.receipt-mismatch',
        `the hub holds a different entry ${receipt.contiguousSeq} than this kiosk logged: report the kiosk and the hub`,
      );
    }
    this.options.outbox.recordReceipt(receipt, signature, this.now());
    return receipt.contiguousSeq < previous ? receipt.contiguousSeq : undefined;
  }
}

/** Problems the hub stores and notes without doubting the log itself (hub/entries/entry-store.ts). */
const NOTED_BY_HUB: ReadonlySet<UploadProblemKind> = new Set<UploadProblemKind>(['foreign-location', 'clock-skew']);

const listed = (messages: readonly string[]): string => `${messages.slice(0, 3).join('; ')}${messages.length > 3 ? ` (and ${messages.length - 3} more)` : ''}`;
