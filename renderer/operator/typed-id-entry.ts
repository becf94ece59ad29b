import type { KioskApi } from '../../domain/contract/kiosk-api.js';
import { STAFF_REFUSALS } from '../../domain/contract/staff-session.js';
import { TYPED_ID_MAX_DIGITS } from '../../domain/contract/typed-id.js';
import { typedIdProblem } from '../../domain/credentials/manual-entry.js';
import type { Bilingual } from '../../domain/text/bilingual.js';
import type { Verdict } from '../../domain/verdict/verdict.js';
import { DigitKeypad } from '../view/digit-keypad.js';
import { byId } from '../view/dom.js';
import type { Screens } from '../view/screens.js';
import type { StaffSignIn } from './staff-sign-in.js';

const FAULT: Bilingual = { vi: 'Lỗi — chưa ghi được, cổng vẫn đóng', en: 'Fault — not logged, the gate stays closed' };
const WHO_MISSING: Bilingual = { vi: 'Nhập tên hoặc mã nhân viên', en: 'Enter your name or staff id' };

export interface TypedIdEntryDeps {
  readonly api: KioskApi;
  readonly screens: Screens;
  readonly staff: StaffSignIn;
  readonly describe: (error: unknown) => string;
  /** The core decided and logged it: the verdict is shown as a scan's is. */
  readonly onDecided: (verdict: Verdict) => void;
  readonly cancel: () => void;
}

/**
 * Staff type a person's ID when the card will not scan (a scanner's wedge ignores slow typing
 * by design): 12 or 9 digits on the staff keypad, checked as they are typed with the parser's
 * own rules (manual-entry.ts: typedIdProblem), so a century digit no living person has is
 * said in words before anything is sent. The core decides it like a scan and logs who typed
 * it; without staff PINs the screen asks who, as the override form does.
 */
export class TypedIdEntry {
  private readonly keypad: DigitKeypad;
  private readonly byField = byId('typed-id-by-field');
  private readonly by = byId<HTMLInputElement>('typed-id-by');

  constructor(private readonly deps: TypedIdEntryDeps) {
    this.keypad = new DigitKeypad({
      idPrefix: 'typed-id',
      maxDigits: TYPED_ID_MAX_DIGITS,
      masked: false,
      problemOf: (digits) => typedIdProblem(digits, true)?.message,
      problemWhileTyping: (digits) => typedIdProblem(digits, false)?.message,
      submit: (id) => this.send(id),
      // An ID is not a secret: kept after a refusal, so staff mend it rather than type it again.
      forgetAfterSubmit: false,
    });
    byId('typed-id-cancel').addEventListener('click', deps.cancel);
  }

  open(): void {
    this.deps.screens.show('typed-id');
    // With staff PINs the core names the signed-in staff member; without, someone must say who typed it.
    this.byField.hidden = this.deps.staff.pinsConfigured;
    this.keypad.reset();
  }

  private async send(id: string): Promise<void> {
    const pins = this.deps.staff.pinsConfigured;
    const by = this.by.value.normalize('NFC').trim();
    if (!pins && by === '') {
      this.keypad.showProblem(WHO_MISSING);
      this.by.focus();
      return;
    }
    try {
      const result = await this.deps.api.enterTypedId(pins ? { id } : { id, by });
      if (result.ok) {
        this.deps.onDecided(result.verdict);
        return;
      }
      if (result.refusal.code === STAFF_REFUSALS.signInRequired.code) {
        // The session ran out while typing: sign in, then back to this screen, the digits kept.
        this.deps.staff.requireSignIn(() => {
          this.deps.screens.show('typed-id');
          this.keypad.focus();
        });
        return;
      }
      this.keypad.showProblem(result.refusal, result.refusal.code);
      this.keypad.focus();
    } catch (error) {
      this.keypad.showProblem(FAULT, this.deps.describe(error));
    }
  }
}
