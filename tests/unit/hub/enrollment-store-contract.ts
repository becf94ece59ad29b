import { generateKeyPairSync } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { EnrollmentService, hashCode } from '../../../hub/enrollment/enrollment-service.js';
import type { EnrollmentStore, MemoryEnrollmentStore } from '../../../hub/enrollment/enrollment-store.js';
import { RequestVerifier } from '../../../hub/enrollment/request-verifier.js';
import type { HubStorageLocation } from '../../../hub/storage/open-hub-storage.js';
import { hubStorageSubjectOf, memorySubjectOf, type OpenStoreSubject, type StoreSubject } from './store-subject.js';
import { deviceIdentityFrom, publicKeyRawOf } from '../../../main/hub-client/device-identity.js';

/**
 * The one behaviour every EnrollmentStore must have, run against the hub's SQLite and
 * PostgreSQL storage for real (sqlite-hub-storage.test.ts, pg-hub-storage.test.ts) and
 * against the memory store (tests/unit/hub/enrollment/memory-enrollment-store.test.ts).
 */
export type EnrollmentSubject = StoreSubject<EnrollmentStore>;
/** A fresh, empty subject per call. */
export type OpenEnrollmentSubject = OpenStoreSubject<EnrollmentStore>;

/** The enrolment part of a fresh hub storage at `newLocation()`; storedRows() reads the code table. */
export const hubStorageSubject = (newLocation: () => HubStorageLocation): OpenEnrollmentSubject =>
  hubStorageSubjectOf(newLocation, (storage) => storage.enrollment, 'enrollment_code');

export const memorySubject = (newStore: () => MemoryEnrollmentStore): OpenEnrollmentSubject =>
  memorySubjectOf<EnrollmentStore>(newStore, (store) => [...(store as unknown as { codes: Map<string, unknown> }).codes.entries()]);

const NOW = Date.parse('2021-10-20T01:00:00Z');
const HOUR = 3600_000;
const newKey = () => generateKeyPairSync('ed25519').privateKey;

