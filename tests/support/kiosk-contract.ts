import WebSocket from 'ws';
import { RPC_PATH, RPC_SUBPROTOCOL, TOKEN_SUBPROTOCOL_PREFIX } from '../../domain/contract/rpc-messages.js';
import type { KioskApi } from '../../domain/contract/kiosk-api.js';

/**
 * The kiosk's contract over its browser-mode WebSocket, as the renderer uses it, for e2e
 * tests that need the core's answers (status, verdicts) without driving a browser.
 */
export async function connectKioskContract(kioskUrl: string): Promise<{ api: KioskApi; close(): void }> {
  const url = new URL(kioskUrl);
  const token = new URLSearchParams(url.hash.slice(1)).get('token') ?? '';
  const ws = new WebSocket(`ws://${url.host}${RPC_PATH}`, [RPC_SUBPROTOCOL, TOKEN_SUBPROTOCOL_PREFIX + token], { origin: url.origin });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  let nextId = 1;
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  ws.on('message', (data) => {
    const reply = JSON.parse(String(data)) as { id: number; ok: boolean; value?: unknown; error?: { code: string; message: string } };
    const waiter = pending.get(reply.id);
    pending.delete(reply.id);
    if (reply.ok) waiter?.resolve(reply.value);
    else waiter?.reject(new Error(`${reply.error?.code}: ${reply.error?.message}`));
  });
  const call = (method: string, args: unknown[]): Promise<unknown> =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      ws.send(JSON.stringify({ t: 'call', id, method, args }));
    });
  const api: KioskApi = {
    submitScan: (scan) => call('submitScan', [scan]) as ReturnType<KioskApi['submitScan']>,
    getKioskInfo: () => call('getKioskInfo', []) as ReturnType<KioskApi['getKioskInfo']>,
    getKioskStatus: () => call('getKioskStatus', []) as ReturnType<KioskApi['getKioskStatus']>,
    getTodayStats: () => call('getTodayStats', []) as ReturnType<KioskApi['getTodayStats']>,
    pageHeartbeat: () => call('pageHeartbeat', []) as ReturnType<KioskApi['pageHeartbeat']>,
    getDiagnostics: () => call('getDiagnostics', []) as ReturnType<KioskApi['getDiagnostics']>,
    overrideLastVerdict: (request) => call('overrideLastVerdict', [request]) as ReturnType<KioskApi['overrideLastVerdict']>,
    confirmLastVerdict: (request) => call('confirmLastVerdict', [request]) as ReturnType<KioskApi['confirmLastVerdict']>,
    enterChipCan: (request) => call('enterChipCan', [request]) as ReturnType<KioskApi['enterChipCan']>,
    enterTypedId: (request) => call('enterTypedId', [request]) as ReturnType<KioskApi['enterTypedId']>,
    staffSignIn: (request) => call('staffSignIn', [request]) as ReturnType<KioskApi['staffSignIn']>,
    staffSignOut: () => call('staffSignOut', []) as ReturnType<KioskApi['staffSignOut']>,
    getStaffSession: () => call('getStaffSession', []) as ReturnType<KioskApi['getStaffSession']>,
    setInputDirection: (request) => call('setInputDirection', [request]) as ReturnType<KioskApi['setInputDirection']>,
  };
  return { api, close: () => ws.close() };
}
