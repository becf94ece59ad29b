import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { encodeKioskReport } from '../../../../domain/sync/kiosk-report.js';
import { REPORT_HEADER, REQUEST_CLOCK_WINDOW_MS, REQUEST_HEADERS } from '../../../../domain/sync/signed-request.js';
import { RequestVerifier, type DeviceRecord } from '../../../../hub/enrollment/request-verifier.js';
import { createDeviceKey, deviceIdentityFrom, loadDeviceIdentity, saveDeviceId } from '../../../../main/hub-client/device-identity.js';
import { tempDataDir } from '../../../support/kiosk-process.js';

const NOW = Date.parse('2021-10-20T01:00:00Z');
const kiosk = deviceIdentityFrom('kiosk-1', generateKeyPairSync('ed25519').privateKey);
const impostor = deviceIdentityFrom('kiosk-1', generateKeyPairSync('ed25519').privateKey);

function hubWith(devices: DeviceRecord[], now = NOW) {
  return new RequestVerifier({ findDevice: async (id) => devices.find((d) => d.deviceId === id) }, () => now);
}
const registered: DeviceRecord = { deviceId: 'kiosk-1', publicKeyRaw: kiosk.publicKeyRaw, location: 'Chợ Đầm, Nha Trang', revoked: false };
const body = new TextEncoder().encode('{"since":42}');
const request = (headers: Record<string, string>, overrides: Partial<{ method: string; path: string; body: Uint8Array }> = {}) => ({
  method: overrides.method ?? 'POST',
  pathWithQuery: overrides.path ?? '/v1/deltas?since=42',
  headers,
  body: overrides.body ?? body,
});

describe('signed kiosk requests', () => {
  it('a request signed by an enrolled device is accepted', async () => {
    expect(await hubWith([registered]).verify(request(kiosk.signRequest('POST', '/v1/deltas?since=42', body, NOW)))).toMatchObject({
      ok: true,
      device: { location: 'Chợ Đầm, Nha Trang' },
    });
  });

  it.each<[string, () => ReturnType<RequestVerifier['verify']>]>([
    ['unsigned', () => hubWith([registered]).verify(request({}))],
    ['from an unknown device', () => hubWith([]).verify(request(kiosk.signRequest('POST', '/v1/deltas?since=42', body, NOW)))],
    ['from a revoked device', () => hubWith([{ ...registered, revoked: true }]).verify(request(kiosk.signRequest('POST', '/v1/deltas?since=42', body, NOW)))],
    [
      'signed by another key under the same device id',
      () => hubWith([registered]).verify(request(impostor.signRequest('POST', '/v1/deltas?since=42', body, NOW))),
    ],
    [
      'with a changed body',
      () =>
        hubWith([registered]).verify(request(kiosk.signRequest('POST', '/v1/deltas?since=42', body, NOW), { body: new TextEncoder().encode('{"since":0}') })),
    ],
    [
      'with a changed path',
      () => hubWith([registered]).verify(request(kiosk.signRequest('POST', '/v1/deltas?since=42', body, NOW), { path: '/v1/deltas?since=0' })),
    ],
    ['too old', () => hubWith([registered]).verify(request(kiosk.signRequest('POST', '/v1/deltas?since=42', body, NOW - REQUEST_CLOCK_WINDOW_MS - 1)))],
  ])('a request %s is refused', async (_label, attempt) => {
    expect((await attempt()).ok).toBe(false);
  });

  it('names each refusal', async () => {
    const hub = hubWith([registered]);
    const signed = kiosk.signRequest('POST', '/v1/deltas?since=42', body, NOW);
    expect(await hub.verify(request({}))).toEqual({ ok: false, refusal: 'unsigned' });
    expect(await hubWith([{ ...registered, revoked: true }]).verify(request(signed))).toEqual({ ok: false, refusal: 'revoked' });
    expect(await hub.verify(request({ ...signed, [REQUEST_HEADERS.device]: 'kiosk-2' }))).toEqual({ ok: false, refusal: 'unknown-device' });
    expect(await hub.verify(request(signed))).toMatchObject({ ok: true });
    expect(await hub.verify(request(signed))).toEqual({ ok: false, refusal: 'replayed' });
  });

  it('a replayed request is refused even after other traffic', async () => {
    const hub = hubWith([registered]);
    const first = kiosk.signRequest('GET', '/v1/snapshot', new Uint8Array(), NOW);
    expect((await hub.verify(request(first, { method: 'GET', path: '/v1/snapshot', body: new Uint8Array() }))).ok).toBe(true);
    for (let i = 0; i < 50; i++)
      await hub.verify(request(kiosk.signRequest('GET', `/v1/x${i}`, new Uint8Array(), NOW), { method: 'GET', path: `/v1/x${i}`, body: new Uint8Array() }));
    expect(await hub.verify(request(first, { method: 'GET', path: '/v1/snapshot', body: new Uint8Array() }))).toEqual({ ok: false, refusal: 'replayed' });
  });

  it('of two copies of one request verified at once (the lookup is async), exactly one passes', async () => {
    // A directory as slow as a database round trip, so both verifications are in flight together.
    const slow = new RequestVerifier(
      { findDevice: (id) => new Promise((resolve) => setTimeout(() => resolve(id === registered.deviceId ? registered : undefined), 5)) },
      () => NOW,
    );
    const signed = kiosk.signRequest('POST', '/v1/deltas?since=42', body, NOW);
    const results = await Promise.all([slow.verify(request(signed)), slow.verify(request(signed))]);
    expect(results.map((r) => (r.ok ? 'ok' : r.refusal)).sort()).toEqual(['ok', 'replayed']);
  });

  it('the device key is made once, kept owner-only, and loads back', async () => {
    const dataDir = tempDataDir();
    createDeviceKey(dataDir);
    expect(() => createDeviceKey(dataDir)).toThrow(/already has a device key/);
    expect(loadDeviceIdentity(dataDir)).toBeUndefined();
    saveDeviceId(dataDir, 'kiosk-9');
    const identity = loadDeviceIdentity(dataDir);
    expect(identity?.deviceId).toBe('kiosk-9');
    const device: DeviceRecord = { deviceId: 'kiosk-9', publicKeyRaw: identity?.publicKeyRaw ?? new Uint8Array(), location: 'x', revoked: false };
    expect((await hubWith([device]).verify(request(identity?.signRequest('POST', '/v1/deltas?since=42', body, NOW) ?? {}))).ok).toBe(true);
  });
});

