import type { Reason } from '../text/bilingual.js';

/**
 * The kiosk set-up screen (Cài đặt kiosk / Kiosk set-up): an enrolment QR scanned on a kiosk
 * that is not enrolled (domain/enrollment/enrollment-qr.ts). It is shown for the scan that
 * started it (Verdict.setup, no entry) and pushed as it moves on (the `setup` kiosk event).
 */
export const KIOSK_SETUP_PHASES = ['enrolling', 'enrolled', 'refused'] as const;
export type KioskSetupPhase = (typeof KIOSK_SETUP_PHASES)[number];

export interface KioskSetup {
  readonly phase: KioskSetupPhase;
  /** The hub's URL as the QR named it, once the QR was read. */
  readonly hub?: string;
  /** The location the hub enrolled the kiosk for, once known. */
  readonly location?: string;
  /** The kiosk's device id at the hub, once enrolled. */
  readonly deviceId?: string;
  /** Why the enrolment did not happen (phase `refused`): what to do, in both languages. */
  readonly reason?: Reason;
}
