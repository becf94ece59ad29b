import { describe, expect, it } from 'vitest';
import type { KioskApi } from '../../../../domain/contract/kiosk-api.js';
import type { OverrideRequest } from '../../../../domain/contract/operator-override.js';
import { createDispatcher } from '../../../../main/contract/contract-dispatcher.js';

/** A core that records the override requests it is handed and refuses each one. */
function recordingCore(): { api: KioskApi; requests: OverrideRequest[] } {
  const requests: OverrideRequest[] = [];
  const unused = async (): Promise<never> => {
    throw new Error('not called here');
  };
  const api: KioskApi = {
    submitScan: unused,
    getKioskInfo: unused,
    getKioskStatus: unused,
    getTodayStats: unused,
    pageHeartbeat: unused,
    getDiagnostics: unused,
    confirmLastVerdict: unused,
    enterChipCan: unused,
    enterTypedId: unused,
    staffSignIn: unused,
    staffSignOut: unused,
    getStaffSession: unused,
    setInputDirection: unused,
    overrideLastVerdict: async (request) => {
      requests.push(request);
      return { ok: false, refusal: { code: 'override.too-old', vi: 'quá 2 phút', en: 'over 2 minutes' } };
    },
  };
  return { api, requests };
}

describe('the dispatcher and overrideLastVerdict', () => {
  it('hands the core the checked request, and a refusal back as an answer, not a fault', async () => {
    const { api, requests } = recordingCore();
    const faults: string[] = [];
    const dispatch = createDispatcher(api, (method) => faults.push(method));
    const answer = await dispatch('overrideLastVerdict', [{ seq: 4, by: ' NV-07 ', reason: 'Trường hợp khẩn cấp / Emergency', extra: 'dropped' }]);
    expect(requests).toEqual([{ seq: 4, by: 'NV-07', reason: 'Trường hợp khẩn cấp / Emergency' }]);
    expect(answer).toEqual({ ok: true, value: { ok: false, refusal: { code: 'override.too-old', vi: 'quá 2 phút', en: 'over 2 minutes' } } });
    expect(faults).toEqual([]);
  });

  it('never calls the core with a request that fails the checks', async () => {
    const { api, requests } = recordingCore();
    const answer = await createDispatcher(api, () => undefined)('overrideLastVerdict', [{ seq: 4, by: '', reason: 'x' }]);
    expect(answer).toMatchObject({ ok: false, error: { code: 'rpc.bad-arguments', message: 'override.by is empty' } });
    expect(requests).toEqual([]);
  });
});
