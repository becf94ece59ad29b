import { describe, expect, it } from 'vitest';
import { validateCall } from '../../../../domain/contract/validate-call.js';

describe('validateCall: the staff sign-in', () => {
  it('takes a PIN of digits, and the session calls no argument', () => {
    expect(validateCall('staffSignIn', [{ pin: '246810', extra: 1 }])).toEqual({ ok: true, method: 'staffSignIn', args: [{ pin: '246810' }] });
    expect(validateCall('staffSignOut', [])).toEqual({ ok: true, method: 'staffSignOut', args: [] });
    expect(validateCall('getStaffSession', [])).toEqual({ ok: true, method: 'getStaffSession', args: [] });
  });

  it.each([
    ['no request', []],
    ['a PIN that is a number', [{ pin: 246810 }]],
    ['a PIN with letters', [{ pin: '24681a' }]],
    ['a PIN of 13 digits', [{ pin: '1234567890123' }]],
  ])('refuses %s with rpc.bad-arguments', (_label, args) => {
    expect(validateCall('staffSignIn', args)).toMatchObject({ ok: false, error: { code: 'rpc.bad-arguments' } });
  });

  it('refuses arguments to the session calls', () => {
    expect(validateCall('getStaffSession', [1])).toMatchObject({ ok: false });
  });
});
