import type { EnrolledDevice } from '../enrollment/enrollment-store.js';
import type { HourCount, KioskActivity, PeopleCount, ScanCount, StaffDecisionCount } from './report-store.js';
import { bucketLabel, bucketStart, type ReportBucket } from './vn-calendar.js';
import { isVerifiedChip } from '../../domain/entries/tally-kind.js';

/** The colours a report counts. An outcome no Chốt writes is counted as `none`, so totals still add up. */
export const REPORT_OUTCOMES = ['green', 'yellow', 'red', 'none'] as const;
export type ReportOutcome = (typeof REPORT_OUTCOMES)[number];

/**
 * Credential groups as officials ask for them (docs/reports.md has the table). An EU-style
 * DCC and the hub's signed status pass (`pass`) apart. A chip ID card whose data passed
 * passive authentication is its own group, `chip-verified` (domain/entries/tally-kind.ts):
 * the only entries that prove the card genuine; a chip read only intact (`unsigned`) proves
 * no more than the card's printed QR, so both are "ID card". A code that could not be read
 * (`unknown`) or whose signature or data failed its check (`invalid`, any kind) is
 * "unreadable or invalid". Anything a later Chốt adds falls under "other".
 */
export const KIND_GROUPS = ['dcc', 'status-pass', 'id-card', 'chip-verified', 'health-insurance', 'typed', 'unreadable', 'other'] as const;
export type KindGroup = (typeof KIND_GROUPS)[number];

const KIND_GROUP_OF: Readonly<Record<string, KindGroup>> = {
  dcc: 'dcc',
  pass: 'status-pass',
  'cccd-qr': 'id-card',
  chip: 'id-card',
  'bhyt-qr': 'health-insurance',
  manual: 'typed',
  unknown: 'unreadable',
};

export function kindGroupOf(credentialKind: string, authenticity: string): KindGroup {
  if (isVerifiedChip(credentialKind, authenticity)) return 'chip-verified';
  if (authenticity === 'invalid') return 'unreadable';
  return Object.hasOwn(KIND_GROUP_OF, credentialKind) ? (KIND_GROUP_OF[credentialKind] as KindGroup) : 'other';
}

/** The colours staff can let in: an override names a yellow, red or `none` entry (docs/entry-log.md). */
export const LET_IN_OUTCOMES = ['red', 'yellow', 'none'] as const;
export type LetInOutcome = (typeof LET_IN_OUTCOMES)[number];

/** The colour an override let in; one whose entry the hub lacks (or any other) counts as `none`. */
export const letInOutcomeOf = (outcome: string | null): LetInOutcome => (outcome === 'red' || outcome === 'yellow' ? outcome : 'none');

/** What staff decided: overrides by the colour they let in, and confirms of a green whose gate waited for staff. */
export interface StaffDecisions {
  letIn: Record<LetInOutcome, number>;
  confirmed: number;
}

export function outcomeOf(outcome: string): ReportOutcome {
  return (REPORT_OUTCOMES as readonly string[]).includes(outcome) ? (outcome as ReportOutcome) : 'none';
}

export interface Counts {
  /** Scans: every entry but staff decisions, which act on a scan already counted. */
  scans: number;
  /** Scans ingest flagged (edited, broken-chain): counted as scans, reported to look at. */
  flagged: number;
  byOutcome: Record<ReportOutcome, number>;
  byKind: Record<KindGroup, number>;
  /** Staff decisions on these scans: never counted as scans or by colour. */
  staff: StaffDecisions;
  /** Distinct person identifiers among the entries (not a sum of the finer counts). */
  people: number;
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
  /** Scans per hour of the Vietnam day, 0–23, over the whole period. */
  readonly hours: readonly number[];
}

/** One staff member's decisions at one place over the whole period: "by whom" (the override's `by`, never a person's ID). */
export interface StaffRow extends StaffDecisions {
  readonly location: string;
  readonly staff: string;
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
  readonly totals: { readonly registered: number; readonly active: number; readonly counts: Counts; readonly hours: readonly number[] };
  /** All locations together, one row per day or week, empty ones included. */
  readonly periods: readonly PeriodCounts[];
  /** Every location with scans or registered scan points, by name. */
  readonly locations: readonly LocationReport[];
  /** Registered scan points without a scan in the 7 days before the report's end. */
  readonly idle: readonly IdleScanPoint[];
  /** Who let people in: one row per place and staff member, by place then name. */
  readonly staff: readonly StaffRow[];
  /** Registered scan points against those heard from lately, and the silent ones (report-silent.ts). */
  readonly silent?: SilentReport;
}

