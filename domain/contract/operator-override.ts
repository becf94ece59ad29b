import type { Bilingual, Reason } from '../text/bilingual.js';
import { HUB_FACTS_REASONS } from '../verdict/hub-facts.js';
import type { Verdict } from '../verdict/verdict.js';

/**
 * A staff member letting through a person the kiosk stopped (yellow or red): who and why.
 * The kiosk logs it as a NEW entry (the log is append-only): same person, credential kind
 * and gate as the overridden decision, outcome green, reason codes `override` and
 * `overrides:<seq>`, and `override: {by, reason}` — committed before the screen says so.
 */
export interface OverrideRequest {
  /** The entry being overridden: the verdict on screen (`Verdict.entrySeq`). */
  readonly seq: number;
  /**
   * The staff member typed on the screen. Used only on a kiosk with no staff PIN set (a demo
   * kiosk: anyone may override there, and the screen says so). Once PINs are set it is
   * accepted and ignored: the core logs the signed-in staff member (staff-session.ts).
   */
  readonly by?: string;
  /** Why, in a few words: a preset reason's text, or the operator's own words. */
  readonly reason: string;
  /**
   * The second step of overriding a red the rules gave for infection or quarantine (F0, F1):
   * staff confirmed they mean it. Without it such an override is refused with
   * `override.needs-second-confirm`, and the form asks again.
   */
  readonly confirmedSevere?: boolean;
}

export type OverrideResult =
  | { readonly ok: true; readonly verdict: Verdict }
  /** Not an error of the kiosk: the request cannot be honoured, and the screen says why. */
  | { readonly ok: false; readonly refusal: Reason };

/**
 * Limits on what the operator types, counted in characters (code points, after NFC); the
 * staff confirm (staff-confirm.ts) takes its "who" and its window from here too.
 */
export const OVERRIDE_LIMITS = {
  byMaxChars: 60,
  reasonMaxChars: 120,
  /**
   * Only the verdict just shown can be overridden or confirmed, and only for this long: the
   * person is still at the gate. Later, they scan again.
   */
  windowMs: 120_000,
} as const;

/** The reasons staff pick from; the log keeps the text as shown ("vi / en"). */
export const OVERRIDE_PRESET_REASONS: readonly (Bilingual & { readonly code: string })[] = [
  { code: 'papers-checked', vi: 'Đã kiểm tra giấy tờ', en: 'Papers checked' },
  { code: 'emergency', vi: 'Trường hợp khẩn cấp', en: 'Emergency' },
  { code: 'medical-staff', vi: 'Nhân viên y tế, công vụ', en: 'Medical or official duty' },
  { code: 'data-outdated', vi: 'Dữ liệu chưa cập nhật', en: 'Data not yet updated' },
];

/** The reason code every override entry carries, and the one naming the entry it overrides. */
export const OVERRIDE_REASON_CODE = 'override';
export const overridesCode = (seq: number): string => `overrides:${seq}`;

/** What the checks need to know about the logged entry a staff decision is about. */
export interface OverriddenEntry {
  readonly seq: number;
  /** ISO 8601 with offset, as logged. */
  readonly at: string;
  readonly outcome: string;
  /** The reasons logged with it: which `none` an override may let through, which red needs a second step. */
  readonly reasonCodes?: readonly string[];
  /** Whom it was about; a `none` without a person has nobody to let through. */
  readonly personId?: string | null;
}

/**
 * The `none` verdicts about a known person that staff may still let through: no record here
 * for them (the papers can be checked by hand), a status pass past its expiry. Every reason of
 * the verdict must be one of these: a forged or unreadable code is never overridden.
 */
export const OVERRIDABLE_NONE_CODES: readonly string[] = [
  'person.unknown',
  'pass.expired',
  // Where the (missing) facts came from: a person the hub does not know, or could not be
  // asked about in time, is as overridable as one with no record here (domain/verdict/hub-facts.ts).
  HUB_FACTS_REASONS.hubNotKnown.code,
  HUB_FACTS_REASONS.hubNoAnswer.code,
];

/** Reds the built-in rules give for infection or quarantine (F0, F1): an override needs a second confirmation. */
export const SEVERE_RED_CODES: readonly string[] = ['test-positive', 'quarantine'];

const isOverridableNone = (entry: OverriddenEntry): boolean =>
  entry.personId !== undefined &&
  entry.personId !== null &&
  (entry.reasonCodes?.length ?? 0) > 0 &&
  (entry.reasonCodes ?? []).every((code) => OVERRIDABLE_NONE_CODES.includes(code));

