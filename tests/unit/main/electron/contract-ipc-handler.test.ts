import { describe, expect, it, type Mock, vi } from 'vitest';
import type { Dispatch, DispatchResult } from '../../../../main/contract/contract-dispatcher.js';
import { type ContractIpcEvent, createContractIpcHandler } from '../../../../main/electron/contract-ipc-handler.js';

const APP_ORIGIN = 'app://kiosk';
const ANSWER: DispatchResult = { ok: true, value: { version: '0.1.0' } };

/** A dispatcher that records its calls and answers `ANSWER`. */
function fakeDispatch(): Mock<Dispatch> {
  return vi.fn<Dispatch>(async () => ANSWER);
}

const from = (url: string): ContractIpcEvent => ({ senderFrame: { url } });

describe('createContractIpcHandler', () => {
  it('forwards a call from the kiosk page to the dispatcher and returns its answer', async () => {
    const dispatch = fakeDispatch();
    const handle = createContractIpcHandler(dispatch, APP_ORIGIN);
    await expect(handle(from('app://kiosk/index.html'), 'getKioskInfo', [])).resolves.toEqual(ANSWER);
    expect(dispatch.mock.calls).toEqual([['getKioskInfo', []]]);
  });

  it.each(['app://evil/index.html', 'https://example.com/', 'http://127.0.0.1:5173/index.html', 'file:///opt/chot/index.html', 'about:blank', 'not a url', ''])(
    'refuses a frame at %j without calling the dispatcher',
    async (url) => {
      const dispatch = fakeDispatch();
      const result = await createContractIpcHandler(dispatch, APP_ORIGIN)(from(url), 'getKioskInfo', []);
      expect(result).toMatchObject({ ok: false, error: { code: 'rpc.forbidden' } });
      expect(dispatch.mock.calls).toEqual([]);
    },
  );

  it('refuses a call whose frame is gone (senderFrame null)', async () => {
    const dispatch = fakeDispatch();
    const result = await createContractIpcHandler(dispatch, APP_ORIGIN)({ senderFrame: null }, 'getKioskInfo', []);
    expect(result).toMatchObject({ ok: false, error: { code: 'rpc.forbidden' } });
    expect(dispatch.mock.calls).toEqual([]);
  });

  it('refuses, rather than throws, when the frame is disposed and its url cannot be read', async () => {
    const dispatch = fakeDispatch();
    const disposed: ContractIpcEvent = {
      get senderFrame(): { url: string } {
        return {
          get url(): string {
            throw new Error('Render frame was disposed before WebFrameMain could be accessed');
          },
        };
      },
    };
    const result = await createContractIpcHandler(dispatch, APP_ORIGIN)(disposed, 'getKioskInfo', []);
    expect(result).toMatchObject({ ok: false, error: { code: 'rpc.forbidden' } });
    expect(dispatch.mock.calls).toEqual([]);
  });
});
