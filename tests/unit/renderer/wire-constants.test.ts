import { describe, expect, it } from 'vitest';
import { CALL_TIMEOUT_MS } from '../../../domain/contract/kiosk-api.js';
import * as domain from '../../../domain/contract/rpc-messages.js';
import * as renderer from '../../../renderer/api/ws-contract-client.js';

// The renderer may import only types from the domain, so it restates these constants.
describe('the renderer’s wire constants match the core’s', () => {
  it('subprotocols, path and call timeout', () => {
    expect(renderer.RPC_SUBPROTOCOL).toBe(domain.RPC_SUBPROTOCOL);
    expect(renderer.TOKEN_SUBPROTOCOL_PREFIX).toBe(domain.TOKEN_SUBPROTOCOL_PREFIX);
    expect(renderer.RPC_PATH).toBe(domain.RPC_PATH);
    expect(renderer.CALL_TIMEOUT_MS).toBe(CALL_TIMEOUT_MS);
  });
});
