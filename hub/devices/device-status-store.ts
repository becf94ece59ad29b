import type { KioskReport } from '../../domain/sync/kiosk-report.js';
import type { EnrolledDevice } from '../enrollment/enrollment-store.js';

/** One kiosk heard from: an authenticated request at `seenAt` (the hub's clock), with its report if it sent one. */
export interface DeviceSighting {
  readonly deviceId: string;
  /** Epoch milliseconds. */
  readonly seenAt: number;
  readonly report?: KioskReport;
}

/** An enrolled kiosk with what the hub last heard from and about it. */
export interface DeviceStatus extends EnrolledDevice {
  /**
   * The last authenticated request of any kind (sync, rules, notify, upload), or, for a kiosk
   * last heard of before the hub kept sightings, its last upload. Absent: never heard from.
   */
  readonly lastSeenAt?: number;
  /** The last upload the hub stored from it. */
  readonly lastUploadAt?: number;
  /** When its last report arrived (the hub's clock); absent when it never sent one (an older app). */
  readonly reportedAt?: number;
  readonly report?: KioskReport;
}

/**
 * Where the hub keeps each kiosk's last sighting and report (migration 9, one row per kiosk).
 * Written in batches (device-sightings.ts): a flush is one transaction whatever the number of
 * kiosks. Never goes back in time: of two processes' writes, the later sighting stands.
 */
export interface DeviceStatusStore {
  recordSightings(sightings: readonly DeviceSighting[]): Promise<void>;
  /** Every enrolled kiosk, revoked ones too, in enrolment order (byEnrolment). */
  listDeviceStatus(): Promise<DeviceStatus[]>;
}

/** The flags column: the report's flags joined (a flag is a word without commas, kiosk-report.ts). */
export const flagsColumn = (flags: readonly string[]): string => flags.join(',');
export const flagsOfColumn = (column: string | null): string[] => (column === null || column === '' ? [] : column.split(','));

/** The report's columns, in the order both engines' statements take them. */
export function reportColumns(report: KioskReport): [number | null, number | null, number | null, string | null, string | null, string | null, string] {
  return [
    report.seq ?? null,
    report.syncedAt ?? null,
    report.backlog ?? null,
    report.ruleSet?.id ?? null,
    report.ruleSet?.version ?? null,
    report.app ?? null,
    flagsColumn(report.flags),
  ];
}

/** A stored report back from its columns (both engines give numbers by now). */
export interface ReportColumns {
  data_seq: number | null;
  synced_at: number | null;
  backlog: number | null;
  rule_set_id: string | null;
  rule_set_version: string | null;
  app_version: string | null;
  flags: string | null;
}

export function reportOfColumns(row: ReportColumns): KioskReport {
  return {
    ...(row.data_seq === null ? {} : { seq: row.data_seq }),
    ...(row.synced_at === null ? {} : { syncedAt: row.synced_at }),
    ...(row.backlog === null ? {} : { backlog: row.backlog }),
    ...(row.rule_set_id === null || row.rule_set_version === null ? {} : { ruleSet: { id: row.rule_set_id, version: row.rule_set_version } }),
    ...(row.app_version === null ? {} : { app: row.app_version }),
    flags: flagsOfColumn(row.flags),
  };
}
