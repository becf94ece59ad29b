import type { PassCredential } from '../../domain/credentials/credential.js';
import type { StaffSignInResult } from '../../domain/contract/staff-session.js';
import type { Reason } from '../../domain/text/bilingual.js';
import { toVietnamIso } from '../../domain/time/calendar-date.js';
import type { Verdict } from '../../domain/verdict/verdict.js';
import type { Logger } from '../../platform/logging/logger.js';
import type { StaffSessions } from './staff-sessions.js';

/** Why a scanned staff badge opened nothing: each says what staff should do. */
export const STAFF_BADGE_REFUSALS = {
  notSigned: {
    code: 'staff-badge.not-signed',
    vi: 'Thẻ nhân viên không có chữ ký hợp lệ của máy chủ',
    en: 'The staff badge is not validly signed by the hub',
  },
  expired: { code: 'staff-badge.expired', vi: 'Thẻ nhân viên đã hết hạn — xin cấp lại', en: 'The staff badge has expired — ask for a new one' },
  notYetValid: { code: 'staff-badge.not-yet-valid', vi: 'Thẻ nhân viên chưa có hiệu lực', en: 'The staff badge is not valid yet' },
  notStaff: {
    code: 'staff-badge.not-staff',
    vi: 'Thẻ nhân viên không có trong danh sách nhân viên của máy này',
    en: 'The staff badge holder is not on this kiosk’s staff list',
  },
} as const satisfies Record<string, Reason>;

/** A scanned pass with a staff role. */
export type StaffBadge = PassCredential & { readonly staffId: string };

export type StaffBadgeResult = { readonly ok: true; readonly signedIn: StaffSignInResult & { ok: true } } | { readonly ok: false; readonly refusal: Reason };

/**
 * A scanned staff badge (a status pass with a staff id, docs/status-pass.md): it opens a
 * staff session only if the hub signed it, it is within its validity, and its staff id is in
 * the installed hub staff list for this kiosk — so a member the hub removes loses their badge
 * at the next sync. It never decides an entry nor opens a gate. Logged with codes only.
 */
export function signInWithBadge(badge: StaffBadge, sessions: StaffSessions, logger?: Logger): StaffBadgeResult {
  const codes = badge.problems.map((problem) => problem.code);
  const refusal =
    codes.includes('pass.unknown-key') || codes.includes('pass.signature-invalid')
      ? STAFF_BADGE_REFUSALS.notSigned
      : codes.includes('pass.expired')
        ? STAFF_BADGE_REFUSALS.expired
        : codes.includes('pass.not-yet-valid')
          ? STAFF_BADGE_REFUSALS.notYetValid
          : badge.authenticity !== 'signed-valid'
            ? STAFF_BADGE_REFUSALS.notSigned
            : undefined;
  if (refusal !== undefined) {
    logger?.warn('staff badge refused', { reason: refusal.code });
    return { ok: false, refusal };
  }
  const signedIn = sessions.signInByBadge(badge.staffId);
  if (signedIn?.ok !== true) {
    logger?.warn('staff badge refused', { reason: STAFF_BADGE_REFUSALS.notStaff.code });
    return { ok: false, refusal: STAFF_BADGE_REFUSALS.notStaff };
  }
  return { ok: true, signedIn };
}

/** What the screen shows for an accepted badge: who signed in, no colour, the gate closed, no entry. */
export function staffSignInVerdict(staff: string, nowMs: number): Verdict {
  return {
    outcome: 'none',
    headline: { vi: 'NHÂN VIÊN ĐÃ ĐĂNG NHẬP', en: 'Staff signed in' },
    reasons: [{ code: 'staff-badge.signed-in', vi: `Đăng nhập bằng thẻ nhân viên: ${staff}`, en: `Signed in with a staff badge: ${staff}` }],
    subject: { name: staff },
    credentialKind: 'pass',
    authenticity: 'signed-valid',
    gate: { open: false },
    entrySeq: 0,
    decidedAt: toVietnamIso(nowMs),
    staffSignIn: { staff },
  };
}
