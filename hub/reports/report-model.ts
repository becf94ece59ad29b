import type { EnrolledDevice } from '../enrollment/enrollment-store.js';
import type { KioskActivity, ScanCount } from './report-store.js';
import { bucketLabel, bucketStart, type ReportBucket } from './vn-calendar.js';
import { isVerifiedChip } from '../../domain/entries/tally-kind.js';

/** The colours a report counts. An outcome no Chốt writes is counted as `none`, so totals still add up. */
export const REPORT_OUTCOMES = ['green', 'yellow', 'red', 'none'] as const;
export type ReportOutcome = (typeof REPORT_OUTCOMES)[number];

/**
 * Credential kinds as officials ask for them. A pass (the hub's signed status pass, on a
 * phone or printed) and an EU-style DCC are both "phone passes". A chip ID card whose data
 * passed passive authentication is its own group, `chip-verified` (domain/entries/tally-kind.ts):
 * the only entries that prove the card genuine. A chip read that did not verify is read from
 * the same card as its QR and proves no more, so both are "ID card". `unknown` (unreadable)
 * and anything newer fall under "other".
 */
export const KIND_GROUPS = ['phone-pass', 'id-card', 'chip-verified', 'health-insurance', 'typed', 'other'] as const;
export type KindGroup = (typeof KIND_GROUPS)[number];

const KIND_GROUP_OF: Readonly<Record<string, KindGroup>> = {
  pass: 'phone-pass',
  dcc: 'phone-pass',
  'cccd-qr': 'id-card',
  chip: 'id-card',
  'bhyt-qr': 'health-insurance',
  manual: 'typed',
};

export function kindGroupOf(credentialKind: string, authenticity: string): KindGroup {
  if (isVerifiedChip(credentialKind, authenticity)) return 'chip-verified';
  return Object.hasOwn(KIND_GROUP_OF, credentialKind) ? (KIND_GROUP_OF[credentialKind] as KindGroup) : 'other';
}

export function outcomeOf(outcome: string): ReportOutcome {
  return (REPORT_OUTCOMES as readonly string[]).includes(outcome) ? (outcome as ReportOutcome) : 'none';
}

export interface Counts {
  scans: number;
  /** Scans ingest flagged (edited, broken-chain): counted as scans, reported to look at. */
  flagged: number;
  byOutcome: Record<ReportOutcome, number>;
  byKind: Record<KindGroup, number>;
}

/** One day or ISO week of the report, clipped to the report's dates. */
export interface PeriodCounts {
  readonly bucketStart: number;
  /** "2021-10-20" or "2021-W42". */
  readonly label: string;
  /** Vietnam day numbers, inclusive: a week at either end of the report may be partial. */
  readonly firstDay: number;
  readonly lastDay: number;
  readonly counts: Counts;
}

export interface LocationReport {
  readonly location: string;
  /** Registered scan points (enrolled, not revoked) whose enrolment names this location. */
  readonly registered: number;
  /** Of those and others, registered scan points that recorded a scan here in the period. */
  readonly active: number;
  readonly counts: Counts;
  readonly periods: readonly PeriodCounts[];
}

export interface IdleScanPoint {
  readonly deviceId: string;
  readonly location: string;
  /** Epoch milliseconds. */
  readonly enrolledAt: number;
}

export interface Report {
  /** Vietnam day numbers, inclusive. */
  readonly fromDay: number;
  readonly toDay: number;
  readonly by: ReportBucket;
  /** Epoch milliseconds. */
  readonly generatedAt: number;
  /** The 7 days checked for idle scan points: [idleFromMs, idleToMs), ending with the report. */
  readonly idleFromMs: number;
  readonly idleToMs: number;
  readonly totals: { readonly registered: number; readonly active: number; readonly counts: Counts };
  /** All locations together, one row per day or week, empty ones included. */
  readonly periods: readonly PeriodCounts[];
  /** Every location with scans or registered scan points, by name. */
  readonly locations: readonly LocationReport[];
  /** Registered scan points without a scan in the 7 days before the report's end. */
  readonly idle: readonly IdleScanPoint[];
}