export interface ReportInput {
  readonly fromDay: number;
  readonly toDay: number;
  readonly by: ReportBucket;
  readonly generatedAt: number;
  readonly idleFromMs: number;
  readonly idleToMs: number;
  readonly counts: readonly ScanCount[];
  readonly decisions: readonly StaffDecisionCount[];
  readonly people: readonly PeopleCount[];
  readonly hours: readonly HourCount[];
  /** Every device the hub knows, revoked ones too. */
  readonly devices: readonly EnrolledDevice[];
  /** Kiosks with scans in the idle window. */
  readonly recent: readonly KioskActivity[];
}

export const emptyCounts = (): Counts => ({
  scans: 0,
  flagged: 0,
  byOutcome: { green: 0, yellow: 0, red: 0, none: 0 },
  byKind: { dcc: 0, 'status-pass': 0, 'id-card': 0, 'chip-verified': 0, 'health-insurance': 0, typed: 0, unreadable: 0, other: 0 },
  staff: emptyDecisions(),
  people: 0,
});

export const emptyDecisions = (): StaffDecisions => ({ letIn: { red: 0, yellow: 0, none: 0 }, confirmed: 0 });

function addDecision(decisions: StaffDecisions, row: StaffDecisionCount): void {
  if (row.decision === 'confirm') decisions.confirmed += row.decisions;
  else decisions.letIn[letInOutcomeOf(row.decidedOutcome)] += row.decisions;
}

function add(counts: Counts, row: ScanCount): void {
  counts.scans += row.scans;
  counts.flagged += row.flagged;
  counts.byOutcome[outcomeOf(row.outcome)] += row.scans;
  counts.byKind[kindGroupOf(row.credentialKind, row.authenticity)] += row.scans;
}

const emptyHours = (): number[] => Array.from({ length: 24 }, () => 0);

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
    if (row.scans > 0 && registeredIds.has(row.kioskId)) {
      active.add(row.kioskId);
      p.active.add(row.kioskId);
    }
  }

  for (const row of input.decisions) {
    const bucket = periods.get(row.bucketStart);
    if (bucket === undefined) throw new RangeError(`staff decision outside the report's period (bucket ${row.bucketStart})`);
    const p = place(row.location);
    for (const counts of [totals, bucket, p.counts, p.periods.get(row.bucketStart) as Counts]) addDecision(counts.staff, row);
  }
  for (const row of input.people) {
    if (row.level === 'all') totals.people = row.people;
    else if (row.level === 'period') {
      const bucket = periods.get(row.bucketStart);
      if (bucket !== undefined) bucket.people = row.people;
    } else {
      const p = place(row.location);
      const counts = row.level === 'location' ? p.counts : p.periods.get(row.bucketStart);
      if (counts !== undefined) counts.people = row.people;
    }
  }
  const totalHours = emptyHours();
  const placeHours = new Map<string, number[]>();
  for (const row of input.hours) {
    place(row.location);
    let hours = placeHours.get(row.location);
    if (hours === undefined) placeHours.set(row.location, (hours = emptyHours()));
    hours[row.hour] = (hours[row.hour] ?? 0) + row.scans;
    totalHours[row.hour] = (totalHours[row.hour] ?? 0) + row.scans;
  }
  const staff = new Map<string, StaffRow>();
  for (const row of input.decisions) {
    const key = JSON.stringify([row.location, row.staff]);
    let found = staff.get(key);
    if (found === undefined) staff.set(key, (found = { location: row.location, staff: row.staff, ...emptyDecisions() }));
    addDecision(found, row);
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
    totals: { registered: registered.length, active: active.size, counts: totals, hours: totalHours },
    periods: periodRows(periods),
    locations: [...places]
      .sort(([a], [b]) => byName(a, b))
      .map(([location, p]) => ({
        location,
        registered: registered.filter((d) => d.location === location).length,
        active: p.active.size,
        counts: p.counts,
        periods: periodRows(p.periods),
        hours: placeHours.get(location) ?? emptyHours(),
      })),
    idle: registered
      .filter((d) => !recent.has(d.deviceId))
      .sort((a, b) => byName(a.location, b.location) || byName(a.deviceId, b.deviceId))
      .map((d) => ({ deviceId: d.deviceId, location: d.location, enrolledAt: d.enrolledAt })),
    staff: [...staff.values()].sort((a, b) => byName(a.location, b.location) || byName(a.staff, b.staff)),
  };
}

/** The silent scan points section (built and rendered in report-silent.ts). */
export interface SilentReport {
  readonly asOf: number;
  readonly silentAfterMs: number;
  /** Active (not revoked) kiosks. */
  readonly registered: number;
  /** Of those, heard from within the threshold. */
  readonly heard: number;
  /** The others, longest silent first (never heard from at the top), then by location. */
  readonly silent: readonly SilentScanPoint[];
}

export interface SilentScanPoint {
  readonly deviceId: string;
  readonly location: string;
  /** Absent: never heard from since it was enrolled. */
  readonly lastSeenAt?: number;
}
