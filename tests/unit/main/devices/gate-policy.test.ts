import { describe, expect, it } from 'vitest';
import { DEFAULT_GATE_POLICY, GATE_NOT_VERIFIED, GATE_STAFF_ONLY, gateDecision, gatePolicyFor, type GatePolicy } from '../../../../main/devices/gate-policy.js';
import type { Outcome } from '../../../../domain/verdict/verdict.js';

const GREEN_YELLOW: GatePolicy = { open: ['green', 'yellow'] };
const NOTHING: GatePolicy = { open: [] };
const OPEN_UNSIGNED: GatePolicy = { open: ['green'], openFor: ['signed-valid', 'chip-verified', 'unsigned'] };
const OPEN_ALL: GatePolicy = { open: ['green'], openFor: ['signed-valid', 'chip-verified', 'unsigned', 'manual'] };
const STAFF_ONLY: GatePolicy = { open: ['green'], openFor: [] };

const AUTHENTICITIES = ['signed-valid', 'chip-verified', 'unsigned', 'manual'] as const;
const OUTCOMES: readonly Outcome[] = ['green', 'yellow', 'red', 'none'];

/** What each policy should do, by authenticity, for a green (other colours never open on these lanes). */
const GREEN_OPENS: readonly [string, GatePolicy | undefined, Readonly<Record<(typeof AUTHENTICITIES)[number], boolean>>][] = [
  ['default', undefined, { 'signed-valid': true, 'chip-verified': true, unsigned: false, manual: false }],
  ['openFor + unsigned', OPEN_UNSIGNED, { 'signed-valid': true, 'chip-verified': true, unsigned: true, manual: false }],
  ['openFor every class', OPEN_ALL, { 'signed-valid': true, 'chip-verified': true, unsigned: true, manual: true }],
  ['openFor none (staff only)', STAFF_ONLY, { 'signed-valid': false, 'chip-verified': false, unsigned: false, manual: false }],
];

describe('gate policy: colour × authenticity × opt-in', () => {
  for (const [name, policy, greenOpens] of GREEN_OPENS) {
    for (const authenticity of AUTHENTICITIES) {
      for (const outcome of OUTCOMES) {
        const opens = outcome === 'green' && greenOpens[authenticity];
        it(`${name}: ${authenticity} ${outcome} opens = ${opens}`, () => {
          const decision = gateDecision(outcome, authenticity, policy);
          expect(decision.open).toBe(opens);
          // Staff confirm is offered exactly where the colour opens but the credential does not.
          const awaitsConfirm = outcome === 'green' && !greenOpens[authenticity];
          if (!awaitsConfirm) expect(decision.needsConfirm).toBeUndefined();
          else expect(decision.needsConfirm).toEqual(authenticity === 'unsigned' || authenticity === 'manual' ? GATE_NOT_VERIFIED : GATE_STAFF_ONLY);
        });
      }
    }
  }

  it.each<[string, GatePolicy | undefined, Outcome, string, boolean]>([
    ['green+yellow', GREEN_YELLOW, 'yellow', 'signed-valid', true],
    ['green+yellow', GREEN_YELLOW, 'red', 'signed-valid', false],
    ['closed (staff only)', NOTHING, 'green', 'signed-valid', false],
    // Even a policy that names every colour and class cannot open for an unreadable code or a forged one.
    ['every colour', { open: ['green', 'yellow', 'red'], openFor: ['signed-valid', 'unsigned', 'manual'] }, 'none', 'none', false],
    ['every colour', { open: ['green', 'yellow', 'red'], openFor: ['signed-valid', 'unsigned', 'manual'] }, 'green', 'invalid', false],
    ['default', undefined, 'green', 'something-else', false],
  ])('%s: %s %s opens = %s', (_name, policy, outcome, authenticity, opens) => {
    expect(gateDecision(outcome, authenticity, policy).open).toBe(opens);
  });

  it('a yellow unsigned credential on a lane that opens on yellow waits for staff too', () => {
    expect(gateDecision('yellow', 'unsigned', GREEN_YELLOW)).toEqual({ open: false, needsConfirm: GATE_NOT_VERIFIED });
  });

  it('finds a lane’s policy, and the default for lanes not named', () => {
    const policies = { '2': GREEN_YELLOW };
    expect(gatePolicyFor(policies, '2')).toBe(GREEN_YELLOW);
    expect(gatePolicyFor(policies, '1')).toBe(DEFAULT_GATE_POLICY);
    expect(gatePolicyFor(undefined, '1')).toBe(DEFAULT_GATE_POLICY);
    // An inherited property is not a lane.
    expect(gatePolicyFor(policies, 'toString')).toBe(DEFAULT_GATE_POLICY);
  });
});
