import { assessClock, DEFAULT_CLOCK_TRUST_POLICY, type ClockAssessment, type ClockEvidence, type ClockTrustPolicy } from '../../domain/time/clock-trust.js';
import type { SqliteDatabase } from '../store/kiosk-database.js';

/**
 * The kiosk db's meta key holding the newest instant the hub signed that this kiosk has
 * seen (epoch milliseconds). Kept apart from what vouched for it: receipts are forgotten
 * after the purge and trust files replaced, yet a board that reboots to 1970 must still
 * find its clock behind.
 */
export const NEWEST_SIGNED_META_KEY = 'clock_newest_signed_at';
/** The meta key of the hub's signed clock last heard at a sync: `<issuedAt>:<receivedAt>`, epoch milliseconds. */
export const HUB_TIME_META_KEY = 'clock_hub_time';

/** A signed hub clock (already checked) and the kiosk clock when it arrived. */
export interface HeardHubTime {
  readonly issuedAt: number;
  readonly receivedAt: number;
}

export interface ClockWitnessOptions {
  /** The kiosk database: its upload receipts (signed by the hub, with the kiosk clock when each arrived) and its meta. */
  readonly db: SqliteDatabase;
  readonly now: () => number;
  /** Other hub-signed instants the kiosk holds (the trust files' `issuedAt`), epoch milliseconds. */
  readonly signedInstants?: () => readonly number[];
  readonly policy?: ClockTrustPolicy;
}

/**
 * Gathers what the hub signed (domain/time/clock-trust.ts): the newest signed instant, kept
 * in meta as it rises, and the hub's offset from the newest signed hub clock the kiosk heard
 * — the status answer of every sync (heardHubTime) or an upload receipt, whichever arrived
 * last — against the kiosk clock when it arrived.
 */
export class ClockWitness {
  private readonly statements;
  readonly policy: ClockTrustPolicy;

  constructor(private readonly options: ClockWitnessOptions) {
    const { db } = options;
    this.policy = options.policy ?? DEFAULT_CLOCK_TRUST_POLICY;
    this.statements = {
      selectMeta: db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?'),
      upsertMeta: db.prepare<[string, string]>('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value'),
      newestReceipt: db.prepare<[], { issued_at: number; received_at: number }>(
        'SELECT issued_at, received_at FROM upload_receipt ORDER BY rowid DESC LIMIT 1',
      ),
      maxIssued: db.prepare<[], { issued: number | null }>('SELECT max(issued_at) AS issued FROM upload_receipt'),
    };
  }

  /** The hub's signed clock, checked (main/sync/hub-time-check.ts), heard at a sync. */
  heardHubTime(heard: HeardHubTime): void {
    this.statements.upsertMeta.run(HUB_TIME_META_KEY, `${heard.issuedAt}:${heard.receivedAt}`);
  }

  /** The clock as the hub's signatures judge it now. */
  assess(): ClockAssessment {
    return assessClock(this.options.now(), this.evidence(), this.policy);
  }

  /** The witnesses as held now; a newer signed instant than the one kept is kept (so it outlives its receipt). */
  evidence(): ClockEvidence {
    const kept = Number(this.statements.selectMeta.get(NEWEST_SIGNED_META_KEY)?.value);
    const heard = this.heard();
    const receipt = this.statements.newestReceipt.get();
    // The hub's clock heard last tells the offset now: an older one predates any correction since.
    const latest =
      receipt === undefined || (heard !== undefined && heard.receivedAt >= receipt.received_at)
        ? heard
        : { issuedAt: receipt.issued_at, receivedAt: receipt.received_at };
    const held = [
      ...(Number.isSafeInteger(kept) ? [kept] : []),
      heard?.issuedAt,
      this.statements.maxIssued.get()?.issued ?? undefined,
      ...(this.options.signedInstants?.() ?? []),
    ].filter((ms): ms is number => ms !== undefined && Number.isFinite(ms));
    const newestSignedMs = held.length === 0 ? undefined : Math.max(...held);
    if (newestSignedMs !== undefined && newestSignedMs !== kept) this.statements.upsertMeta.run(NEWEST_SIGNED_META_KEY, String(newestSignedMs));
    return {
      ...(newestSignedMs === undefined ? {} : { newestSignedMs }),
      ...(latest === undefined ? {} : { hubOffsetMs: latest.issuedAt - latest.receivedAt }),
    };
  }

  private heard(): HeardHubTime | undefined {
    const [issuedAt, receivedAt] = (this.statements.selectMeta.get(HUB_TIME_META_KEY)?.value ?? '').split(':').map(Number);
    return Number.isSafeInteger(issuedAt) && Number.isSafeInteger(receivedAt) ? { issuedAt: issuedAt as number, receivedAt: receivedAt as number } : undefined;
  }
}
