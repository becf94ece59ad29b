import type { KioskApi } from '../../domain/contract/kiosk-api.js';
import type { Bilingual } from '../../domain/text/bilingual.js';
import { byId, langSpan, setAlert } from '../view/dom.js';
import { CAN_KEYPAD_LAYOUT, canDigitsOf, canProblem, pressCanKey, type CanKey } from './chip-can-entry.js';

const KEY_LABELS: Readonly<Record<'back' | 'clear', Bilingual & { readonly glyph: string }>> = {
  back: { glyph: '⌫', vi: 'Xoá', en: 'Delete' },
  clear: { glyph: '⨯', vi: 'Xoá hết', en: 'Clear' },
};

const FAULT: Bilingual = { vi: 'Lỗi — chưa gửi được số CAN', en: 'Fault — the CAN was not sent' };

/**
 * Staff type the card access number printed on a chip ID card, for a card on the reader with
 * no QR scanned first: an on-screen keypad for the touch screen (keys of at least 48 CSS px,
 * chip.css) and the field itself for a physical keyboard (digits, Backspace, Enter). The CAN
 * opens the chip, so it is kept nowhere: the field is emptied once the core has answered and
 * whenever the screen opens.
 */
export class ChipCanKeypad {
  private readonly form = byId<HTMLFormElement>('chip-can-form');
  private readonly input = byId<HTMLInputElement>('chip-can-input');
  private readonly error = byId('chip-can-error');
  private sending = false;

  constructor(
    private readonly api: KioskApi,
    private readonly describe: (error: unknown) => string,
    /** The core took the CAN: staff go back to the gate, where the card prompt follows the read. */
    private readonly onAccepted: () => void,
    cancel: () => void,
  ) {
    byId('chip-can-keypad').replaceChildren(...CAN_KEYPAD_LAYOUT.map((key) => this.keyButton(key)));
    // Whatever reaches the field (typed, pasted, an input method's digits) is cut to the digits of a CAN.
    this.input.addEventListener('input', () => {
      const digits = canDigitsOf(this.input.value);
      if (digits !== this.input.value) this.input.value = digits;
    });
    this.form.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.send();
    });
    byId('chip-can-cancel').addEventListener('click', cancel);
  }

  open(): void {
    this.input.value = '';
    setAlert(this.error, undefined);
    this.input.focus();
  }

  private keyButton(key: CanKey): HTMLButtonElement {
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'chip-can-key';
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
      this.input.value = pressCanKey(this.input.value, key);
      setAlert(this.error, undefined);
      this.input.focus();
    });
    return button;
  }

  private async send(): Promise<void> {
    if (this.sending) return;
    const can = canDigitsOf(this.input.value);
    const problem = canProblem(can);
    if (problem !== undefined) {
      setAlert(this.error, problem);
      this.input.focus();
      return;
    }
    this.sending = true;
    try {
      const result = await this.api.enterChipCan({ can });
      this.input.value = '';
      if (result.ok) {
        setAlert(this.error, undefined);
        this.onAccepted();
      } else {
        setAlert(this.error, result.refusal, result.refusal.code);
        this.input.focus();
      }
    } catch (error) {
      this.input.value = '';
      setAlert(this.error, FAULT, this.describe(error));
    } finally {
      this.sending = false;
    }
  }
}
