import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KIOSK_API_METHODS } from '../../../../domain/contract/kiosk-api.js';
import { createDispatcher, type Dispatch } from '../../../../main/contract/contract-dispatcher.js';
import { KioskCore } from '../../../../main/core/kiosk-core.js';
import { tempDataDir } from '../../../support/kiosk-process.js';

/**
 * The dispatcher is what a page holding the token reaches with any JSON it likes: every
 * call it cannot check is refused with a typed failure, and nothing a page sends may
 * reach the core as a fault (a thrown TypeError from an unchecked argument, say).
 */
let core: KioskCore;
let dispatch: Dispatch;
const faults: string[] = [];

beforeAll(() => {
  core = KioskCore.open({ dataDir: tempDataDir(), demo: true });
  dispatch = createDispatcher(core, (method, error) => faults.push(`${method}: ${String(error)}`));
});
afterAll(() => core.close());

const method = fc.oneof(fc.constantFrom(...KIOSK_API_METHODS, '__proto__', 'constructor', 'toString', 'hasOwnProperty', 'close'), fc.string(), fc.anything());
const nearScan = fc.record(
  {
    source: fc.oneof(
      fc.record({ kind: fc.oneof(fc.constantFrom('wedge', 'serial', 'camera', 'hid-pos'), fc.string()), deviceId: fc.anything() }),
      fc.anything(),
    ),
    text: fc.oneof(fc.string(), fc.anything()),
    overflow: fc.anything(),
  },
  { requiredKeys: [] },
);
const nearOverride = fc.record(
  { seq: fc.oneof(fc.integer(), fc.double(), fc.anything()), by: fc.oneof(fc.string(), fc.anything()), reason: fc.oneof(fc.string(), fc.anything()) },
  { requiredKeys: [] },
);
const args = fc.oneof(fc.anything(), fc.array(fc.oneof(nearScan, nearOverride, fc.anything()), { maxLength: 3 }));

describe('contract dispatcher under random calls', () => {
  it('answers every call with a result or a typed refusal, and the core never faults', async () => {
    await fc.assert(
      fc.asyncProperty(method, args, async (m, a) => {
        const result = await dispatch(m, a);
        if (!result.ok) expect(['rpc.unknown-method', 'rpc.bad-arguments']).toContain(result.error.code);
        if (typeof m !== 'string' || !(KIOSK_API_METHODS as readonly string[]).includes(m))
          expect(result).toMatchObject({ ok: false, error: { code: 'rpc.unknown-method' } });
      }),
      { numRuns: 3_000 },
    );
    expect(faults).toEqual([]);
  });
});
