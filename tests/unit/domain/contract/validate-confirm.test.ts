import { describe, expect, it } from 'vitest';
import { validateCall } from '../../../../domain/contract/validate-call.js';
import { KIOSK_API_METHODS } from '../../../../domain/contract/kiosk-api.js';

const call = (request: unknown) => validateCall('confirmLastVerdict', [request]);
const errorOf = (request: unknown): string => {
  const result = call(request);
  return result.ok ? 'accepted' : `${result.error.code}: ${result.error.message}`;
};

describe('validateCall: confirmLastVerdict', () => {
  it('is a method of the contract (the preload and the WebSocket client expose it)', () => {
    expect(KIOSK_API_METHODS).toContain('confirmLastVerdict');
  });

  it('accepts {seq, by}, the who trimmed and in NFC, and drops anything else (a confirm has no reason to give)', () => {
    expect(call({ seq: 7, by: '  Le\u0302 Va\u0306n Ta\u0302m ', reason: 'ignored', extra: 1 })).toEqual({
      ok: true,
      method: 'confirmLastVerdict',
      args: [{ seq: 7, by: 'Lê Văn Tâm' }],
    });
    expect(call({ seq: 1, by: 'ố'.repeat(60) }).ok).toBe(true);
    // No who: the core names the signed-in staff member, or refuses where no PIN is set.
    expect(call({ seq: 7 })).toEqual({ ok: true, method: 'confirmLastVerdict', args: [{ seq: 7 }] });
  });

  it.each([
    ['no request', undefined, /confirmLastVerdict takes one request \{seq, by\}/],
    ['a seq of 0', { seq: 0, by: 'NV-07' }, /confirm\.seq must be an entry sequence number/],
    ['a fractional seq', { seq: 1.5, by: 'NV-07' }, /confirm\.seq/],
    ['a seq as text', { seq: '3', by: 'NV-07' }, /confirm\.seq/],
    ['a blank who', { seq: 3, by: '   ' }, /confirm\.by is empty/],
    ['a who of 61 characters', { seq: 3, by: 'a'.repeat(61) }, /confirm\.by is too long: 61 characters, at most 60/],
    ['a who that is a number', { seq: 3, by: 7 }, /confirm\.by must be a string/],
    ['a who with a line break', { seq: 3, by: 'NV\n07' }, /confirm\.by holds control characters/],
    ['a who with a bidi override', { seq: 3, by: 'NV\u202e70' }, /confirm\.by holds control characters/],
  ])('refuses %s with a clear rpc.bad-arguments', (_label, request, message) => {
    const text = errorOf(request);
    expect(text).toMatch(/^rpc\.bad-arguments: /);
    expect(text).toMatch(message);
  });

  it('takes exactly one argument', () => {
    expect(validateCall('confirmLastVerdict', [{ seq: 1, by: 'a' }, {}]).ok).toBe(false);
    expect(validateCall('confirmLastVerdict', []).ok).toBe(false);
  });
});
