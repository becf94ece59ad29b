import { describe, expect, it } from 'vitest';
import { OVERRIDE_LIMITS, overrideRefusal } from '../../../../domain/contract/operator-override.js';

const NOW = Date.parse('2021-10-20T08:00:00+07:00');
const entry = (outcome: string, agoMs = 10_000) => ({ seq: 5, outcome, at: new Date(NOW - agoMs).toISOString() });

describe('overrideRefusal', () => {
  it.each(['yellow', 'red'])('lets staff override the newest, recent %s verdict', (outcome) => {
    expect(overrideRefusal(entry(outcome), true, NOW)).toBeUndefined();
    expect(overrideRefusal(entry(outcome, OVERRIDE_LIMITS.windowMs), true, NOW)).toBeUndefined();
  });

  it.each([
    ['a “no record” verdict of a known person', { ...entry('none'), personId: '056085009999', reasonCodes: ['person.unknown'] }],
    ['an expired status pass', { ...entry('none'), personId: '056085009999', reasonCodes: ['pass.expired'] }],
    ['an F0 red with the second confirmation', { ...entry('red'), reasonCodes: ['quarantine'] }, true],
  ] as const)('lets staff override %s', (_label, overridden, confirmedSevere?: boolean) => {
    expect(overrideRefusal(overridden, true, NOW, confirmedSevere === true)).toBeUndefined();
  });

  it.each([
    ['an unknown entry', undefined, true, 'override.unknown-entry'],
    ['an entry that is no longer the newest', entry('red'), false, 'override.not-latest'],
    ['a green verdict', entry('green'), true, 'override.already-green'],
    ['a “cannot read this code” verdict', entry('none'), true, 'override.no-verdict'],
    [
      'a forged pass that has also expired',
      { ...entry('none'), personId: '056089001234', reasonCodes: ['pass.expired', 'pass.signature'] },
      true,
      'override.no-verdict',
    ],
    ['a “no record” verdict without a person', { ...entry('none'), personId: null, reasonCodes: ['person.unknown'] }, true, 'override.no-verdict'],
    ['an F0 red without the second confirmation', { ...entry('red'), reasonCodes: ['quarantine'] }, true, 'override.needs-second-confirm'],
    ['a positive-test red without the second confirmation', { ...entry('red'), reasonCodes: ['test-positive'] }, true, 'override.needs-second-confirm'],
    ['a verdict over 2 minutes old', entry('red', OVERRIDE_LIMITS.windowMs + 1), true, 'override.too-old'],
    ['a row with an unreadable time', { seq: 5, outcome: 'red', at: 'yesterday' }, true, 'override.too-old'],
  ])('refuses %s, in Vietnamese and English', (_label, overridden, isNewest, code) => {
    const refusal = overrideRefusal(overridden, isNewest, NOW);
    expect(refusal?.code).toBe(code);
    expect(refusal?.vi).not.toBe('');
    expect(refusal?.en).not.toBe('');
  });
});
