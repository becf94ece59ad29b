import { afterEach, describe, expect, it } from 'vitest';
import type { AdminTokenStore, MemoryAdminTokenStore } from '../../../../hub/admin/admin-token-store.js';
import { AdminTokenNameTaken, checkAdminToken, createAdminToken, hashAdminToken } from '../../../../hub/admin/admin-tokens.js';
import type { HubStorageLocation } from '../../../../hub/storage/open-hub-storage.js';
import { rawRows } from '../entry-store-fixtures.js';
import { hubStorageSubjectOf, memorySubjectOf, type OpenStoreSubject, type StoreSubject } from '../store-subject.js';

/**
 * What every AdminTokenStore must do, through the token functions the CLI and the server
 * use: run against the hub's SQLite and PostgreSQL storage for real, and the memory store.
 */
export type AdminTokenSubject = StoreSubject<AdminTokenStore>;
export type OpenAdminTokenSubject = OpenStoreSubject<AdminTokenStore>;

export const hubStorageTokenSubject = (newLocation: () => HubStorageLocation): OpenAdminTokenSubject =>
  hubStorageSubjectOf(newLocation, (storage) => storage.adminTokens, 'admin_token');

export const memoryTokenSubject = (newStore: () => MemoryAdminTokenStore): OpenAdminTokenSubject =>
  memorySubjectOf<AdminTokenStore>(newStore, (store) => [...(store as unknown as { tokens: Map<string, unknown> }).tokens.values()]);

export { rawRows };

const NOW = Date.parse('2021-10-20T01:00:00Z');
const DAY = 24 * 3600_000;

export function describeAdminTokenStoreContract(name: string, open: OpenAdminTokenSubject): void {
  describe(`AdminTokenStore contract: ${name}`, () => {
    const subjects: AdminTokenSubject[] = [];
    const fresh = async (): Promise<AdminTokenSubject> => {
      const subject = await open();
      subjects.push(subject);
      return subject;
    };
    afterEach(async () => {
      await Promise.all(subjects.splice(0).map((s) => s.close()));
    });

    it('creates a random prefixed token of 32 bytes, stores only its SHA-256, and accepts it', async () => {
      const { store, storedRows, another } = await fresh();
      const { token, record } = await createAdminToken(store, 'so-y-te.trace', 30, () => NOW);
      const again = await createAdminToken(store, 'cdc-ops', 30, () => NOW);
      expect(token).toMatch(/^chot-admin-[A-Za-z0-9_-]{43}$/);
      expect(Buffer.from(token.slice('chot-admin-'.length), 'base64url')).toHaveLength(32);
      expect(again.token).not.toBe(token);
      expect(record).toEqual({ name: 'so-y-te.trace', tokenHash: hashAdminToken(token), createdAt: NOW, expiresAt: NOW + 30 * DAY, revokedAt: null });
      const stored = JSON.stringify(await storedRows());
      expect(stored).not.toContain(token);
      expect(stored).not.toContain(token.slice('chot-admin-'.length));
      expect(stored).toContain(hashAdminToken(token));
      expect(await checkAdminToken(store, token, NOW)).toEqual({ ok: true, record });
      // Another process (the hub) sees it at once.
      expect(await checkAdminToken(await another(), token, NOW + 1)).toMatchObject({ ok: true, record: { name: 'so-y-te.trace' } });
    });

    it('refuses unknown and malformed tokens', async () => {
      const { store } = await fresh();
      const { token } = await createAdminToken(store, 'alice', 30, () => NOW);
      const flipped = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
      for (const presented of [flipped, 'chot-admin-', token.slice('chot-admin-'.length), `${token} `, hashAdminToken(token), '']) {
        expect(await checkAdminToken(store, presented, NOW)).toEqual({ ok: false, refusal: 'unknown' });
      }
    });

    it('a token expires at its expiry, to the millisecond', async () => {
      const { store } = await fresh();
      const { token, record } = await createAdminToken(store, 'bob', 1.5, () => NOW + 123);
      expect(record.expiresAt).toBe(NOW + 123 + 1.5 * DAY);
      expect((await checkAdminToken(store, token, record.expiresAt - 1)).ok).toBe(true);
      expect(await checkAdminToken(store, token, record.expiresAt)).toMatchObject({ ok: false, refusal: 'expired', record: { name: 'bob' } });
      // Milliseconds survive the round trip (PostgreSQL keeps timestamptz in microseconds).
      expect((await store.list())[0]).toEqual(record);
    });

    it('revocation, made through another connection, counts from the next check and keeps its first time', async () => {
      const { store, another } = await fresh();
      const { token } = await createAdminToken(store, 'carol', 30, () => NOW);
      const admin = await another();
      expect(await admin.revoke('carol', NOW + 10)).toMatchObject({ name: 'carol', revokedAt: NOW + 10 });
      expect(await checkAdminToken(store, token, NOW + 11)).toMatchObject({ ok: false, refusal: 'revoked', record: { name: 'carol', revokedAt: NOW + 10 } });
      expect(await admin.revoke('carol', NOW + 20)).toMatchObject({ revokedAt: NOW + 10 });
      expect(await admin.revoke('nobody', NOW + 20)).toBeUndefined();
      // Revoked beats expired: the message that tells the holder most.
      expect(await checkAdminToken(store, token, NOW + 31 * DAY)).toMatchObject({ ok: false, refusal: 'revoked' });
    });

    it('names are unique for ever, and listed by creation then name, revoked ones too', async () => {
      const { store } = await fresh();
      await createAdminToken(store, 'zed', 30, () => NOW);
      await createAdminToken(store, 'amy', 30, () => NOW);
      await createAdminToken(store, 'Bea', 30, () => NOW - 1);
      await store.revoke('zed', NOW + 1);
      await expect(createAdminToken(store, 'zed', 30, () => NOW + 2)).rejects.toThrow(AdminTokenNameTaken);
      await expect(createAdminToken(store, 'amy', 30, () => NOW + 2)).rejects.toThrow(/exists already/);
      expect((await store.list()).map((t) => [t.name, t.revokedAt])).toEqual([
        ['Bea', null],
        ['amy', null],
        ['zed', NOW + 1],
      ]);
    });

    it('refuses names that would garble the log, and validities outside 0–366 days, storing nothing', async () => {
      const { store } = await fresh();
      for (const bad of ['', ' alice', 'a b', 'x\nGET /v1/admin/trace 200', '-lead', 'a'.repeat(65), 'Nguyễn']) {
        await expect(createAdminToken(store, bad, 30, () => NOW)).rejects.toThrow(RangeError);
      }
      for (const days of [0, -1, 367, Number.NaN, Number.POSITIVE_INFINITY])
        await expect(createAdminToken(store, 'ok', days, () => NOW)).rejects.toThrow(/at most 366 days/);
      expect(await store.list()).toEqual([]);
    });
  });
}
