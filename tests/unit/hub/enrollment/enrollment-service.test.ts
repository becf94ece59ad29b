import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CODE_VALIDITY_MS, EnrollmentService, MemoryEnrollmentStore } from '../../../../hub/enrollment/enrollment-service.js';
import { RequestVerifier } from '../../../../hub/enrollment/request-verifier.js';
import { deviceIdentityFrom, publicKeyRawOf } from '../../../../main/hub-client/device-identity.js';

const NOW = Date.parse('2021-10-20T01:00:00Z');

describe('enrolment', () => {
  it('a one-time code enrols a kiosk at its location, whose signed requests the hub then accepts', async () => {
    const store = new MemoryEnrollmentStore();
    const hub = new EnrollmentService(store, () => NOW);
    const { code } = await hub.createCode('Bến xe phía Bắc Nha Trang');
    expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
    const key = generateKeyPairSync('ed25519').privateKey;
    const enrolled = await hub.redeem(code.toLowerCase(), publicKeyRawOf(key));
    expect(enrolled).toMatchObject({ ok: true, device: { location: 'Bến xe phía Bắc Nha Trang', revoked: false, enrolledAt: NOW } });
    if (!enrolled.ok) return;
    const identity = deviceIdentityFrom(enrolled.device.deviceId, key);
    const verifier = new RequestVerifier(store, () => NOW);
    const request = { method: 'GET', pathWithQuery: '/v1/snapshot', body: new Uint8Array() };
    expect((await verifier.verify({ ...request, headers: identity.signRequest('GET', '/v1/snapshot', new Uint8Array(), NOW) })).ok).toBe(true);
    expect(await hub.revoke(enrolled.device.deviceId)).toBe(true);
    expect(await verifier.verify({ ...request, headers: identity.signRequest('GET', '/v1/snapshot', new Uint8Array(), NOW) })).toEqual({
      ok: false,
      refusal: 'revoked',
    });
  });

  it('a code works once, expires after a day, and is never stored in clear', async () => {
    const store = new MemoryEnrollmentStore();
    let now = NOW;
    const hub = new EnrollmentService(store, () => now);
    const key = publicKeyRawOf(generateKeyPairSync('ed25519').privateKey);
    const { code } = await hub.createCode('Chợ Xóm Mới');
    expect(JSON.stringify([...(store as unknown as { codes: Map<string, unknown> }).codes.keys()])).not.toContain(code.replace(/-/g, ''));
    expect((await hub.redeem(code, key)).ok).toBe(true);
    const other = publicKeyRawOf(generateKeyPairSync('ed25519').privateKey);
    expect(await hub.redeem(code, other)).toEqual({ ok: false, refusal: 'unknown-code' });
    const late = await hub.createCode('Chợ Xóm Mới');
    now += CODE_VALIDITY_MS + 1;
    expect(await hub.redeem(late.code, other)).toEqual({ ok: false, refusal: 'expired-code' });
    expect(await hub.redeem('AAAA-BBBB-CCCC', other)).toEqual({ ok: false, refusal: 'unknown-code' });
    // The key enrolled already: refused before any code is looked at.
    expect(await hub.redeem('AAAA-BBBB-CCCC', key)).toEqual({ ok: false, refusal: 'already-enrolled' });
    expect(await hub.redeem((await hub.createCode('x')).code, new Uint8Array(5))).toEqual({ ok: false, refusal: 'bad-public-key' });
  });
});
