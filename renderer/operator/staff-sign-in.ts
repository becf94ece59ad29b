import type { KioskApi } from '../../domain/contract/kiosk-api.js';
import { NO_STAFF_PIN_NOTICE, STAFF_PIN_MAX_DIGITS, STAFF_PIN_PATTERN, type StaffSessionState } from '../../domain/contract/staff-session.js';
import type { Bilingual } from '../../domain/text/bilingual.js';
import { byId, langSpan, setAlert } from '../view/dom.js';
import type { ScreenName, Screens } from '../view/screens.js';
import { CAN_KEYPAD_LAYOUT, type CanKey } from './chip-can-entry.js';

const KEY_LABELS: Readonly<Record<'back' | 'clear', Bilingual & { readonly glyph: string }>> = {
  back: { glyph: '⌫', vi: 'Xoá', en: 'Delete' },
  clear: { glyph: '⨯', vi: 'Xoá hết', en: 'Clear' },
};
const PIN_SHAPE: Bilingual = { vi: 'Mã PIN gồm 6 đến 12 chữ số', en: 'The PIN is 6 to 12 digits' };
const FAULT: Bilingual = { vi: 'Lỗi — chưa đăng nhập được', en: 'Fault — not signed in' };

/** The digits of what reached the field (an input method's full-width digits too), at most a PIN's length. */
export const pinDigitsOf = (text: string): string =>
  text
    .normalize('NFKC')
    .replace(/[^0-9]/g, '')
    .slice(0, STAFF_PIN_MAX_DIGITS);

/**
 * The staff sign-in: a PIN keypad screen (keys of at least 48 CSS px, staff-sign-in.css; the field
 * takes a physical keyboard too) opened when a staff action is asked without a session, and
 * the "signed in as … · sign out" line of the staff screens. The core owns the session; this
 * only asks it. The PIN is kept nowhere: the field is emptied once the core has answered.
 */
export class StaffSignIn {
  private readonly form = byId<HTMLFormElement>('staff-pin-form');
  private readonly input = byId<HTMLInputElement>('staff-pin-input');
  private readonly error = byId('staff-pin-error');
  private pending: (() => void) | undefined;
  private returnTo: ScreenName = 'idle';
  private sending = false;
  private state: StaffSessionState = { pinsConfigured: false };

  constructor(
    private readonly api: KioskApi,
    private readonly screens: Screens,
    private readonly describe: (error: unknown) => string,
    /** Cancel, or a sign-out: staff screens close. */
    private readonly onLeave: () => void,
  ) {
    byId('staff-pin-keypad').replaceChildren(...CAN_KEYPAD_LAYOUT.map((key) => this.keyButton(key)));
    this.input.maxLength = STAFF_PIN_MAX_DIGITS;
    this.input.addEventListener('input', () => {
      const digits = pinDigitsOf(this.input.value);
      if (digits !== this.input.value) this.input.value = digits;
    });
    this.form.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.send();
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
    this.input.value = '';
    setAlert(this.error, undefined);
    this.screens.show('staff-pin');
    this.input.focus();
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
    this.input.value = '';
    this.onLeave();
  }

  private keyButton(key: CanKey): HTMLButtonElement {
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'pin-key';
    button.dataset.key = key;
    if (key === 'back' || key === 'clear') {
      const label = KEY_LABELS[key];
      const glyph = document.createElement('span');
      glyph.className = 'glyph';
      glyph.setAttribute('aria-hidden', 'true');
      glyph.textContent = label.glyph;
      // Named by its visible words (the glyph is hidden from assistive technology): a separate
      // aria-label would be a name other than what a sighted helper reads out (WCAG 2.5.3).
      button.append(glyph, langSpan('vi', label.vi), ' ', langSpan('en', label.en));
    } else {
      button.textContent = key;
    }
    // The field keeps the focus, so a physical keyboard goes on working after a tap.
    button.addEventListener('pointerdown', (event) => event.preventDefault());
    button.addEventListener('click', () => {
      const value = this.input.value;
      this.input.value = key === 'clear' ? '' : key === 'back' ? value.slice(0, -1) : pinDigitsOf(value + key);
      setAlert(this.error, undefined);
      this.input.focus();
    });
    return button;
  }

  private async send(): Promise<void> {
    if (this.sending) return;
    const pin = pinDigitsOf(this.input.value);
    if (!STAFF_PIN_PATTERN.test(pin)) {
      setAlert(this.error, PIN_SHAPE);
      this.input.focus();
      return;
    }
    this.sending = true;
    try {
      const result = await this.api.staffSignIn({ pin });
      this.input.value = '';
      if (!result.ok) {
        setAlert(this.error, result.refusal, result.refusal.code);
        this.input.focus();
        return;
      }
      this.state = { pinsConfigured: true, signedIn: { staff: result.staff, expiresAt: result.expiresAt } };
      this.showLine();
      const action = this.pending;
      this.pending = undefined;
      this.screens.show(this.returnTo === 'staff-pin' ? 'idle' : this.returnTo);
      action?.();
    } catch (error) {
      this.input.value = '';
      setAlert(this.error, FAULT, this.describe(error));
    } finally {
      this.sending = false;
    }
  }
}