export interface ReportInput {
  readonly fromDay: number;
  readonly toDay: number;
  readonly by: ReportBucket;
  readonly generatedAt: number;
  readonly idleFromMs: number;
  readonly idleToMs: number;
  readonly counts: readonly ScanCount[];
  /** Every device the hub knows, revoked ones too. */
  readonly devices: readonly EnrolledDevice[];
  /** Kiosks with scans in the idle window. */
  readonly recent: readonly KioskActivity[];
}

export const emptyCounts = (): Counts => ({
  scans: 0,
  flagged: 0,
  byOutcome: { green: 0, yellow: 0, red: 0, none: 0 },
  byKind: { 'phone-pass': 0, 'id-card': 0, 'chip-verified': 0, 'health-insurance': 0, typed: 0, other: 0 },
});

function add(counts: Counts, row: ScanCount): void {
  counts.scans += row.scans;
  counts.flagged += row.flagged;
  counts.byOutcome[outcomeOf(row.outcome)] += row.scans;
  counts.byKind[kindGroupOf(row.credentialKind, row.authenticity)] += row.scans;
}

const byName = (a: string, b: string): number => a.localeCompare(b, 'vi') || (a < b ? -1 : a > b ? 1 : 0);

/** The report from the database's grouped counts and the device list: pure, so tested without a database. */
export function assembleReport(input: ReportInput): Report {
  const registered = input.devices.filter((d) => !d.revoked);
  const registeredIds = new Set(registered.map((d) => d.deviceId));

  // Every bucket of the period, so a day without scans shows as 0 rather than going missing.
  const buckets: number[] = [];
  for (let day = input.fromDay; day <= input.toDay; day += 1) {
    const start = bucketStart(day, input.by);
    if (buckets.at(-1) !== start) buckets.push(start);
  }
  const newPeriods = () => new Map(buckets.map((start) => [start, emptyCounts()]));

  const totals = emptyCounts();
  const periods = newPeriods();
  const places = new Map<string, { counts: Counts; periods: Map<number, Counts>; active: Set<string> }>();
  const place = (location: string) => {
    let found = places.get(location);
    if (found === undefined) places.set(location, (found = { counts: emptyCounts(), periods: newPeriods(), active: new Set() }));
    return found;
  };
  for (const d of registered) place(d.location);

  const active = new Set<string>();
  for (const row of input.counts) {
    add(totals, row);
    const bucket = periods.get(row.bucketStart);
    // The store counts only the period's entries, so every row falls in one of its buckets.
    if (bucket === undefined) throw new RangeError(`scan count outside the report's period (bucket ${row.bucketStart})`);
    add(bucket, row);
    const p = place(row.location);
    add(p.counts, row);
    add(p.periods.get(row.bucketStart) as Counts, row);
    if (registeredIds.has(row.kioskId)) {
      active.add(row.kioskId);
      p.active.add(row.kioskId);
    }
  }

  const periodRows = (map: Map<number, Counts>): PeriodCounts[] =>
    [...map].map(([start, counts]) => ({
      bucketStart: start,
      label: bucketLabel(start, input.by),
      firstDay: Math.max(start, input.fromDay),
      lastDay: Math.min(start + (input.by === 'day' ? 0 : 6), input.toDay),
      counts,
    }));
  const recent = new Set(input.recent.filter((k) => k.scans > 0).map((k) => k.kioskId));

  return {
    fromDay: input.fromDay,
    toDay: input.toDay,
    by: input.by,
    generatedAt: input.generatedAt,
    idleFromMs: input.idleFromMs,
    idleToMs: input.idleToMs,
    totals: { registered: registered.length, active: active.size, counts: totals },
    periods: periodRows(periods),
    locations: [...places]
      .sort(([a], [b]) => byName(a, b))
      .map(([location, p]) => ({
        location,
        registered: registered.filter((d) => d.location === location).length,
        active: p.active.size,
        counts: p.counts,
        periods: periodRows(p.periods),
      })),
    idle: registered
      .filter((d) => !recent.has(d.deviceId))
      .sort((a, b) => byName(a.location, b.location) || byName(a.deviceId, b.deviceId))
      .map((d) => ({ deviceId: d.deviceId, location: d.location, enrolledAt: d.enrolledAt })),
  };
}
