import type { KioskApi } from '../../domain/contract/kiosk-api.js';
import { NO_STAFF_PIN_NOTICE, STAFF_PIN_MAX_DIGITS, STAFF_PIN_PATTERN, type StaffSessionState } from '../../domain/contract/staff-session.js';
import type { Bilingual } from '../../domain/text/bilingual.js';
import { DigitKeypad } from '../view/digit-keypad.js';
import { byId, langSpan } from '../view/dom.js';
import type { ScreenName, Screens } from '../view/screens.js';
const PIN_SHAPE: Bilingual = { vi: 'Mã PIN gồm 6 đến 12 chữ số', en: 'The PIN is 6 to 12 digits' };
const FAULT: Bilingual = { vi: 'Lỗi — chưa đăng nhập được', en: 'Fault — not signed in' };

/**
 * The staff sign-in: a PIN screen on the staff side's digit keypad (digit-keypad.ts), masked, opened when a staff action is asked without a session, and
 * the "signed in as … · sign out" line of the staff screens. The core owns the session; this
 * only asks it. The PIN is kept nowhere: the field is emptied once the core has answered.
 */
export class StaffSignIn {
  private readonly keypad: DigitKeypad;
  private pending: (() => void) | undefined;
  private returnTo: ScreenName = 'idle';
  private state: StaffSessionState = { pinsConfigured: false };

  constructor(
    private readonly api: KioskApi,
    private readonly screens: Screens,
    private readonly describe: (error: unknown) => string,
    /** Cancel, or a sign-out: staff screens close. */
    private readonly onLeave: () => void,
  ) {
    this.keypad = new DigitKeypad({
      idPrefix: 'staff-pin',
      maxDigits: STAFF_PIN_MAX_DIGITS,
      masked: true,
      problemOf: (pin) => (STAFF_PIN_PATTERN.test(pin) ? undefined : PIN_SHAPE),
      submit: (pin) => this.send(pin),
      forgetAfterSubmit: true,
    });
    byId('staff-pin-cancel').addEventListener('click', () => this.cancel());
    byId('staff-sign-out').addEventListener('click', () => void this.signOut());
  }

  /** Whether the kiosk has staff PINs, as last heard: without, staff forms ask a typed "who". */
  get pinsConfigured(): boolean {
    return this.state.pinsConfigured;
  }

  /**
   * Runs `action` as staff: at once when signed in or when no PIN is set (a demo kiosk), else
   * after a sign-in on the PIN screen. Cancel drops it.
   */
  async asStaff(action: () => void): Promise<void> {
    await this.refresh();
    if (!this.state.pinsConfigured || this.state.signedIn !== undefined) {
      action();
      return;
    }
    this.requireSignIn(action);
  }

  /** The core said the session ended (idle time): the PIN screen, then the same action again. */
  requireSignIn(action: () => void): void {
    this.pending = action;
    this.returnTo = this.screens.current;
    this.screens.show('staff-pin');
    this.keypad.reset();
  }

  /** Reads the session from the core and shows it on the staff line. */
  async refresh(): Promise<void> {
    try {
      this.state = await this.api.getStaffSession();
    } catch {
      // Unknown: staff actions will ask the core, which refuses without a session.
      this.state = { pinsConfigured: true };
    }
    this.showLine();
  }

  private showLine(): void {
    const signedIn = this.state.signedIn;
    const who = byId('staff-line-who');
    const signOut = byId('staff-sign-out');
    byId('staff-line').dataset.state = !this.state.pinsConfigured ? 'no-pins' : signedIn === undefined ? 'signed-out' : 'signed-in';
    if (!this.state.pinsConfigured) {
      who.replaceChildren(langSpan('vi', NO_STAFF_PIN_NOTICE.vi), document.createTextNode(' · '), langSpan('en', NO_STAFF_PIN_NOTICE.en));
    } else if (signedIn === undefined) {
      who.replaceChildren(langSpan('vi', 'Chưa đăng nhập'), document.createTextNode(' · '), langSpan('en', 'Not signed in'));
    } else {
      // A staff name comes from the PIN file: text, never markup.
      const name = document.createElement('strong');
      name.textContent = signedIn.staff;
      who.replaceChildren(langSpan('vi', 'Đăng nhập:'), document.createTextNode(' '), name, document.createTextNode(' · '), langSpan('en', 'Signed in'));
    }
    signOut.hidden = signedIn === undefined;
  }

  private async signOut(): Promise<void> {
    try {
      this.state = await this.api.staffSignOut();
    } finally {
      this.showLine();
      this.onLeave();
    }
  }

  private cancel(): void {
    this.pending = undefined;
    this.keypad.reset();
    this.onLeave();
  }

  private async send(pin: string): Promise<void> {
    try {
      const result = await this.api.staffSignIn({ pin });
      if (!result.ok) {
        this.keypad.showProblem(result.refusal, result.refusal.code);
        this.keypad.focus();
        return;
      }
      this.state = { pinsConfigured: true, signedIn: { staff: result.staff, expiresAt: result.expiresAt } };
      this.showLine();
      const action = this.pending;
      this.pending = undefined;
      this.screens.show(this.returnTo === 'staff-pin' ? 'idle' : this.returnTo);
      action?.();
    } catch (error) {
      this.keypad.showProblem(FAULT, this.describe(error));
    }
  }
}