export function describeEnrollmentStoreContract(name: string, open: OpenEnrollmentSubject): void {
  describe(`EnrollmentStore contract: ${name}`, () => {
    const subjects: EnrollmentSubject[] = [];
    const fresh = async (): Promise<EnrollmentSubject> => {
      const subject = await open();
      subjects.push(subject);
      return subject;
    };
    afterEach(async () => {
      await Promise.all(subjects.splice(0).map((s) => s.close()));
    });

    it('a code works once, and only its SHA-256 is stored', async () => {
      const { store, storedRows } = await fresh();
      const hub = new EnrollmentService(store, () => NOW);
      // Typed on a system that sends decomposed Vietnamese (NFD): stored as one name (NFC).
      const { code, expiresAt } = await hub.createCode('Bến xe phía Bắc, Nha Trang'.normalize('NFD'));
      const stored = JSON.stringify(await storedRows());
      for (const form of [code, code.replace(/-/g, ''), code.toLowerCase(), code.replace(/-/g, '').toLowerCase()]) expect(stored).not.toContain(form);
      expect(stored).toContain(hashCode(code));
      const enrolled = await hub.redeem(code, publicKeyRawOf(newKey()));
      expect(enrolled).toMatchObject({ ok: true, device: { location: 'Bến xe phía Bắc, Nha Trang', revoked: false, enrolledAt: NOW } });
      expect(expiresAt).toBe(NOW + 24 * HOUR);
      expect(await hub.redeem(code, publicKeyRawOf(newKey()))).toEqual({ ok: false, refusal: 'unknown-code' });
      expect(await storedRows()).toEqual([]);
      expect(await hub.redeem('AAAA-BBBB-CCCC', publicKeyRawOf(newKey()))).toEqual({ ok: false, refusal: 'unknown-code' });
    });

    it('of concurrent takes of one code, from two connections, exactly one succeeds', async () => {
      const { store, another } = await fresh();
      const second = await another();
      const code = { codeHash: hashCode('CONC-URRE-NT01'), location: 'Chợ Đầm', expiresAt: NOW + HOUR };
      await store.saveCode(code);
      const takes = await Promise.all([
        store.takeCode(code.codeHash),
        second.takeCode(code.codeHash),
        store.takeCode(code.codeHash),
        second.takeCode(code.codeHash),
      ]);
      expect(takes.filter((t) => t !== undefined)).toEqual([{ location: 'Chợ Đầm', expiresAt: NOW + HOUR }]);

      // The same through the service: six kiosks race for one code; one is enrolled.
      const { code: raced } = await new EnrollmentService(store, () => NOW).createCode('Chợ Đầm');
      const services = [store, second].map((s) => new EnrollmentService(s, () => NOW));
      const results = await Promise.all(Array.from({ length: 6 }, (_, i) => services[i % 2]!.redeem(raced, publicKeyRawOf(newKey()))));
      expect(results.filter((r) => r.ok)).toHaveLength(1);
      expect(results.filter((r) => !r.ok)).toEqual(Array.from({ length: 5 }, () => ({ ok: false, refusal: 'unknown-code' })));
      expect(await store.listDevices()).toHaveLength(1);
    });

    it('a code expires after its validity, to the millisecond, and an expired code is spent by the attempt', async () => {
      const { store } = await fresh();
      let now = NOW;
      const hub = new EnrollmentService(store, () => now);
      const first = await hub.createCode('Cảng Cầu Đá', 2 * HOUR);
      const second = await hub.createCode('Cảng Cầu Đá', 2 * HOUR);
      expect(first.expiresAt).toBe(NOW + 2 * HOUR);
      now = first.expiresAt;
      expect((await hub.redeem(first.code, publicKeyRawOf(newKey()))).ok).toBe(true);
      now += 1;
      expect(await hub.redeem(second.code, publicKeyRawOf(newKey()))).toEqual({ ok: false, refusal: 'expired-code' });
      expect(await hub.redeem(second.code, publicKeyRawOf(newKey()))).toEqual({ ok: false, refusal: 'unknown-code' });
      // Milliseconds survive the round trip (PostgreSQL keeps timestamptz in microseconds).
      await store.saveCode({ codeHash: hashCode('MILL-ISEC-OND1'), location: 'x', expiresAt: NOW + 123 });
      expect(await store.takeCode(hashCode('MILL-ISEC-OND1'))).toEqual({ location: 'x', expiresAt: NOW + 123 });
    });

    it('refuses a second code with the same hash', async () => {
      const { store } = await fresh();
      const code = { codeHash: hashCode('SAME-SAME-SAME'), location: 'x', expiresAt: NOW };
      await store.saveCode(code);
      await expect(store.saveCode({ ...code, location: 'y' })).rejects.toThrow();
      expect(await store.takeCode(code.codeHash)).toEqual({ location: 'x', expiresAt: NOW });
    });

    it('finds an enrolled device, with its key, location and enrolment time, from any connection', async () => {
      const { store, another } = await fresh();
      const hub = new EnrollmentService(store, () => NOW + 7);
      const key = publicKeyRawOf(newKey());
      const enrolled = await hub.redeem((await hub.createCode('Sân bay Cam Ranh')).code, key);
      if (!enrolled.ok) throw new Error(enrolled.refusal);
      const expected = { deviceId: enrolled.device.deviceId, publicKeyRaw: key, location: 'Sân bay Cam Ranh', revoked: false, enrolledAt: NOW + 7 };
      expect(await store.findDevice(enrolled.device.deviceId)).toStrictEqual(expected);
      expect(await (await another()).findDevice(enrolled.device.deviceId)).toStrictEqual(expected);
      expect(await store.findDevice('k-0000000000000000')).toBeUndefined();
    });

    it('revokes a device: the verifier refuses it at once, and its key cannot enrol again', async () => {
      const { store, another } = await fresh();
      const hub = new EnrollmentService(store, () => NOW);
      const key = newKey();
      const enrolled = await hub.redeem((await hub.createCode('Chợ Xóm Mới')).code, publicKeyRawOf(key));
      if (!enrolled.ok) throw new Error(enrolled.refusal);
      const { deviceId } = enrolled.device;
      const verifier = new RequestVerifier(store, () => NOW);
      const identity = deviceIdentityFrom(deviceId, key);
      const request = () => ({
        method: 'GET',
        pathWithQuery: '/v1/snapshot',
        body: new Uint8Array(),
        headers: identity.signRequest('GET', '/v1/snapshot', new Uint8Array(), NOW),
      });
      expect((await verifier.verify(request())).ok).toBe(true);

      // The admin revokes through another connection (the CLI); the serving hub sees it on the next request.
      const admin = await another();
      expect(await admin.revokeDevice(deviceId)).toBe(true);
      expect(await verifier.verify(request())).toEqual({ ok: false, refusal: 'revoked' });
      expect(await admin.revokeDevice(deviceId)).toBe(true);
      expect(await admin.revokeDevice('k-0000000000000000')).toBe(false);

      const nextCode = await hub.createCode('Chợ Xóm Mới');
      expect(await hub.redeem(nextCode.code, publicKeyRawOf(key))).toEqual({ ok: false, refusal: 'revoked-device' });
      expect((await hub.redeem(nextCode.code, publicKeyRawOf(newKey()))).ok).toBe(true); // the code was not spent
      expect(await store.saveDevice({ ...enrolled.device, location: 'elsewhere', revoked: false, enrolledAt: NOW + 1 })).toBe(false);
      expect(await store.findDevice(deviceId)).toMatchObject({ revoked: true, location: 'Chợ Xóm Mới', enrolledAt: NOW });
    });

    it('enrols a key once: a second code redeemed with it is refused, unspent, and the kiosk stays where it was', async () => {
      const { store, another } = await fresh();
      const hub = new EnrollmentService(store, () => NOW);
      const key = publicKeyRawOf(newKey());
      const first = await hub.redeem((await hub.createCode('Chợ Đầm')).code, key);
      if (!first.ok) throw new Error(first.refusal);
      const elsewhere = await hub.createCode('Bến xe phía Bắc');
      expect(await hub.redeem(elsewhere.code, key)).toEqual({ ok: false, refusal: 'already-enrolled' });
      expect(await store.findDevice(first.device.deviceId)).toMatchObject({ location: 'Chợ Đầm', enrolledAt: NOW });
      expect((await hub.redeem(elsewhere.code, publicKeyRawOf(newKey()))).ok).toBe(true); // the code was not spent
      // Written straight to the store from another connection, as a racing redemption would: refused too.
      expect(await (await another()).saveDevice({ ...first.device, location: 'Bến xe phía Bắc', enrolledAt: NOW + 1 })).toBe(false);
      expect(await store.findDevice(first.device.deviceId)).toMatchObject({ location: 'Chợ Đầm' });
    });

    it('lists every device in enrolment order, revoked ones too', async () => {
      const { store } = await fresh();
      expect(await store.listDevices()).toEqual([]);
      let now = NOW;
      const hub = new EnrollmentService(store, () => now);
      const ids: string[] = [];
      for (const location of ['Cổng 1', 'Cổng 2', 'Cổng 3']) {
        const enrolled = await hub.redeem((await hub.createCode(location)).code, publicKeyRawOf(newKey()));
        if (!enrolled.ok) throw new Error(enrolled.refusal);
        ids.push(enrolled.device.deviceId);
        now += HOUR;
      }
      await hub.revoke(ids[1]!);
      const listed = await store.listDevices();
      expect(listed.map((d) => [d.deviceId, d.location, d.revoked, d.enrolledAt])).toEqual([
        [ids[0], 'Cổng 1', false, NOW],
        [ids[1], 'Cổng 2', true, NOW + HOUR],
        [ids[2], 'Cổng 3', false, NOW + 2 * HOUR],
      ]);
      expect(listed.every((d) => d.publicKeyRaw instanceof Uint8Array && d.publicKeyRaw.length === 32)).toBe(true);
    });
  });
}
