import { STAFF_REFUSALS } from '../../domain/contract/staff-session.js';
import type { Reason } from '../../domain/text/bilingual.js';
import type { StaffSessions } from '../staff/staff-sessions.js';

export type StaffIdentity = { readonly ok: true; readonly by: string } | { readonly ok: false; readonly refusal: Reason };

/**
 * Who makes a staff decision. With staff PINs set, the signed-in staff member — whatever the
 * screen typed, which is ignored — and nobody without a session: the decision is refused.
 * With no PIN set (a fresh demo kiosk), the name typed on the screen, as before PINs existed:
 * anyone there may act as staff, and the staff screens say so.
 */
export function staffIdentity(sessions: StaffSessions, typed: string | undefined): StaffIdentity {
  if (sessions.pinsConfigured()) {
    const staff = sessions.identity();
    return staff === undefined ? { ok: false, refusal: STAFF_REFUSALS.signInRequired } : { ok: true, by: staff };
  }
  return typed === undefined ? { ok: false, refusal: STAFF_REFUSALS.whoMissing } : { ok: true, by: typed };
}
