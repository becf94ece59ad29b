import { describe, expect, it } from 'vitest';
import { loggedTarget } from '../../../../hub/server/request-log.js';

describe('loggedTarget', () => {
  it('leaves kiosk routes as sent', () => {
    expect(loggedTarget('/v1/delta?since=123456789012', undefined)).toBe('/v1/delta?since=123456789012');
  });

  it('shows only the listed parameters, masks every other value, odd names and ID-like digit runs', () => {
    const shown = ['from', 'window'];
    expect(loggedTarget('/v1/admin/trace?id=056089001234&from=2021-10-20&window=30m', shown)).toBe('/v1/admin/trace?id=***&from=2021-10-20&window=30m');
    expect(loggedTarget('/v1/admin/trace?from=056089001234', shown)).toBe('/v1/admin/trace?from=***');
    expect(loggedTarget('/v1/admin/trace?056089001234&%30%35=1&a%0Ab=2', shown)).toBe('/v1/admin/trace?***&***&***');
    expect(loggedTarget('/v1/admin/x/056089001234/y', [])).toBe('/v1/admin/x/***/y');
    expect(loggedTarget(`/v1/admin/trace?from=${'9'.repeat(8)}x${'a'.repeat(100)}`, shown)).toBe(`/v1/admin/trace?from=99999999x${'a'.repeat(31)}`);
    expect(loggedTarget('/v1/admin/trace', shown)).toBe('/v1/admin/trace');
  });
});
