import type { Reason } from '../text/bilingual.js';
import type { Verdict } from '../verdict/verdict.js';

/**
 * Staff type a person's ID on the staff keypad (the card will not scan, or there is none to
 * scan): 12 digits (CCCD, Căn cước) or 9 (an old CMND). It is decided like any scan, as a bare
 * number (credential `manual`, authenticity `manual`: nothing vouches for it), read by the
 * source `manual` / TYPED_ID_DEVICE at the screen's lane and direction, and its entry names the
 * staff member who typed it (`enteredBy`, entry format 4). Needs a staff session once staff PINs
 * are set; without PINs the screen asks who, as an override does.
 */
export interface TypedIdRequest {
  /** The digits, 12 or 9, without spaces: the keypad takes digits only. */
  readonly id: string;
  /** The staff member typed on the screen, checked like an override's who: used only where no staff PIN is set. */
  readonly by?: string;
}

export type TypedIdResult =
  | { readonly ok: true; readonly verdict: Verdict }
  /** Not an error of the kiosk: the number cannot be decided (its structure, no staff session), and the screen says why. Nothing is logged. */
  | { readonly ok: false; readonly refusal: Reason };

/** The device an ID typed on the staff keypad is logged as read by. */
export const TYPED_ID_DEVICE = 'staff-keypad';

/** What the contract accepts as a typed ID: digits only, as many as an ID has (the parser checks the rest). */
export const TYPED_ID_PATTERN = /^(?:\d{12}|\d{9})$/;

/** The longest a typed ID is: the keypad stops there. */
export const TYPED_ID_MAX_DIGITS = 12;
