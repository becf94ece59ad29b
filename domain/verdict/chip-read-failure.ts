import type { Reason } from '../text/bilingual.js';
import type { Assessment } from './assess-credential.js';

/** The headline of a chip that could not be read: no colour, and the reason says why (wrong key, card removed…). */
export const CHIP_UNREAD_HEADLINE = { vi: 'KHÔNG ĐỌC ĐƯỢC CHIP', en: 'Cannot read the chip' } as const;

/**
 * A chip read that failed decides nothing, but is a decision at the gate all the same: logged
 * with its reason (domain/chip/read-chip-errors.ts), so that a card whose chip never opens
 * shows in the reports like an unreadable code does.
 */
export function assessChipReadFailure(reason: Reason): Assessment {
  return { outcome: 'none', headline: CHIP_UNREAD_HEADLINE, reasons: [reason], factsFrom: null };
}
