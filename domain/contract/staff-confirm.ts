import type { Bilingual, Reason } from '../text/bilingual.js';
import type { Verdict } from '../verdict/verdict.js';
import { staffDecisionRefusal, type OverriddenEntry } from './operator-override.js';

/**
 * A staff member confirming the verdict on screen: its colour opens the lane, but the
 * credential proves nothing by itself (a CCCD or BHYT QR has no signature; a bare number is
 * only a number), so the gate waited. Staff looked at the card and the face, and one tap
 * says so. Logged as a NEW entry, like an override (operator-override.ts) and under the same
 * rules — the newest decision, under 2 minutes old — with reason codes `confirm` and
 * `confirms:<seq>` (so reports tell a confirm from an override) and `override: {by, reason}`
 * with the fixed reason CONFIRM_REASON_TEXT. Its verdict opens the gate.
 */
export interface ConfirmRequest {
  /** The entry being confirmed: the verdict on screen (`Verdict.entrySeq`). */
  readonly seq: number;
  /** The staff member typed on the screen, checked like an override's: used, like its, only where no staff PIN is set. */
  readonly by?: string;
}

export type ConfirmResult =
  | { readonly ok: true; readonly verdict: Verdict }
  /** Not an error of the kiosk: the request cannot be honoured, and the screen says why. */
  | { readonly ok: false; readonly refusal: Reason };

export const CONFIRM_REASON_CODE = 'confirm';
export const confirmsCode = (seq: number): string => `confirms:${seq}`;

/** What a confirm entry logs as its reason: there is no form, staff vouched for card and face. */
export const CONFIRM_REASON_TEXT = 'Nhân viên đã đối chiếu giấy tờ với người / Staff checked the card against the person';

export const CONFIRM_HEADLINE: Bilingual = { vi: 'ĐƯỢC VÀO — NHÂN VIÊN XÁC NHẬN', en: 'Entry allowed — confirmed by staff' };

export const CONFIRM_REFUSALS = {
  unknown: { code: 'confirm.unknown-entry', vi: 'Không tìm thấy lượt quét này', en: 'No such scan in the log' },
  notLatest: {
    code: 'confirm.not-latest',
    vi: 'Chỉ xác nhận được lượt quét mới nhất — mời quét lại',
    en: 'Only the most recent scan can be confirmed — please scan again',
  },
  tooOld: {
    code: 'confirm.too-old',
    vi: 'Lượt quét đã quá 2 phút — mời quét lại',
    en: 'That scan is more than 2 minutes old — please scan again',
  },
  alreadyOpen: { code: 'confirm.already-open', vi: 'Cổng đã mở cho lượt quét này', en: 'The gate already opened for this scan' },
  colourClosed: {
    code: 'confirm.colour-closed',
    vi: 'Kết quả này không mở cổng — dùng “Nhân viên cho qua” nếu cần',
    en: 'This result does not open the gate — use Staff override if needed',
  },
  none: {
    code: 'confirm.no-verdict',
    vi: 'Mã không đọc được hoặc không hợp lệ — không thể xác nhận, mời quét lại',
    en: 'The code was unreadable or invalid — nothing to confirm, please scan again',
  },
} as const satisfies Record<string, Reason>;

/** What the gate did with the entry, as the lane's policy decides it again from the logged row. */
export interface ConfirmedEntryGate {
  /** The gate opened by itself (the policy), or a staff decision opened it (the entry is an override or a confirm). */
  readonly opened: boolean;
  /** The colour opens the lane but the credential's authenticity did not: the gate waits for staff. */
  readonly awaitsConfirm: boolean;
}

/**
 * Whether an entry may be confirmed now: the rules every staff decision shares, and the gate
 * is waiting for exactly this — its colour opens the lane, its credential did not. A red or
 * yellow that the lane does not open is for an override; `none` has no person to confirm.
 */
export function confirmRefusal(entry: OverriddenEntry | undefined, isNewest: boolean, nowMs: number, gate: ConfirmedEntryGate): Reason | undefined {
  return staffDecisionRefusal(entry, isNewest, nowMs, CONFIRM_REFUSALS, ({ outcome }) => {
    if (outcome !== 'green' && outcome !== 'yellow' && outcome !== 'red') return CONFIRM_REFUSALS.none;
    if (gate.opened) return CONFIRM_REFUSALS.alreadyOpen;
    if (!gate.awaitsConfirm) return CONFIRM_REFUSALS.colourClosed;
    return undefined;
  });
}
