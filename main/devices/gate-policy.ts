import type { Colour, Outcome } from '../../domain/verdict/verdict.js';

/**
 * Which verdicts open a gate. Pure: the scan pipeline asks it for `verdict.gate.open`, and
 * the relay pulses on that alone, so the screen's "Mời vào / Please enter" and the relay
 * can never disagree.
 *
 * By default only green opens (issue 8): yellow means "see staff", and staff open the gate
 * by an override (operator-override.ts), which is a green verdict of its own and so opens
 * whatever the policy. An unreadable code (`none`) never opens: it is not a colour, and the
 * policy cannot name it.
 */
export interface GatePolicy {
  readonly open: readonly Colour[];
}

export const DEFAULT_GATE_POLICY: GatePolicy = { open: ['green'] };

export const GATE_COLOURS: readonly Colour[] = ['green', 'yellow', 'red'];

/** Gate policies by lane; lanes not named follow DEFAULT_GATE_POLICY. */
export type GatePolicies = Readonly<Record<string, GatePolicy>>;

export function gatePolicyFor(policies: GatePolicies | undefined, lane: string): GatePolicy {
  return (policies !== undefined && Object.hasOwn(policies, lane) ? policies[lane] : undefined) ?? DEFAULT_GATE_POLICY;
}

/** Whether a decided outcome opens the gate under `policy`. */
export function gateOpens(outcome: Outcome, policy: GatePolicy = DEFAULT_GATE_POLICY): boolean {
  return outcome !== 'none' && policy.open.includes(outcome);
}
