import { afterEach, describe, expect, it, vi } from 'vitest';
import { KIOSK_API_METHODS } from '../../../../domain/contract/kiosk-api.js';
import type { DispatchResult } from '../../../../main/contract/contract-dispatcher.js';
import { CONTRACT_CHANNEL, createPreloadApi, type Invoker } from '../../../../main/electron/preload-api.js';

/** A stand-in for ipcRenderer: records every invoke and answers with `answer(method)`. */
function fakeInvoker(answer: (method: unknown) => Promise<unknown>): Invoker & { calls: unknown[][] } {
  const calls: unknown[][] = [];
  return {
    calls,
    invoke(channel, ...args) {
      calls.push([channel, ...args]);
      return answer(args[0]);
    },
  };
}

/** The API as a plain record, to call each method by name. */
const asRecord = (api: object): Record<string, (...args: unknown[]) => Promise<unknown>> => api as Record<string, (...args: unknown[]) => Promise<unknown>>;

afterEach(() => {
  vi.useRealTimers();
});

describe('createPreloadApi', () => {
  it('exposes exactly the methods of the contract', () => {
    const api = createPreloadApi(fakeInvoker(async () => ({ ok: true, value: null })));
    expect(Object.keys(api).sort()).toEqual([...KIOSK_API_METHODS].sort());
  });

  it.each(KIOSK_API_METHODS)('%s invokes the contract channel with (method, args) and resolves to the value', async (method) => {
    const invoker = fakeInvoker(async (m) => ({ ok: true, value: `answer to ${String(m)}` }) satisfies DispatchResult);
    const args = method === 'submitScan' ? [{ source: { kind: 'manual', deviceId: 'test' }, text: '001' }] : [];
    await expect(asRecord(createPreloadApi(invoker))[method]?.(...args)).resolves.toBe(`answer to ${method}`);
    expect(invoker.calls).toEqual([[CONTRACT_CHANNEL, method, args]]);
  });

  it('rejects with an Error naming the code when the core answers with a failure', async () => {
    const failure: DispatchResult = { ok: false, error: { code: 'rpc.forbidden', message: 'not the kiosk page' } };
    const api = createPreloadApi(fakeInvoker(async () => failure));
    const call = api.getKioskInfo();
    await expect(call).rejects.toBeInstanceOf(Error);
    await expect(call).rejects.toThrow(/rpc\.forbidden/);
  });

  it('rejects with rpc.timeout when the core never answers', async () => {
    const api = createPreloadApi(
      fakeInvoker(() => new Promise(() => {})),
      50,
    );
    await expect(api.getKioskInfo()).rejects.toThrow(/rpc\.timeout: getKioskInfo/);
  });

  it('times out on the clock it is given, and leaves no timer behind after an answer', async () => {
    vi.useFakeTimers();
    const pending = createPreloadApi(
      fakeInvoker(() => new Promise(() => {})),
      10_000,
    ).getKioskInfo();
    let settled = false;
    pending.catch(() => undefined).finally(() => (settled = true));
    await vi.advanceTimersByTimeAsync(9_999);
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await expect(pending).rejects.toThrow(/rpc\.timeout/);

    await createPreloadApi(
      fakeInvoker(async () => ({ ok: true, value: 1 })),
      10_000,
    ).getKioskInfo();
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('createPreloadApi with a core that answers nonsense', () => {
  it('rejects with a coded error instead of a TypeError', async () => {
    const api = createPreloadApi({ invoke: () => Promise.resolve(undefined) }, 1000);
    await expect(api.getKioskInfo()).rejects.toThrow(/^rpc\.bad-reply/);
  });
});
