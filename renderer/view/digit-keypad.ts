import type { Bilingual } from '../../domain/text/bilingual.js';
import { byId, langSpan, setAlert } from './dom.js';
import { digitsOf, KEYPAD_LAYOUT, pressDigitKey, type DigitKey } from './digit-keys.js';

const KEY_LABELS: Readonly<Record<'back' | 'clear', Bilingual & { readonly glyph: string }>> = {
  back: { glyph: '⌫', vi: 'Xoá', en: 'Delete' },
  clear: { glyph: '⨯', vi: 'Xoá hết', en: 'Clear' },
};

export interface DigitKeypadOptions {
  /**
   * The screen's elements are `<prefix>-form`, `-input`, `-keypad` and `-error` (index.html,
   * classes keypad-form, keypad-input, keypad); the form's submit button is the Enter key, as
   * Enter on a physical keyboard is.
   */
  readonly idPrefix: string;
  readonly maxDigits: number;
  /** A PIN is masked; a CAN or an ID is shown, so staff can compare it with the card. */
  readonly masked: boolean;
  /** Why these digits cannot be sent (too few, a structure the core would refuse), or undefined. */
  readonly problemOf: (digits: string) => Bilingual | undefined;
  /**
   * Checked after every change, typed or tapped: a problem the digits already have is said at
   * once, in words (a typed ID's century digit), not only at Enter. Default: nothing said while typing.
   */
  readonly problemWhileTyping?: (digits: string) => Bilingual | undefined;
  /** The digits passed problemOf: send them. */
  readonly submit: (digits: string) => Promise<void>;
  /** A PIN or a CAN opens something, so it is kept nowhere: the field is emptied once submit settles. */
  readonly forgetAfterSubmit: boolean;
}

/**
 * The one on-screen digit keypad of the staff side: digits, delete, clear, and Enter (the form's
 * submit button), for the touch screen, with the field taking a physical keyboard too. Keys are
 * at least 48 CSS px and sized from the smaller screen side (keypad.css). The field keeps the
 * focus, so a keyboard goes on working after a tap, and keys are the keypad's, not the scanner's.
 */
export class DigitKeypad {
  private readonly form: HTMLFormElement;
  private readonly input: HTMLInputElement;
  private readonly error: HTMLElement;
  private sending = false;

  constructor(private readonly options: DigitKeypadOptions) {
    const { idPrefix, maxDigits } = options;
    this.form = byId<HTMLFormElement>(`${idPrefix}-form`);
    this.input = byId<HTMLInputElement>(`${idPrefix}-input`);
    this.error = byId(`${idPrefix}-error`);
    this.input.type = options.masked ? 'password' : 'text';
    this.input.inputMode = 'numeric';
    this.input.maxLength = maxDigits;
    // keypad.css sizes the field to show every digit the entry can have.
    this.input.style.setProperty('--digits', String(maxDigits));
    byId(`${idPrefix}-keypad`).replaceChildren(...KEYPAD_LAYOUT.map((key) => this.keyButton(key)));
    // Whatever reaches the field (typed, pasted, an input method's digits) is cut to digits.
    this.input.addEventListener('input', () => {
      const digits = digitsOf(this.input.value, maxDigits);
      if (digits !== this.input.value) this.input.value = digits;
      this.changed();
    });
    this.form.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.send();
    });
  }

  /** An empty field, no message, the focus on it: what every opening of the screen starts from. */
  reset(): void {
    this.input.value = '';
    setAlert(this.error, undefined);
    this.input.focus();
  }

  focus(): void {
    this.input.focus();
  }

  /** The core's refusal or a fault, in the keypad's alert line. */
  showProblem(problem: Bilingual | undefined, detail?: string): void {
    setAlert(this.error, problem, detail);
  }

  private changed(): void {
    setAlert(this.error, this.options.problemWhileTyping?.(this.input.value));
  }

  private keyButton(key: DigitKey): HTMLButtonElement {
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'keypad-key';
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
      this.input.value = pressDigitKey(this.input.value, key, this.options.maxDigits);
      this.changed();
      this.input.focus();
    });
    return button;
  }

  private async send(): Promise<void> {
    if (this.sending) return;
    const digits = digitsOf(this.input.value, this.options.maxDigits);
    const problem = this.options.problemOf(digits);
    if (problem !== undefined) {
      setAlert(this.error, problem);
      this.input.focus();
      return;
    }
    this.sending = true;
    try {
      await this.options.submit(digits);
    } finally {
      if (this.options.forgetAfterSubmit) this.input.value = '';
      this.sending = false;
    }
  }
}
