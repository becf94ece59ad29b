import type { Authenticity } from '../../domain/credentials/credential.js';
import type { Reason } from '../../domain/text/bilingual.js';
import type { Colour, Outcome } from '../../domain/verdict/verdict.js';

/**
 * Which verdicts open a gate, by colour AND by how far the credential proves itself. Pure:
 * the scan pipeline asks it for `verdict.gate`, and the relay pulses on `gate.open` alone,
 * so the screen's "Mời vào / Please enter" and the relay can never disagree.
 *
 * Colour: by default only green opens. Yellow means "see staff", and staff open the gate by
 * an override (operator-override.ts), which opens whatever the policy.
 *
 * Authenticity: a CCCD or BHYT QR carries no signature, and a bare ID number is only a
 * number: knowing a vaccinated person's ID would be enough to enter if those opened the
 * gate. So by default only credentials that prove themselves open it (`signed-valid` now,
 * `chip-verified`, a chip card reader's read); `unsigned` and `manual` show their colour,
 * and the gate opens when staff, having compared card and face, confirm (staff-confirm).
 * A lane may list them in `openFor` — a risk its operator takes for speed at a manned gate.
 *
 * An unreadable or untrusted code (`none`, `invalid`) never opens: the policy cannot name it.
 */
export interface GatePolicy {
  readonly open: readonly Colour[];
  /** The authenticity classes whose verdicts open on `open`'s colours without staff. Absent: DEFAULT_OPEN_FOR. */
  readonly openFor?: readonly GateAuthenticity[];
}

/** The classes a policy can name: every authenticity that can have a colour. */
export type GateAuthenticity = Exclude<Authenticity, 'invalid'>;

export const GATE_AUTHENTICITIES: readonly GateAuthenticity[] = ['signed-valid', 'chip-verified', 'unsigned', 'manual'];

/** Credentials a trusted key or a card's chip vouches for open on their own. */
export const DEFAULT_OPEN_FOR: readonly GateAuthenticity[] = ['signed-valid', 'chip-verified'];

export const DEFAULT_GATE_POLICY: GatePolicy = { open: ['green'] };

export const GATE_COLOURS: readonly Colour[] = ['green', 'yellow', 'red'];

/** Gate policies by lane; lanes not named follow DEFAULT_GATE_POLICY. */
export type GatePolicies = Readonly<Record<string, GatePolicy>>;

export function gatePolicyFor(policies: GatePolicies | undefined, lane: string): GatePolicy {
  return (policies !== undefined && Object.hasOwn(policies, lane) ? policies[lane] : undefined) ?? DEFAULT_GATE_POLICY;
}

/** The gate line of a verdict whose colour opens the lane but whose credential does not prove itself. */
export const GATE_NOT_VERIFIED: Reason = {
  code: 'gate.not-verified',
  vi: 'Chưa xác thực — nhân viên xác nhận để mở cổng',
  en: 'Not verified — staff confirm to open',
};

/** The same for a lane whose policy lets no credential open by itself (a staff-only gate). */
export const GATE_STAFF_ONLY: Reason = {
  code: 'gate.staff-confirm',
  vi: 'Cổng này chỉ mở khi nhân viên xác nhận',
  en: 'This gate opens only when staff confirm',
};

/** What the gate does with one decided verdict. */
export interface GateDecision {
  readonly open: boolean;
  /**
   * Present when the colour opens this lane but the credential's authenticity does not: the
   * gate waits for a staff confirm, and this says so on the screen and in the log.
   */
  readonly needsConfirm?: Reason;
}

/**
 * The gate's decision for a verdict. Strings, not just Outcome and Authenticity, because
 * logged entries are decided again too (a staff confirm is allowed exactly when this says
 * `needsConfirm`); a value no policy names never opens.
 */
export function gateDecision(outcome: Outcome | string, authenticity: string, policy: GatePolicy = DEFAULT_GATE_POLICY): GateDecision {
  if (!(GATE_COLOURS as readonly string[]).includes(outcome) || !policy.open.includes(outcome as Colour)) return { open: false };
  if (!(GATE_AUTHENTICITIES as readonly string[]).includes(authenticity)) return { open: false };
  if ((policy.openFor ?? DEFAULT_OPEN_FOR).includes(authenticity as GateAuthenticity)) return { open: true };
  return { open: false, needsConfirm: authenticity === 'unsigned' || authenticity === 'manual' ? GATE_NOT_VERIFIED : GATE_STAFF_ONLY };
}
