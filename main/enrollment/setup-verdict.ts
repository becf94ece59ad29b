import type { KioskSetup } from '../../domain/contract/kiosk-setup.js';
import { toVietnamIso } from '../../domain/time/calendar-date.js';
import type { Verdict } from '../../domain/verdict/verdict.js';

const SETUP_HEADLINES: Readonly<Record<KioskSetup['phase'], Verdict['headline']>> = {
  enrolling: { vi: 'CÀI ĐẶT KIOSK — ĐANG ĐĂNG KÝ', en: 'Kiosk set-up — enrolling' },
  enrolled: { vi: 'CÀI ĐẶT KIOSK — XONG', en: 'Kiosk set-up — done' },
  refused: { vi: 'CÀI ĐẶT KIOSK — KHÔNG THÀNH CÔNG', en: 'Kiosk set-up — not done' },
};

/**
 * What the screen is answered for an enrolment QR: the set-up (Verdict.setup) with no colour,
 * no entry (entrySeq 0), no subject, and the gate closed — whatever the set-up's phase.
 */
export function setupVerdict(setup: KioskSetup, nowMs: number): Verdict {
  return {
    outcome: 'none',
    headline: SETUP_HEADLINES[setup.phase],
    reasons: setup.reason === undefined ? [] : [setup.reason],
    credentialKind: 'unknown',
    authenticity: 'none',
    gate: { open: false },
    entrySeq: 0,
    decidedAt: toVietnamIso(nowMs),
    setup,
  };
}
