import { describe, expect, it } from 'vitest';
import { validateCall } from '../../../../domain/contract/validate-call.js';

const source = { kind: 'wedge', deviceId: 'keyboard' };

describe('validateCall', () => {
  it('accepts the contract’s calls', () => {
    expect(validateCall('getKioskInfo', [])).toEqual({ ok: true, method: 'getKioskInfo', args: [] });
    expect(validateCall('getKioskStatus', [])).toEqual({ ok: true, method: 'getKioskStatus', args: [] });
    expect(validateCall('getTodayStats', [])).toEqual({ ok: true, method: 'getTodayStats', args: [] });
    expect(validateCall('pageHeartbeat', [])).toEqual({ ok: true, method: 'pageHeartbeat', args: [] });
    expect(validateCall('submitScan', [{ source, text: 'abc' }])).toEqual({ ok: true, method: 'submitScan', args: [{ source, text: 'abc', overflow: false }] });
    expect(validateCall('submitScan', [{ source, text: 'abc', startLost: 20 }])).toEqual({
      ok: true,
      method: 'submitScan',
      args: [{ source, text: 'abc', overflow: false, startLost: 20 }],
    });
  });

  it.each([
    ['close', [], 'rpc.unknown-method'],
    ['constructor', [], 'rpc.unknown-method'],
    ['__proto__', [], 'rpc.unknown-method'],
    [42, [], 'rpc.unknown-method'],
    ['getKioskInfo', 'x', 'rpc.bad-arguments'],
    ['getKioskInfo', [1], 'rpc.bad-arguments'],
    ['getKioskStatus', [{}], 'rpc.bad-arguments'],
    ['getTodayStats', [1], 'rpc.bad-arguments'],
    ['pageHeartbeat', [{}], 'rpc.bad-arguments'],
    ['submitScan', [], 'rpc.bad-arguments'],
    ['submitScan', [{ source, text: 5 }], 'rpc.bad-arguments'],
    ['submitScan', [{ source: { kind: 'telepathy', deviceId: 'x' }, text: '' }], 'rpc.bad-arguments'],
    ['submitScan', [{ source: { kind: 'wedge' }, text: '' }], 'rpc.bad-arguments'],
    ['submitScan', [{ source, text: '', overflow: 'yes' }], 'rpc.bad-arguments'],
    ['submitScan', [{ source, text: 'abc', startLost: 0 }], 'rpc.bad-arguments'],
    ['submitScan', [{ source, text: 'abc', startLost: 1.5 }], 'rpc.bad-arguments'],
    ['submitScan', [{ source, text: 'abc', startLost: 9000 }], 'rpc.bad-arguments'],
    ['submitScan', [{ source, text: 'abc', startLost: '20' }], 'rpc.bad-arguments'],
  ])('refuses %j %j with %s', (method, args, code) => {
    const result = validateCall(method, args);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe(code);
  });

  it('cuts an oversized scan and flags it, so the person still gets a verdict', () => {
    const result = validateCall('submitScan', [{ source, text: 'x'.repeat(100_000) }]);
    expect(result.ok && result.method === 'submitScan' && result.args[0].overflow).toBe(true);
    expect(result.ok && result.method === 'submitScan' && result.args[0].text.length).toBe(8192);
  });
});
