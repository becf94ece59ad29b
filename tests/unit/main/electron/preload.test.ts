import { describe, expect, it, vi } from 'vitest';
import { KIOSK_API_METHODS } from '../../../../domain/contract/kiosk-api.js';

// What the preload hands the page through contextBridge, recorded instead of exposed.
const exposed = vi.hoisted(() => new Map<string, unknown>());
const ipcRenderer = vi.hoisted(() => ({ invoke: () => Promise.resolve({ ok: true, value: null }), on: () => undefined, send: () => undefined }));
vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (name: string, api: unknown) => void exposed.set(name, api) },
  ipcRenderer,
}));

/** Every value reachable from `value` through its own properties (functions included). */
function reachable(value: unknown, seen = new Set<unknown>()): Set<unknown> {
  if ((typeof value !== 'object' && typeof value !== 'function') || value === null || seen.has(value)) return seen;
  seen.add(value);
  for (const key of Reflect.ownKeys(value)) reachable((value as Record<PropertyKey, unknown>)[key], seen);
  return seen;
}

describe('the preload', () => {
  it('exposes the typed contract and its events, and never ipcRenderer or any other Electron API', async () => {
    await import('../../../../main/electron/preload.js');
    expect([...exposed.keys()].sort()).toEqual(['chot', 'chotEvents']);
    expect(Object.keys(exposed.get('chot') as object).sort()).toEqual([...KIOSK_API_METHODS].sort());
    expect(Object.keys(exposed.get('chotEvents') as object)).toEqual(['onEvent']);
    // Not the object, nor one of its methods: the page could send on any channel with them.
    const handedOver = reachable([...exposed.values()]);
    expect(handedOver.has(ipcRenderer)).toBe(false);
    for (const method of Object.values(ipcRenderer)) expect(handedOver.has(method)).toBe(false);
  });
});
