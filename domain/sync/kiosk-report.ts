import type { KioskStatus } from '../contract/kiosk-status.js';
import { decodeBase64, encodeBase64 } from '../rules/signed-rule-set.js';

/**
 * What a kiosk tells the hub about itself with every signed request (the `x-chot-report`
 * header, covered by the signature: signed-request.ts), so that `chot hub devices` and the
 * weekly report show each scan point's state without anyone walking to it. Every field is
 * optional: a kiosk reports what it knows, and an older kiosk sends no report at all.
 *
 * On the wire: base64url of the JSON of this object, at most MAX_REPORT_HEADER_CHARS.
 */
export interface KioskReport {
  /** The hub sequence the kiosk's facts are complete up to. */
  readonly seq?: number;
  /** When the hub last confirmed the facts current (epoch ms, the kiosk's clock): the data age is now minus this. */
  readonly syncedAt?: number;
  /** Entries logged that no receipt of the hub vouches for yet. */
  readonly backlog?: number;
  /** The rule set in force on the kiosk. */
  readonly ruleSet?: { readonly id: string; readonly version: string };
  /** The kiosk's app version (package.json). */
  readonly app?: string;
  /** What needs someone's attention, as short words (KIOSK_REPORT_FLAGS); empty when all is well. */
  readonly flags: readonly string[];
}

/**
 * The flags this version of the kiosk sends. The hub keeps any flag of the FLAG_PATTERN
 * shape, so a newer kiosk's new flag shows at an older hub instead of being lost.
 */
export const KIOSK_REPORT_FLAGS = {
  /** Verdicts cannot be trusted on the kiosk's data (never synced): NOT READY on its screen. */
  notReady: 'not-ready',
  /** The data is older than the rule set's stale threshold: OUT OF DATE on its screen. */
  outOfDate: 'out-of-date',
  /** A scanner, relay or chip reader is faulted (unplugged, failing). */
  deviceFault: 'device-fault',
  /** The last sync failed (the hub refused data, a damaged enrolment…). */
  syncError: 'sync-error',
  /** The entry log's upload is failing or refused (e.g. the hub found edited entries). */
  uploadError: 'upload-error',
} as const;

/** A header value longer than this is not a report (a full one is about 300 characters). */
export const MAX_REPORT_HEADER_CHARS = 1024;
const MAX_FLAGS = 8;
const FLAG_PATTERN = /^[a-z][a-z0-9-]{0,31}$/;
/** Rule set ids and versions, the app version: printable, no control characters, bounded. */
const MAX_LABEL_CHARS = 80;
/** More entries than this waiting on one kiosk is not a report but a fault: refused. */
const MAX_BACKLOG = 1_000_000_000;

/** The report a kiosk sends, from what its status report knows (kiosk-status-report.ts). */
export function kioskReportFrom(status: KioskStatus, app: string): KioskReport {
  const flags: string[] = [];
  if (status.readiness.state === 'not-ready') flags.push(KIOSK_REPORT_FLAGS.notReady);
  if (status.readiness.state === 'out-of-date') flags.push(KIOSK_REPORT_FLAGS.outOfDate);
  if (status.devices?.some((device) => device.state === 'fault') === true) flags.push(KIOSK_REPORT_FLAGS.deviceFault);
  if (status.sync.state === 'error') flags.push(KIOSK_REPORT_FLAGS.syncError);
  if (status.upload?.state === 'error') flags.push(KIOSK_REPORT_FLAGS.uploadError);
  return {
    ...(status.watermark === undefined ? {} : { seq: status.watermark }),
    ...(status.dataSyncedAt === undefined ? {} : { syncedAt: status.dataSyncedAt }),
    ...(status.upload === undefined ? {} : { backlog: status.upload.pending }),
    ruleSet: { id: status.ruleSet.id, version: status.ruleSet.version },
    app,
    flags,
  };
}

/** The header value: base64url (no newline, nothing a proxy rewrites) of the JSON. */
export function encodeKioskReport(report: KioskReport): string {
  const base64 = encodeBase64(new TextEncoder().encode(JSON.stringify(report)));
  return base64.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/**
 * Reads a report header, or says why it is not one. Lenient where a newer kiosk may differ
 * (unknown fields are ignored, unknown flags of the right shape kept), strict on sizes and
 * types: the hub stores what this returns.
 */
export function decodeKioskReport(header: string): { ok: true; report: KioskReport } | { ok: false; problem: string } {
  if (header.length === 0 || header.length > MAX_REPORT_HEADER_CHARS) return { ok: false, problem: `not 1–${MAX_REPORT_HEADER_CHARS} characters` };
  if (!/^[A-Za-z0-9_-]+$/.test(header)) return { ok: false, problem: 'not base64url' };
  let value: unknown;
  try {
    const bytes = decodeBase64(header.replace(/-/g, '+').replace(/_/g, '/'));
    if (bytes === null) return { ok: false, problem: 'not base64url' };
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    return { ok: false, problem: 'not the base64url of UTF-8 JSON' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, problem: 'not a JSON object' };
  const fields = value as Record<string, unknown>;
  const problem =
    integerProblem(fields.seq, 'seq', 0, Number.MAX_SAFE_INTEGER) ??
    integerProblem(fields.syncedAt, 'syncedAt', 1, Number.MAX_SAFE_INTEGER) ??
    integerProblem(fields.backlog, 'backlog', 0, MAX_BACKLOG) ??
    labelProblem(fields.app, 'app') ??
    ruleSetProblem(fields.ruleSet) ??
    flagsProblem(fields.flags);
  if (problem !== undefined) return { ok: false, problem };
  const ruleSet = fields.ruleSet as KioskReport['ruleSet'];
  return {
    ok: true,
    report: {
      ...(fields.seq === undefined ? {} : { seq: fields.seq as number }),
      ...(fields.syncedAt === undefined ? {} : { syncedAt: fields.syncedAt as number }),
      ...(fields.backlog === undefined ? {} : { backlog: fields.backlog as number }),
      ...(ruleSet === undefined ? {} : { ruleSet: { id: ruleSet.id, version: ruleSet.version } }),
      ...(fields.app === undefined ? {} : { app: fields.app as string }),
      flags: [...new Set((fields.flags ?? []) as string[])],
    },
  };
}

function integerProblem(value: unknown, name: string, min: number, max: number): string | undefined {
  if (value === undefined) return undefined;
  return Number.isSafeInteger(value) && (value as number) >= min && (value as number) <= max ? undefined : `${name} is not an integer in ${min}–${max}`;
}

function labelProblem(value: unknown, name: string): string | undefined {
  if (value === undefined) return undefined;
  // No control characters (C0, DEL, C1): a label is shown on terminals and in reports.
  const ok = typeof value === 'string' && value.length > 0 && value.length <= MAX_LABEL_CHARS && !/\p{Cc}/u.test(value);
  return ok ? undefined : `${name} is not a label of 1–${MAX_LABEL_CHARS} printable characters`;
}

function ruleSetProblem(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'ruleSet is not an object';
  const { id, version } = value as Record<string, unknown>;
  if (id === undefined || version === undefined) return 'ruleSet lacks its id or version';
  return labelProblem(id, 'ruleSet.id') ?? labelProblem(version, 'ruleSet.version');
}

function flagsProblem(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.length > MAX_FLAGS) return `flags is not a list of at most ${MAX_FLAGS}`;
  const bad = value.find((flag) => typeof flag !== 'string' || !FLAG_PATTERN.test(flag));
  return bad === undefined ? undefined : `flag ${JSON.stringify(bad).slice(0, 40)} is not a short lowercase word`;
}
