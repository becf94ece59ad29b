import {
  OVERRIDE_HEADLINE,
  OVERRIDE_REASON_CODE,
  OVERRIDE_REFUSALS,
  overrideRefusal,
  overridesCode,
  type OverrideRequest,
  type OverrideResult,
} from '../../domain/contract/operator-override.js';
import type { Authenticity, CredentialKind } from '../../domain/credentials/credential.js';
import { storedDocumentSigner, storedEnteredBy, type EntryOverride } from '../../domain/entries/entry-record.js';
import type { Reason } from '../../domain/text/bilingual.js';
import { toVietnamIso } from '../../domain/time/calendar-date.js';
import { shownLoggedIdentifier } from '../../domain/verdict/shown-identifier.js';
import type { Verdict } from '../../domain/verdict/verdict.js';
import type { EntryLog, EntryRow } from '../store/entry-log.js';
import type { EntryStation } from './scan-pipeline.js';

/** The logged entry a staff decision is about, and whether it is still the newest. */
export interface StaffDecisionTarget {
  readonly entry: EntryRow | undefined;
  readonly isNewest: boolean;
}

export function staffDecisionTarget(log: EntryLog, seq: number): StaffDecisionTarget {
  const entry = log.get(seq);
  // Sequence numbers have no gaps: an entry is the newest when the log holds none after it.
  return { entry, isNewest: entry !== undefined && log.get(seq + 1) === undefined };
}

/** The gate a logged entry was decided at. A row logged before kiosk migration 5 carries none: it was logged here, at this station. */
export function entryGate(entry: EntryRow, station: EntryStation): EntryStation {
  return entry.format === 1 ? station : entry;
}

/**
 * A staff decision about a logged verdict, as a NEW entry (the log is append-only): the same
 * person, credential and gate as the entry it is about, outcome green, the decision's reason
 * codes and `override: {by, reason}`. Returns the verdict the screen shows, which exists only
 * once that entry is committed and which opens the gate: the relay pulses on `gate.open` alone.
 * Callers check the entry first, synchronously up to this commit, so no scan can slip in between.
 */
export function appendStaffDecision(
  log: EntryLog,
  station: EntryStation,
  entry: EntryRow,
  nowMs: number,
  decision: { readonly reasons: readonly Reason[]; readonly headline: Verdict['headline']; readonly override: EntryOverride },
): Verdict {
  const gate = entryGate(entry, station);
  const documentSigner = storedDocumentSigner(entry);
  const enteredBy = storedEnteredBy(entry);
  const at = toVietnamIso(nowMs);
  const entrySeq = log.append({
    at,
    kioskId: gate.kioskId,
    location: gate.location,
    lane: gate.lane,
    direction: gate.direction,
    // The credential was read once, by this source; the staff decision is about that read.
    sourceKind: entry.sourceKind,
    sourceDeviceId: entry.sourceDeviceId,
    credentialKind: entry.credentialKind,
    authenticity: entry.authenticity,
    // A chip's signer goes with its authenticity: the decision is about that read.
    ...(documentSigner === null ? {} : { documentSigner }),
    // Who typed a typed ID goes with it too: the decision is about that number, and the override names who decided.
    ...(enteredBy === null ? {} : { enteredBy }),
    personId: entry.personId,
    outcome: 'green',
    reasonCodes: decision.reasons.map((reason) => reason.code),
    // No rule set decided this: staff did, and the entry it is about keeps the rules' say.
    ruleSet: null,
    override: decision.override,
  });
  return {
    outcome: 'green',
    headline: decision.headline,
    reasons: decision.reasons,
    // No name: the kiosk never stores the scanned person's; the screen keeps the one it showed.
    ...subjectOfLogged(entry.credentialKind as CredentialKind | 'unknown', entry.personId),
    credentialKind: entry.credentialKind as CredentialKind | 'unknown',
    authenticity: entry.authenticity as Authenticity | 'none',
    gate: { open: true },
    entrySeq,
    decidedAt: at,
  };
}

/**
 * Staff letting through the person of the newest yellow or red verdict (or a `none` about a
 * known person): a staff decision with reason codes `override` and `overrides:<seq>` and who
 * and why. `by` is who the core says it is (the signed-in staff member), not the screen.
 */
export function overrideLastVerdict(log: EntryLog, station: EntryStation, request: OverrideRequest & { readonly by: string }, nowMs: number): OverrideResult {
  const { entry, isNewest } = staffDecisionTarget(log, request.seq);
  if (entry === undefined) return { ok: false, refusal: OVERRIDE_REFUSALS.unknown };
  const refusal = overrideRefusal(entry, isNewest, nowMs, request.confirmedSevere === true);
  if (refusal !== undefined) return { ok: false, refusal };
  const verdict = appendStaffDecision(log, station, entry, nowMs, {
    headline: OVERRIDE_HEADLINE,
    reasons: [
      { code: OVERRIDE_REASON_CODE, vi: `Nhân viên cho phép: ${request.by}`, en: `Allowed by staff: ${request.by}` },
      { code: overridesCode(entry.seq), vi: `Lý do: ${request.reason}`, en: `Reason: ${request.reason}` },
    ],
    override: { by: request.by, reason: request.reason },
  });
  return { ok: true, verdict: { ...verdict, override: { by: request.by, reason: request.reason, overridesSeq: entry.seq } } };
}

/** The number the staff decision is about, as the screen names it (no name: the kiosk never stores it). */
function subjectOfLogged(credentialKind: CredentialKind | 'unknown', personId: string | null): Pick<Verdict, 'subject'> {
  const id = personId === null ? undefined : shownLoggedIdentifier(credentialKind, personId);
  return id === undefined ? {} : { subject: { idTail: id.tail, idLabel: id.label } };
}
