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
import { toVietnamIso } from '../../domain/time/calendar-date.js';
import type { EntryLog } from '../store/entry-log.js';
import type { EntryStation } from './scan-pipeline.js';

/**
 * Staff letting through the person of the newest yellow or red verdict. The log is
 * append-only, so the override is a new entry that names the one it overrides
 * (`overrides:<seq>`), with the same person, credential and gate; the verdict returned
 * exists only once that entry is committed, like every verdict the screen shows.
 *
 * Synchronous from the check to the commit, so no scan can slip in between and make the
 * overridden entry no longer the newest.
 */
export function overrideLastVerdict(log: EntryLog, station: EntryStation, request: OverrideRequest, nowMs: number): OverrideResult {
  const entry = log.get(request.seq);
  // Sequence numbers have no gaps: an entry is the newest when the log holds none after it.
  const isNewest = entry !== undefined && log.get(request.seq + 1) === undefined;
  if (entry === undefined) return { ok: false, refusal: OVERRIDE_REFUSALS.unknown };
  const refusal = overrideRefusal(entry, isNewest, nowMs);
  if (refusal !== undefined) return { ok: false, refusal };

  // A row logged before kiosk migration 5 carries no gate: it was logged here, at this station.
  const gate = entry.format === 2 ? entry : station;
  const at = toVietnamIso(nowMs);
  const reasonCodes = [OVERRIDE_REASON_CODE, overridesCode(entry.seq)];
  const entrySeq = log.append({
    at,
    kioskId: gate.kioskId,
    location: gate.location,
    lane: gate.lane,
    direction: gate.direction,
    // The credential was read once, by this source; the override is a decision about that read.
    sourceKind: entry.sourceKind,
    sourceDeviceId: entry.sourceDeviceId,
    credentialKind: entry.credentialKind,
    authenticity: entry.authenticity,
    personId: entry.personId,
    outcome: 'green',
    reasonCodes,
    // No rule set decided this colour: staff did, and the overridden entry keeps the rules' say.
    ruleSet: null,
    override: { by: request.by, reason: request.reason },
  });
  return {
    ok: true,
    verdict: {
      outcome: 'green',
      headline: OVERRIDE_HEADLINE,
      reasons: [
        { code: OVERRIDE_REASON_CODE, vi: `Nhân viên cho phép: ${request.by}`, en: `Allowed by staff: ${request.by}` },
        { code: overridesCode(entry.seq), vi: `Lý do: ${request.reason}`, en: `Reason: ${request.reason}` },
      ],
      // No name: the kiosk never stores the scanned person's; the screen keeps the one it showed.
      ...(entry.personId === null ? {} : { subject: { idTail: entry.personId.slice(-4) } }),
      credentialKind: entry.credentialKind as CredentialKind | 'unknown',
      authenticity: entry.authenticity as Authenticity | 'none',
      // The gate opens for an override: the relay (issue 8) pulses on `gate.open` alone.
      gate: { open: true },
      entrySeq,
      decidedAt: at,
      override: { by: request.by, reason: request.reason, overridesSeq: entry.seq },
    },
  };
}
