import { describe, expect, it } from 'vitest';
import { validateCall } from '../../../../domain/contract/validate-call.js';

const call = (request: unknown) => validateCall('overrideLastVerdict', [request]);
const errorOf = (request: unknown): string => {
  const result = call(request);
  return result.ok ? 'accepted' : `${result.error.code}: ${result.error.message}`;
};

describe('validateCall: overrideLastVerdict', () => {
  it('accepts a request, trimmed and in NFC, so the log holds one spelling', () => {
    // "Lê Văn Tâm" typed with combining marks, as some input methods send it.
    const decomposed = 'Le\u0302 Va\u0306n Ta\u0302m';
    expect(call({ seq: 7, by: `  ${decomposed} `, reason: ' Đã kiểm tra giấy tờ / Papers checked ' })).toEqual({
      ok: true,
      method: 'overrideLastVerdict',
      args: [{ seq: 7, by: 'Lê Văn Tâm', reason: 'Đã kiểm tra giấy tờ / Papers checked' }],
    });
  });

  it('takes a request without a who (the core names the signed-in staff member) and the second confirmation of a severe red', () => {
    expect(call({ seq: 7, reason: 'x', confirmedSevere: true })).toEqual({
      ok: true,
      method: 'overrideLastVerdict',
      args: [{ seq: 7, reason: 'x', confirmedSevere: true }],
    });
    expect(errorOf({ seq: 7, reason: 'x', confirmedSevere: 'yes' })).toMatch(/confirmedSevere must be true or false/);
  });

  it('counts the limits in characters, not UTF-16 units', () => {
    expect(call({ seq: 1, by: 'ố'.repeat(60), reason: '😷'.repeat(120) }).ok).toBe(true);
  });

  it.each([
    ['no request', undefined, /takes one request/],
    ['a seq of 0', { seq: 0, by: 'NV-07', reason: 'x' }, /override\.seq must be an entry sequence number/],
    ['a fractional seq', { seq: 1.5, by: 'NV-07', reason: 'x' }, /override\.seq/],
    ['a seq as text', { seq: '3', by: 'NV-07', reason: 'x' }, /override\.seq/],
    ['a blank who', { seq: 3, by: '   ', reason: 'x' }, /override\.by is empty/],
    ['a who of 61 characters', { seq: 3, by: 'a'.repeat(61), reason: 'x' }, /override\.by is too long: 61 characters, at most 60/],
    ['a who that is a number', { seq: 3, by: 7, reason: 'x' }, /override\.by must be a string/],
    ['no why', { seq: 3, by: 'NV-07' }, /override\.reason is missing/],
    ['a blank why', { seq: 3, by: 'NV-07', reason: '' }, /override\.reason is empty/],
    ['a why of 121 characters', { seq: 3, by: 'NV-07', reason: 'b'.repeat(121) }, /override\.reason is too long: 121 characters, at most 120/],
    ['a why with a line break', { seq: 3, by: 'NV-07', reason: 'ok\n=cmd()' }, /override\.reason holds control characters/],
    ['a who with a bidi override', { seq: 3, by: 'NV\u202e70', reason: 'x' }, /override\.by holds control characters/],
  ])('refuses %s with a clear rpc.bad-arguments', (_label, request, message) => {
    const text = errorOf(request);
    expect(text).toMatch(/^rpc\.bad-arguments: /);
    expect(text).toMatch(message);
  });

  it('takes exactly one argument', () => {
    const result = validateCall('overrideLastVerdict', [{ seq: 1, by: 'a', reason: 'b' }, {}]);
    expect(result.ok).toBe(false);
  });
});