describe('signed kiosk requests with a status report', () => {
  const report = encodeKioskReport({ seq: 7, backlog: 2, ruleSet: { id: 'vn-default', version: '3' }, app: '0.1.0', flags: ['device-fault'] });
  const get = (headers: Record<string, string>) => ({ method: 'GET', pathWithQuery: '/v1/status', headers, body: new Uint8Array() });

  it('accepts the report under the signature and hands it over decoded', async () => {
    expect(await hubWith([registered]).verify(get(kiosk.signRequest('GET', '/v1/status', undefined, NOW, report)))).toEqual({
      ok: true,
      device: registered,
      report: { seq: 7, backlog: 2, ruleSet: { id: 'vn-default', version: '3' }, app: '0.1.0', flags: ['device-fault'] },
    });
  });

  it('an older kiosk, which sends none, still passes, with no report', async () => {
    expect(await hubWith([registered]).verify(get(kiosk.signRequest('GET', '/v1/status', undefined, NOW)))).toEqual({ ok: true, device: registered });
  });

  it('refuses a report added, removed or changed on the way: the signature covers it', async () => {
    const signed = kiosk.signRequest('GET', '/v1/status', undefined, NOW, report);
    const withoutReport = Object.fromEntries(Object.entries(signed).filter(([name]) => name !== REPORT_HEADER));
    const forged = encodeKioskReport({ backlog: 0, flags: [] });
    expect(await hubWith([registered]).verify(get({ ...signed, [REPORT_HEADER]: forged }))).toEqual({ ok: false, refusal: 'bad-signature' });
    expect(await hubWith([registered]).verify(get(withoutReport))).toEqual({ ok: false, refusal: 'bad-signature' });
    const plain = kiosk.signRequest('GET', '/v1/status', undefined, NOW);
    expect(await hubWith([registered]).verify(get({ ...plain, [REPORT_HEADER]: forged }))).toEqual({ ok: false, refusal: 'bad-signature' });
  });

  it('a signed but malformed report costs the report, not the request', async () => {
    const verified = await hubWith([registered]).verify(get(kiosk.signRequest('GET', '/v1/status', undefined, NOW, 'bm90LWpzb24')));
    expect(verified).toEqual({ ok: true, device: registered, reportProblem: 'not the base64url of UTF-8 JSON' });
  });
});
