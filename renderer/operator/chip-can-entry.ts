import { CHIP_CAN_PATTERN } from '../../domain/contract/chip-reading.js';
import type { Bilingual } from '../../domain/text/bilingual.js';

/** The card access number printed on the card: always 6 digits. */
export const CAN_LENGTH = 6;

const CAN_INCOMPLETE: Bilingual = { vi: 'Số CAN gồm 6 chữ số in trên thẻ', en: 'The CAN is the 6 digits printed on the card' };

/** Why the field cannot be sent yet, or undefined when it is a CAN (the core checks the same pattern). */
export const canProblem = (can: string): Bilingual | undefined => (CHIP_CAN_PATTERN.test(can) ? undefined : CAN_INCOMPLETE);
