import { afterEach, describe, expect, it } from 'vitest';
import { REQUEST_CLOCK_WINDOW_MS } from '../../../domain/sync/signed-request.js';
import { MemoryNonceStore, type NonceStore } from '../../../hub/enrollment/request-verifier.js';
import type { HubStorage } from '../../../hub/storage/hub-storage.js';
import { openHubStorage, type HubStorageLocation } from '../../../hub/storage/open-hub-storage.js';

const NOW = Date.parse('2021-10-20T08:00:00Z');
const DEVICE = 'k-0123456789abcdef';

/**
 * The nonce store's contract (hub/enrollment/request-verifier.ts: NonceStore), for every
 * engine: `reopen` gives another handle on the same data — a second hub process, or the same
 * hub after a restart (undefined for the memory store, which keeps nothing).
 */
export function describeNonceStoreContract(
  name: string,
  open: () => Promise<{ store: NonceStore; reopen?: () => Promise<NonceStore>; close: () => Promise<void> }>,
): void {
  describe(`NonceStore contract: ${name}`, () => {
    const closers: (() => Promise<void>)[] = [];
    afterEach(async () => {
      for (const close of closers.splice(0).reverse()) await close();
    });
    const fresh = async () => {
      const opened = await open();
      closers.push(opened.close);
      return opened;
    };

    it('records a nonce once: the second time it is a replay, for that device only', async () => {
      const { store } = await fresh();
      expect(await store.seen(DEVICE, 'nonce-0123456789ab')).toBe(false);
      expect(await store.remember(DEVICE, 'nonce-0123456789ab', NOW, NOW)).toBe(true);
      expect(await store.seen(DEVICE, 'nonce-0123456789ab')).toBe(true);
      expect(await store.remember(DEVICE, 'nonce-0123456789ab', NOW, NOW + 1)).toBe(false);
      expect(await store.remember('k-fedcba9876543210', 'nonce-0123456789ab', NOW, NOW)).toBe(true);
    });

    it('of concurrent records of one nonce, exactly one succeeds', async () => {
      const { store, reopen } = await fresh();
      const other = reopen === undefined ? store : await reopen();
      const results = await Promise.all([store, other, store, other].map((s) => s.remember(DEVICE, 'nonce-concurrent-01', NOW, NOW)));
      expect(results.filter(Boolean)).toHaveLength(1);
    });

    it('keeps nonces across handles (another process, a restart), and forgets those older than the clock window', async () => {
      const { store, reopen } = await fresh();
      await store.remember(DEVICE, 'nonce-old-000000001', NOW, NOW);
      await store.remember(DEVICE, 'nonce-new-000000001', NOW + REQUEST_CLOCK_WINDOW_MS, NOW + REQUEST_CLOCK_WINDOW_MS);
      if (reopen !== undefined) expect(await (await reopen()).seen(DEVICE, 'nonce-new-000000001')).toBe(true);
      const later = NOW + 2 * REQUEST_CLOCK_WINDOW_MS + 120_000;
      await store.remember(DEVICE, 'nonce-latest-000001', later, later);
      expect(await store.seen(DEVICE, 'nonce-old-000000001')).toBe(false);
      expect(await store.seen(DEVICE, 'nonce-latest-000001')).toBe(true);
    });
  });
}

/** The nonce store of a hub storage at a fresh location; reopen opens the storage again. */
export function hubNonceSubject(newLocation: () => HubStorageLocation) {
  return async () => {
    const location = newLocation();
    const opened: HubStorage[] = [await openHubStorage(location)];
    return {
      store: opened[0]!.nonces,
      reopen: async () => {
        opened.push(await openHubStorage(location));
        return opened.at(-1)!.nonces;
      },
      close: async () => void (await Promise.all(opened.map((s) => s.close()))),
    };
  };
}

/** The memory store (tests, a hub that keeps nothing): the same contract but across handles. */
export const describeMemoryNonceStoreContract = (): void =>
  describeNonceStoreContract('memory', async () => ({ store: new MemoryNonceStore(), close: async () => undefined }));
