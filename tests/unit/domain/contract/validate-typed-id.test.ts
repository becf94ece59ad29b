import { describe, expect, it } from 'vitest';
import { validateCall } from '../../../../domain/contract/validate-call.js';

describe('enterTypedId arguments', () => {
  it('accepts 12 or 9 digits, with a typed who or without', () => {
    expect(validateCall('enterTypedId', [{ id: '056089001234' }])).toEqual({ ok: true, method: 'enterTypedId', args: [{ id: '056089001234' }] });
    expect(validateCall('enterTypedId', [{ id: '225123456', by: ' Lan ' }])).toEqual({
      ok: true,
      method: 'enterTypedId',
      args: [{ id: '225123456', by: 'Lan' }],
    });
  });

  it.each([
    [{ id: '05608900123' }],
    [{ id: '0560890012345' }],
    [{ id: '056 089 001 234' }],
    [{ id: '05608900123a' }],
    [{ id: 56089001234 }],
    [{}],
    [{ id: '056089001234', by: '' }],
    [{ id: '056089001234', by: 'La\u202en' }],
    [{ id: '056089001234', by: 'x'.repeat(61) }],
    [{ id: '056089001234', lane: '2' }],
  ])('refuses %j', (request) => {
    const call = validateCall('enterTypedId', [request]);
    expect(call.ok).toBe(false);
    if (!call.ok) expect(call.error.code).toBe('rpc.bad-arguments');
  });

  it('refuses a call with no request or two', () => {
    expect(validateCall('enterTypedId', []).ok).toBe(false);
    expect(validateCall('enterTypedId', [{ id: '056089001234' }, {}]).ok).toBe(false);
  });
});
