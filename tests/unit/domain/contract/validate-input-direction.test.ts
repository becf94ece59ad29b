import { describe, expect, it } from 'vitest';
import { validateCall } from '../../../../domain/contract/validate-call.js';

describe('setInputDirection arguments', () => {
  it.each(['in', 'out', 'boarding', 'alighting'])('accepts %s', (direction) => {
    expect(validateCall('setInputDirection', [{ direction }])).toEqual({ ok: true, method: 'setInputDirection', args: [{ direction }] });
  });

  it.each([[{ direction: 'up' }], [{ direction: 'IN' }], [{ direction: 1 }], [{}], [{ direction: 'in', lane: '2' }], ['in'], [null]])(
    'refuses %j',
    (request) => {
      const call = validateCall('setInputDirection', [request]);
      expect(call.ok).toBe(false);
      if (!call.ok) expect(call.error.code).toBe('rpc.bad-arguments');
    },
  );

  it('refuses a call with no request or two', () => {
    expect(validateCall('setInputDirection', []).ok).toBe(false);
    expect(validateCall('setInputDirection', [{ direction: 'in' }, {}]).ok).toBe(false);
  });
});
