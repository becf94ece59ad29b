import { describe, expect, it } from 'vitest';
import { contractApi, ContractCallError, valueOfReply } from '../../../../domain/contract/contract-client.js';
import { KIOSK_API_METHODS } from '../../../../domain/contract/kiosk-api.js';

// The caller's side of the contract, shared by the Electron preload and the browser-mode page.
describe('contractApi', () => {
  it('has exactly the contract’s methods, each sending its own name and arguments', async () => {
    const sent: unknown[][] = [];
    const api = contractApi(async (method, args) => {
      sent.push([method, args]);
      return `answer to ${method}`;
    });
    expect(Object.keys(api).sort()).toEqual([...KIOSK_API_METHODS].sort());
    const scan = { source: { kind: 'manual' as const, deviceId: 'test' }, text: '001' };
    await expect(api.submitScan(scan)).resolves.toBe('answer to submitScan');
    await expect(api.getTodayStats()).resolves.toBe('answer to getTodayStats');
    expect(sent).toEqual([
      ['submitScan', [scan]],
      ['getTodayStats', []],
    ]);
  });
});

describe('valueOfReply', () => {
  it('gives the value of a success', () => {
    expect(valueOfReply('getKioskInfo', { t: 'result', id: 1, ok: true, value: { version: '1' } })).toEqual({ version: '1' });
  });

  it('throws a failure as a ContractCallError whose message leads with the code', () => {
    const read = (): unknown => valueOfReply('submitScan', { ok: false, error: { code: 'core.fault', message: 'disk full' } });
    expect(read).toThrow(ContractCallError);
    expect(read).toThrow(/^core\.fault: disk full$/);
    try {
      read();
    } catch (error) {
      expect((error as ContractCallError).code).toBe('core.fault');
    }
  });

  it.each([
    ['nothing', undefined],
    ['a string', 'ok'],
    ['no ok flag', { value: 1 }],
    ['a failure without an error', { ok: false }],
    ['a failure with a numeric code', { ok: false, error: { code: 7, message: 'x' } }],
  ])('calls %s rpc.bad-reply, not a TypeError', (_label, reply) => {
    expect(() => valueOfReply('getKioskStatus', reply)).toThrow(/^rpc\.bad-reply: getKioskStatus got a reply that is not a contract result$/);
  });
});
