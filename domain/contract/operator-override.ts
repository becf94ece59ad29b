import type { Bilingual, Reason } from '../text/bilingual.js';
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
  /** The staff member: a name or a staff id. Staff identity, never the scanned person's. */
  readonly by: string;
  /** Why, in a few words: a preset reason's text, or the operator's own words. */
  readonly reason: string;
}

export type OverrideResult =
  | { readonly ok: true; readonly verdict: Verdict }
  /** Not an error of the kiosk: the request cannot be honoured, and the screen says why. */
  | { readonly ok: false; readonly refusal: Reason };

/** Limits on what the operator types, counted in characters (code points, after NFC). */
export const OVERRIDE_LIMITS = {
  byMaxChars: 60,
  reasonMaxChars: 120,
  /**
   * Only the verdict just shown can be overridden, and only for this long: the person is
   * still at the gate. Later, they scan again.
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

/** What the check needs to know about the entry to override (a logged row). */
export interface OverriddenEntry {
  readonly seq: number;
  /** ISO 8601 with offset, as logged. */
  readonly at: string;
  readonly outcome: string;
}

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
  none: {
    code: 'override.no-verdict',
    vi: 'Mã không đọc được hoặc không hợp lệ — không thể cho qua, mời quét lại',
    en: 'The code was unreadable or invalid — nothing to override, please scan again',
  },
} as const satisfies Record<string, Reason>;

/**
 * Whether an entry may be overridden now: it exists, it is the newest decision in the log
 * (so an override is never overridden or repeated), it is recent, and it stopped the person
 * (yellow or red). `none` has no person to let through: the code was unreadable or forged.
 */
export function overrideRefusal(entry: OverriddenEntry | undefined, isNewest: boolean, nowMs: number): Reason | undefined {
  if (entry === undefined) return OVERRIDE_REFUSALS.unknown;
  if (!isNewest) return OVERRIDE_REFUSALS.notLatest;
  if (entry.outcome === 'green') return OVERRIDE_REFUSALS.green;
  if (entry.outcome !== 'yellow' && entry.outcome !== 'red') return OVERRIDE_REFUSALS.none;
  const loggedAt = Date.parse(entry.at);
  // An unparseable time is a row no Chốt writes: too old to trust, like any old row.
  if (!Number.isFinite(loggedAt) || nowMs - loggedAt > OVERRIDE_LIMITS.windowMs) return OVERRIDE_REFUSALS.tooOld;
  return undefined;
}

/** The headline of an override verdict, distinct from a plain green so staff see what happened. */
export const OVERRIDE_HEADLINE: Bilingual = { vi: 'ĐƯỢC VÀO — NHÂN VIÊN CHO PHÉP', en: 'Entry allowed — staff override' };
