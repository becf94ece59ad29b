import type { Outcome } from '../verdict/verdict.js';

/**
 * `KioskApi.getTodayStats`: what this kiosk decided today (Vietnam's calendar day), for the
 * operator: how many, by colour and by credential kind (phone pass, ID card, insurance card,
 * typed ID…). Counted from the entry log, so it is exactly what was logged.
 */
export interface TodayStats {
  /** YYYY-MM-DD in Vietnam. */
  readonly date: string;
  readonly total: number;
  readonly byOutcome: Readonly<Record<Outcome, number>>;
  /**
   * Credential kinds as logged (`cccd-qr`, `bhyt-qr`, `pass`, `dcc`, `chip`, `manual`,
   * `unknown`…), except a chip ID card that passed passive authentication: `chip-verified`
   * (domain/entries/tally-kind.ts); `chip` counts the chip reads that did not verify.
   */
  readonly byCredentialKind: Readonly<Record<string, number>>;
}
