import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CODE_VALIDITY_MS, EnrollmentService, MemoryEnrollmentStore } from '../../../hub/enrollment/enrollment-service.js';
import { RequestVerifier } from '../../../hub/enrollment/request-verifier.js';
import { deviceIdentityFrom, publicKeyRawOf } from '../../../main/enrollment/device-identity.js';

const NOW = Date.parse('2021-10-20T01:00:00Z');

describe('enrolment', () => {
  it('a one-time code enrols a kiosk at its location, whose signed requests the hub then accepts', () => {
    const store = new MemoryEnrollmentStore();
    const hub = new EnrollmentService(store, () => NOW);
    const { code } = hub.createCode('Bến xe phía Bắc Nha Trang');
    expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
    const key = generateKeyPairSync('ed25519').privateKey;
    const enrolled = hub.redeem(code.toLowerCase(), publicKeyRawOf(key));
    expect(enrolled).toMatchObject({ ok: true, device: { location: 'Bến xe phía Bắc Nha Trang', revoked: false } });
    if (!enrolled.ok) return;
    const identity = deviceIdentityFrom(enrolled.device.deviceId, key);
    const verifier = new RequestVerifier(store, () => NOW);
    const request = { method: 'GET', pathWithQuery: '/v1/snapshot', body: new Uint8Array() };
    expect(verifier.verify({ ...request, headers: identity.signRequest('GET', '/v1/snapshot', new Uint8Array(), NOW) }).ok).toBe(true);
    hub.revoke(enrolled.device.deviceId);
    expect(verifier.verify({ ...request, headers: identity.signRequest('GET', '/v1/snapshot', new Uint8Array(), NOW) })).toEqual({ ok: false, refusal: 'revoked' });
  });

  it('a code works once, expires after a day, and is never stored in clear', () => {
    const store = new MemoryEnrollmentStore();
    let now = NOW;
    const hub = new EnrollmentService(store, () => now);
    const key = publicKeyRawOf(generateKeyPairSync('ed25519').privateKey);
    const { code } = hub.createCode('Chợ Xóm Mới');
    expect(JSON.stringify([...(store as unknown as { codes: Map<string, unknown> }).codes.keys()])).not.toContain(code.replace(/-/g, ''));
    expect(hub.redeem(code, key).ok).toBe(true);
    expect(hub.redeem(code, key)).toEqual({ ok: false, refusal: 'unknown-code' });
    const late = hub.createCode('Chợ Xóm Mới');
    now += CODE_VALIDITY_MS + 1;
    expect(hub.redeem(late.code, key)).toEqual({ ok: false, refusal: 'expired-code' });
    expect(hub.redeem('AAAA-BBBB-CCCC', key)).toEqual({ ok: false, refusal: 'unknown-code' });
    expect(hub.redeem(hub.createCode('x').code, new Uint8Array(5))).toEqual({ ok: false, refusal: 'bad-public-key' });
  });
});
