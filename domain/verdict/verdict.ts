import type { CredentialKind, Authenticity } from '../credentials/credential.js';
import type { Bilingual, Reason } from '../text/bilingual.js';
import type { ChipVerdictDetail } from './chip-verdict.js';
import type { KioskSetup } from '../contract/kiosk-setup.js';

export type Colour = 'green' | 'yellow' | 'red';
/** Every outcome a decision can have (one list: the entry log and the hub's upload check read it). */
export const OUTCOMES = ['green', 'yellow', 'red', 'none'] as const;
/** `none`: no colour could be decided (unreadable, forged, unknown person, stale data by policy). */
export type Outcome = (typeof OUTCOMES)[number];

/** What the screen shows after a scan. Built by the core; the renderer only draws it. */
export interface Verdict {
  readonly outcome: Outcome;
  readonly headline: Bilingual;
  readonly reasons: readonly Reason[];
  readonly subject?: {
    readonly name?: string;
    readonly birthYear?: number;
    /** Last 4 digits of the ID, enough for staff to match the card. */
    readonly idTail?: string;
    /** What that number is, as staff call it: "CCCD", "CMND", "BHYT", or a typed number's label (shown-identifier.ts). */
    readonly idLabel?: string;
  };
  readonly credentialKind: CredentialKind | 'unknown';
  readonly authenticity: Authenticity | 'none';
  readonly gate: {
    readonly open: boolean;
    /**
     * Present when the colour opens this lane but the credential proves nothing by itself
     * (unsigned, manual): why the gate stays closed and what staff do, for the screen's gate
     * line; staff confirm (`confirmLastVerdict`) opens it.
     */
    readonly needsConfirm?: Reason;
  };
  /** The entry-log sequence number this verdict was committed under. */
  readonly entrySeq: number;
  /** ISO 8601, Vietnam time. */
  readonly decidedAt: string;
  readonly ruleSet?: { readonly id: string; readonly version: string };
  /** Present when staff let the person through: who, why, and the entry they overrode. */
  readonly override?: { readonly by: string; readonly reason: string; readonly overridesSeq: number };
  /** Present when staff confirmed a verdict whose gate waited for them: who, and the entry confirmed. */
  readonly confirm?: { readonly by: string; readonly confirmsSeq: number };
  /** Present on a chip card's verdict: how the chip was opened and checked, and the face for staff (never stored). */
  readonly chip?: ChipVerdictDetail;
  /**
   * The same code read again on the same input within the repeat window: this is the first
   * read's verdict, and nothing new was logged or opened. The screen stays as it is: no new
   * verdict, sound or hold time.
   */
  readonly repeat?: true;
  /**
   * A staff badge opened a staff session for this staff member: not an entry (nothing was
   * logged in the entry log, entrySeq is 0) and nothing opens; the screen says who signed in.
   */
  readonly staffSignIn?: { readonly staff: string };
  /**
   * An enrolment QR (domain/enrollment/enrollment-qr.ts): not an entry (nothing logged,
   * entrySeq 0, nothing opens); the screen shows the kiosk set-up and where it stands.
   */
  readonly setup?: KioskSetup;
}

export const COLOUR_HEADLINES: Readonly<Record<Colour, Bilingual>> = {
  green: { vi: 'ĐƯỢC VÀO', en: 'Entry allowed' },
  yellow: { vi: 'HẠN CHẾ — GẶP NHÂN VIÊN', en: 'Restricted — please see staff' },
  red: { vi: 'KHÔNG ĐƯỢC VÀO', en: 'Entry not allowed' },
};

/** Why no colour could be decided, as the headline says it. */
export const NO_COLOUR_HEADLINES = {
  unreadable: { vi: 'KHÔNG ĐỌC ĐƯỢC MÃ', en: 'Cannot read this code' },
  'unknown-person': { vi: 'KHÔNG CÓ DỮ LIỆU', en: 'No record for this person' },
  invalid: { vi: 'MÃ KHÔNG HỢP LỆ', en: 'Invalid or untrusted code' },
  /** Only part of a code arrived (its start was lost on the way): nothing is wrong with the person or the code. */
  'scan-again': { vi: 'QUÉT LẠI', en: 'Scan again' },
} as const satisfies Record<string, Bilingual>;