/** Whether overriding this entry needs the second step. */
export const needsSecondConfirm = (entry: OverriddenEntry): boolean =>
  entry.outcome === 'red' && (entry.reasonCodes ?? []).some((code) => SEVERE_RED_CODES.includes(code));

/** Why an override is refused, in words for the form. */
export const OVERRIDE_REFUSALS = {
  unknown: { code: 'override.unknown-entry', vi: 'Không tìm thấy lượt quét này', en: 'No such scan in the log' },
  notLatest: {
    code: 'override.not-latest',
    vi: 'Chỉ cho qua được lượt quét mới nhất — mời quét lại',
    en: 'Only the most recent scan can be overridden — please scan again',
  },
  tooOld: {
    code: 'override.too-old',
    vi: 'Lượt quét đã quá 2 phút — mời quét lại',
    en: 'That scan is more than 2 minutes old — please scan again',
  },
  green: { code: 'override.already-green', vi: 'Người này đã được vào (xanh)', en: 'This person was already allowed in (green)' },
  severe: {
    code: 'override.needs-second-confirm',
    vi: 'Người này đang là F0 hoặc đang cách ly — xác nhận lần nữa để cho qua',
    en: 'This person is F0 or in quarantine — confirm once more to let them through',
  },
  none: {
    code: 'override.no-verdict',
    vi: 'Mã không đọc được hoặc không hợp lệ — không thể cho qua, mời quét lại',
    en: 'The code was unreadable or invalid — nothing to override, please scan again',
  },
} as const satisfies Record<string, Reason>;

/** The refusals every kind of staff decision words for itself. */
export interface StaffDecisionRefusals {
  readonly unknown: Reason;
  readonly notLatest: Reason;
  readonly tooOld: Reason;
}

/**
 * The rules every staff decision about a verdict shares (an override, a confirm): the entry
 * exists, it is the newest in the log — so a staff decision is never repeated, and never made
 * about another staff decision, which is newer than what it was about — and it is under 2
 * minutes old: the person is still at the gate; later, they scan again. `kindRefusal` is the
 * decision's own check of the entry (its colour, its gate), made before the age.
 */
export function staffDecisionRefusal(
  entry: OverriddenEntry | undefined,
  isNewest: boolean,
  nowMs: number,
  refusals: StaffDecisionRefusals,
  kindRefusal: (entry: OverriddenEntry) => Reason | undefined,
): Reason | undefined {
  if (entry === undefined) return refusals.unknown;
  if (!isNewest) return refusals.notLatest;
  const refusal = kindRefusal(entry);
  if (refusal !== undefined) return refusal;
  const loggedAt = Date.parse(entry.at);
  // An unparseable time is a row no Chốt writes: too old to trust, like any old row.
  if (!Number.isFinite(loggedAt) || nowMs - loggedAt > OVERRIDE_LIMITS.windowMs) return refusals.tooOld;
  return undefined;
}

/**
 * Whether an entry may be overridden now: the shared rules above, and it stopped the person
 * (yellow or red, or a `none` about a known person: OVERRIDABLE_NONE_CODES). Any other `none`
 * has no person to let through: the code was unreadable or forged. A red for F0 or
 * quarantine needs the request's second confirmation.
 */
export function overrideRefusal(entry: OverriddenEntry | undefined, isNewest: boolean, nowMs: number, confirmedSevere = false): Reason | undefined {
  return staffDecisionRefusal(entry, isNewest, nowMs, OVERRIDE_REFUSALS, (checked) => {
    if (checked.outcome === 'green') return OVERRIDE_REFUSALS.green;
    if (checked.outcome === 'none') return isOverridableNone(checked) ? undefined : OVERRIDE_REFUSALS.none;
    if (checked.outcome !== 'yellow' && checked.outcome !== 'red') return OVERRIDE_REFUSALS.none;
    if (needsSecondConfirm(checked) && !confirmedSevere) return OVERRIDE_REFUSALS.severe;
    return undefined;
  });
}

/** The headline of an override verdict, distinct from a plain green so staff see what happened. */
export const OVERRIDE_HEADLINE: Bilingual = { vi: 'ĐƯỢC VÀO — NHÂN VIÊN CHO PHÉP', en: 'Entry allowed — staff override' };
