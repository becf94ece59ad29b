import type { KioskApi } from '../../domain/contract/kiosk-api.js';
import type { Bilingual } from '../../domain/text/bilingual.js';
import { byId } from '../view/dom.js';
import { DigitKeypad } from '../view/digit-keypad.js';
import { CAN_LENGTH, canProblem } from './chip-can-entry.js';

const FAULT: Bilingual = { vi: 'Lỗi — chưa gửi được số CAN', en: 'Fault — the CAN was not sent' };

/**
 * Staff type the card access number printed on a chip ID card, for a card on the reader with
 * no QR scanned first, on the staff side's digit keypad (digit-keypad.ts). The CAN opens the
 * chip, so it is kept nowhere: the field is emptied once the core has answered and whenever
 * the screen opens.
 */
export class ChipCanKeypad {
  private readonly keypad: DigitKeypad;

  constructor(
    private readonly api: KioskApi,
    private readonly describe: (error: unknown) => string,
    /** The core took the CAN: staff go back to the gate, where the card prompt follows the read. */
    private readonly onAccepted: () => void,
    cancel: () => void,
  ) {
    this.keypad = new DigitKeypad({
      idPrefix: 'chip-can',
      maxDigits: CAN_LENGTH,
      masked: false,
      problemOf: canProblem,
      submit: (can) => this.send(can),
      forgetAfterSubmit: true,
    });
    byId('chip-can-cancel').addEventListener('click', cancel);
  }

  open(): void {
    this.keypad.reset();
  }

  private async send(can: string): Promise<void> {
    try {
      const result = await this.api.enterChipCan({ can });
      if (result.ok) {
        this.keypad.showProblem(undefined);
        this.onAccepted();
      } else {
        this.keypad.showProblem(result.refusal, result.refusal.code);
        this.keypad.focus();
      }
    } catch (error) {
      this.keypad.showProblem(FAULT, this.describe(error));
    }
  }
}
