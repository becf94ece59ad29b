import {
  CONFIRM_HEADLINE,
  CONFIRM_REASON_CODE,
  CONFIRM_REASON_TEXT,
  CONFIRM_REFUSALS,
  confirmRefusal,
  confirmsCode,
  type ConfirmRequest,
  type ConfirmResult,
} from '../../domain/contract/staff-confirm.js';
import type { GatePolicy } from '../devices/gate-policy.js';
import { gateDecision } from '../devices/gate-policy.js';
import type { EntryLog } from '../store/entry-log.js';
import { appendStaffDecision, entryGate, staffDecisionTarget } from './operator-override.js';
import type { EntryStation } from './scan-pipeline.js';

/**
 * Staff confirming the newest verdict whose gate waited for them (a green CCCD, BHYT or bare
 * number on a lane that opens only for signed credentials): a staff decision with reason codes
 * `confirm` and `confirms:<seq>`, who, and the fixed reason CONFIRM_REASON_TEXT; it opens the gate.
 *
 * Whether the gate waited is decided again from the logged row by the lane's policy — the
 * same function that decided it at the scan — so the log, not the screen, is the authority.
 */
export function confirmLastVerdict(
  log: EntryLog,
  station: EntryStation,
  policyFor: (lane: string) => GatePolicy,
  request: ConfirmRequest & { readonly by: string },
  nowMs: number,
): ConfirmResult {
  const { entry, isNewest } = staffDecisionTarget(log, request.seq);
  if (entry === undefined) return { ok: false, refusal: CONFIRM_REFUSALS.unknown };
  // An override or a confirm opened the gate already, whatever the policy says of its credential.
  const staffDecided = entry.format !== 1 && entry.override !== null;
  const gate = gateDecision(entry.outcome, entry.authenticity, policyFor(entryGate(entry, station).lane));
  const refusal = confirmRefusal(entry, isNewest, nowMs, { opened: gate.open || staffDecided, awaitsConfirm: gate.needsConfirm !== undefined });
  if (refusal !== undefined) return { ok: false, refusal };
  const verdict = appendStaffDecision(log, station, entry, nowMs, {
    headline: CONFIRM_HEADLINE,
    reasons: [
      { code: CONFIRM_REASON_CODE, vi: `Nhân viên xác nhận: ${request.by}`, en: `Confirmed by staff: ${request.by}` },
      { code: confirmsCode(entry.seq), vi: 'Đã đối chiếu giấy tờ với người', en: 'Card checked against the person' },
    ],
    override: { by: request.by, reason: CONFIRM_REASON_TEXT },
  });
  return { ok: true, verdict: { ...verdict, confirm: { by: request.by, confirmsSeq: entry.seq } } };
}
