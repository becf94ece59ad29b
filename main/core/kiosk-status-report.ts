import { describeDataAge, describeUpload, type DataStatus, type KioskStatus, type UploadStatus } from '../../domain/contract/kiosk-status.js';
import { decideReadiness, sameReadiness, type Readiness } from '../../domain/contract/kiosk-readiness.js';
import type { TrustFileHeld } from '../../domain/contract/trust-files-held.js';
import type { TodayStats } from '../../domain/contract/today-stats.js';
import { STALE_DATA_DEFAULTS, STALE_DATA_POLICY } from '../../domain/rules/builtin/stale-data-policy.js';
import { toVietnamIso, vietnamDateOf, vietnamMidnightMs } from '../../domain/time/calendar-date.js';
import type { Outcome } from '../../domain/verdict/verdict.js';
import type { DeviceStatus } from '../../drivers/device.js';
import type { RuleSetRepository } from '../rules/rule-set-repository.js';
import type { EntryLog } from '../store/entry-log.js';
import type { FactsStore } from '../store/facts-store.js';
import { devicesEvent } from './kiosk-event-hub.js';
import type { ClockAssessment, ClockTrustPolicy } from '../../domain/time/clock-trust.js';

export interface KioskStatusReportOptions {
  readonly facts: FactsStore;
  readonly log: EntryLog;
  readonly rules: RuleSetRepository;
  readonly now: () => number;
  /** On the demo data set (until an enrolment by QR). */
  readonly demo: () => boolean;
  /** undefined: no sync runs ('demo' or 'not-enrolled'). */
  readonly syncState?: () => KioskStatus['sync'] | undefined;
  readonly uploadState?: () => UploadStatus | undefined;
  readonly devices?: () => readonly DeviceStatus[];
  /** The hub-signed trust files installed (installed-trust-files.ts). */
  readonly trustFiles?: () => readonly TrustFileHeld[];
  /** The kiosk clock as the hub's signed times judge it (clock-witness.ts), and what a clock behind them does to the readiness. */
  readonly clock?: () => ClockAssessment;
  readonly clockPolicy?: Pick<ClockTrustPolicy, 'behind'>;
  /** The readiness changed: the screen hears at once. */
  readonly readinessChanged: (readiness: Readiness) => void;
}

/**
 * What the kiosk tells the screen about itself: the data's age and the sync, the upload, the
 * devices, the rule set and the trust files in force, whether it is READY to decide (kiosk-readiness.ts), and
 * today's counts.
 */
export class KioskStatusReport {
  /** The readiness the screen last heard of, so a push is sent only for a change. */
  private lastReadiness: Readiness | undefined;

  constructor(private readonly options: KioskStatusReportOptions) {}

  /**
   * The sync moved or time passed: if the readiness changed, the screen hears at once (the
   * runtime calls this on every sync status and once a minute, as ages cross thresholds).
   */
  statusChanged(): void {
    const { readiness } = this.status();
    if (this.lastReadiness !== undefined && sameReadiness(this.lastReadiness, readiness)) return;
    this.lastReadiness = readiness;
    this.options.readinessChanged(readiness);
  }

  status(): KioskStatus {
    const { facts, rules } = this.options;
    const options = this.options;
    const now = options.now();
    const syncedAt = facts.lastSyncedAt();
    const watermark = facts.syncedSeq();
    const status: DataStatus = {
      ...(syncedAt === undefined ? {} : { dataSyncedAt: syncedAt, dataAgeMs: Math.max(0, now - syncedAt) }),
      ...(watermark === undefined ? {} : { watermark }),
      sync: options.syncState?.() ?? { state: options.demo() ? 'demo' : 'not-enrolled' },
      staleAfterMs: this.staleAfterHours(now) * 3_600_000,
    };
    const upload = options.uploadState?.();
    const uploadLine = upload === undefined ? undefined : describeUpload(upload);
    const devices = options.devices === undefined ? undefined : devicesEvent(options.devices());
    const { ruleSet } = rules.inForce(now);
    // The stale-data policy by its id: a rule set may set its own threshold, or leave the policy out.
    const stalePolicy = (ruleSet.policies ?? []).some((policy) => policy.id === STALE_DATA_POLICY.id);
    return {
      ...status,
      dataLine: describeDataAge(status),
      readiness: decideReadiness({
        ...status,
        stalePolicy,
        ...(options.clock === undefined ? {} : { clock: options.clock() }),
        ...(options.clockPolicy === undefined ? {} : { clockPolicy: options.clockPolicy }),
      }),
      ruleSet: { id: ruleSet.id, version: ruleSet.version },
      ...(options.trustFiles === undefined ? {} : { trustFiles: options.trustFiles() }),
      ...(upload === undefined ? {} : { upload }),
      ...(uploadLine === undefined ? {} : { uploadLine }),
      ...(devices?.name === 'devices' ? { devices: devices.devices, ...(devices.deviceLine === undefined ? {} : { deviceLine: devices.deviceLine }) } : {}),
    };
  }

  todayStats(): TodayStats {
    const date = vietnamDateOf(this.options.now());
    // The log writes times as toVietnamIso does (+07:00), so text order is time order.
    const tally = this.options.log.tallySince(toVietnamIso(vietnamMidnightMs(date)));
    const outcome = (name: Outcome): number => tally.byOutcome[name] ?? 0;
    return {
      date,
      total: tally.total,
      byOutcome: { green: outcome('green'), yellow: outcome('yellow'), red: outcome('red'), none: outcome('none') },
      byCredentialKind: tally.byCredentialKind,
    };
  }

  /** The stale-data threshold of the rule set in force, so the screen warns when the verdicts turn yellow. */
  private staleAfterHours(now: number): number {
    const value = this.options.rules.inForce(now).ruleSet.parameters?.staleAfterHours;
    return typeof value === 'number' && value > 0 ? value : STALE_DATA_DEFAULTS.staleAfterHours;
  }
}
