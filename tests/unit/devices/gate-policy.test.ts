import { describe, expect, it } from 'vitest';
import { DEFAULT_GATE_POLICY, gateOpens, gatePolicyFor, type GatePolicy } from '../../../main/devices/gate-policy.js';
import type { Outcome } from '../../../domain/verdict/verdict.js';

const GREEN_YELLOW: GatePolicy = { open: ['green', 'yellow'] };
const NOTHING: GatePolicy = { open: [] };

describe('gate policy', () => {
  it.each<[string, GatePolicy | undefined, Outcome, boolean]>([
    ['default', undefined, 'green', true],
    ['default', undefined, 'yellow', false],
    ['default', undefined, 'red', false],
    ['default', undefined, 'none', false],
    ['green+yellow', GREEN_YELLOW, 'green', true],
    ['green+yellow', GREEN_YELLOW, 'yellow', true],
    ['green+yellow', GREEN_YELLOW, 'red', false],
    ['green+yellow', GREEN_YELLOW, 'none', false],
    ['closed (staff only)', NOTHING, 'green', false],
    // Even a policy that names every colour cannot open for an unreadable code.
    ['every colour', { open: ['green', 'yellow', 'red'] }, 'none', false],
  ])('%s: %s opens = %s', (_name, policy, outcome, opens) => {
    expect(gateOpens(outcome, policy)).toBe(opens);
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
