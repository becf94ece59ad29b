import type { Reason } from '../text/bilingual.js';

/**
 * Staff sign-in: staff actions (override, confirm, the CAN keypad, diagnostics) need a staff
 * session opened with a PIN. The core owns the session (main/staff/staff-sessions.ts): the
 * renderer only asks for one and shows who is signed in; who made a staff decision is the
 * session's staff name, never a name typed on the screen.
 */
export interface StaffSignInRequest {
  /** 6 to 12 digits, as `chot staff add` took it. Never logged, never kept. */
  readonly pin: string;
}

export type StaffSignInResult =
  | { readonly ok: true; readonly staff: string; readonly expiresAt: string }
  /** A wrong PIN, a lock after too many, or no staff configured: the keypad says which. */
  | { readonly ok: false; readonly refusal: Reason; readonly lockedUntil?: string };

/** What the screen needs to know: whether PINs are set at all, and who is signed in until when. */
export interface StaffSessionState {
  /** False on a kiosk with no staff PIN (a fresh demo kiosk): anyone may act as staff, and the screen says so. */
  readonly pinsConfigured: boolean;
  readonly signedIn?: { readonly staff: string; readonly expiresAt: string };
}

/** A PIN: digits only, 6 to 12 of them. */
export const STAFF_PIN_PATTERN = /^[0-9]{6,12}$/;
export const STAFF_PIN_MIN_DIGITS = 6;
export const STAFF_PIN_MAX_DIGITS = 12;

export const STAFF_REFUSALS = {
  wrongPin: { code: 'staff.wrong-pin', vi: 'Sai mã PIN', en: 'Wrong PIN' },
  locked: {
    code: 'staff.locked',
    vi: 'Nhập sai quá nhiều lần — tạm khoá, thử lại sau',
    en: 'Too many wrong PINs — locked for a while, try again later',
  },
  noStaff: {
    code: 'staff.no-staff',
    vi: 'Chưa có mã PIN nhân viên nào (chot staff add)',
    en: 'No staff PIN is set (chot staff add)',
  },
  whoMissing: { code: 'staff.who-missing', vi: 'Nhập tên hoặc mã nhân viên', en: 'Enter your name or staff id' },
  signInRequired: {
    code: 'staff.sign-in-required',
    vi: 'Nhân viên cần đăng nhập bằng mã PIN',
    en: 'Staff must sign in with a PIN',
  },
} as const satisfies Record<string, Reason>;

/** Said on staff screens of a kiosk with no staff PIN: the override is open to anyone there. */
export const NO_STAFF_PIN_NOTICE = {
  vi: 'Chưa đặt mã PIN nhân viên: ai cũng cho qua được (chot staff add)',
  en: 'No staff PIN set: anyone can override (chot staff add)',
} as const;
