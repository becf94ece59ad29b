import { createHash, generateKeyPairSync } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { REQUEST_HEADERS } from '../../../../domain/sync/signed-request.js';
import { EnrollmentService } from '../../../../hub/enrollment/enrollment-service.js';
import { loadOrCreateHubSigningKey } from '../../../../hub/keys/hub-signing-key.js';
import { openHubStorage } from '../../../../hub/storage/open-hub-storage.js';
import type { HubStorage } from '../../../../hub/storage/hub-storage.js';
import { deviceIdentityFrom, publicKeyRawOf } from '../../../../main/hub-client/device-identity.js';
import { checkHubTime } from '../../../../main/sync/hub-time-check.js';
import { hubKeyStoreFromKeys } from '../../../../main/trust/hub-key-store.js';
import type { SignedHubTime } from '../../../../domain/protocol/hub-time.js';
import { tempDataDir } from '../../../support/kiosk-process.js';
import { freePort, startHubProcess } from '../../../support/hub-process.js';
import { startTestHub, type TestHub } from './hub-test-kit.js';

const hubs: TestHub[] = [];
const hub = async (options: Parameters<typeof startTestHub>[0] = {}): Promise<TestHub> => {
  const started = await startTestHub(options);
  hubs.push(started);
  return started;
};
afterEach(async () => {
  await Promise.all(hubs.splice(0).map((h) => h.close()));
});

const newKey = () => generateKeyPairSync('ed25519').privateKey;
const base64 = (key: ReturnType<typeof newKey>): string => Buffer.from(publicKeyRawOf(key)).toString('base64');

async function enrol(
  h: TestHub,
  body: unknown,
  headers: Record<string, string> = { 'content-type': 'application/json' },
): Promise<{ status: number; json: Record<string, unknown> }> {
  const answer = await fetch(`${h.server.url}/v1/enroll`, { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) });
  return { status: answer.status, json: (await answer.json()) as Record<string, unknown> };
}

describe('POST /v1/enroll', () => {
  it('redeems a code for the kiosk key: its id, location, the hub key to pin, the sequence', async () => {
    const h = await hub();
    await h.importRows('person', [{ id12: '056089001234' }]);
    const { code } = await new EnrollmentService(h.admin.enrollment).createCode('Chợ Đầm, Nha Trang');
    const key = newKey();
    const { status, json } = await enrol(h, { code, publicKey: base64(key) });
    expect(status).toBe(200);
    const hubKey = loadOrCreateHubSigningKey(h.dataDir);
    expect(json).toEqual({
      deviceId: expect.stringMatching(/^k-[0-9a-f]{16}$/),
      location: 'Chợ Đầm, Nha Trang',
      hubPublicKey: Buffer.from(hubKey.publicKeyRaw).toString('base64'),
      hubKeyId: hubKey.keyId,
      seq: 1,
    });
    expect(await h.admin.enrollment.findDevice(json.deviceId as string)).toMatchObject({ location: 'Chợ Đầm, Nha Trang', revoked: false });
    // The code is spent: the same code again, even with another key, is unknown.
    expect(await enrol(h, { code, publicKey: base64(newKey()) })).toMatchObject({ status: 403, json: { error: 'unknown-code' } });
  });

  it('refuses a kiosk that expects another hub key with 409 before spending the code', async () => {
    const h = await hub();
    const { code } = await new EnrollmentService(h.admin.enrollment).createCode('Bến xe phía Nam');
    const ownKey = Buffer.from(loadOrCreateHubSigningKey(h.dataDir).publicKeyRaw).toString('base64');
    expect(await enrol(h, { code, publicKey: base64(newKey()), hubKey: base64(newKey()) })).toMatchObject({ status: 409, json: { error: 'wrong-hub-key' } });
    expect(await enrol(h, { code, publicKey: base64(newKey()), hubKey: 'not a key' })).toMatchObject({ status: 400, json: { error: 'bad-request' } });
    // The code still works, for the kiosk that expects this hub's key.
    expect(await enrol(h, { code, publicKey: base64(newKey()), hubKey: ownKey })).toMatchObject({ status: 200, json: { hubPublicKey: ownKey } });
  });

  it('refuses a kiosk whose enrolment QR names another hub key (by its SHA-256) with 409 before spending the code', async () => {
    const h = await hub();
    const { code } = await new EnrollmentService(h.admin.enrollment).createCode('Bến xe phía Bắc');
    const own = loadOrCreateHubSigningKey(h.dataDir).publicKeyRaw;
    const sha256 = (raw: Uint8Array) => createHash('sha256').update(raw).digest('hex');
    expect(await enrol(h, { code, publicKey: base64(newKey()), hubKeySha256: sha256(publicKeyRawOf(newKey())) })).toMatchObject({
      status: 409,
      json: { error: 'wrong-hub-key' },
    });
    expect(await enrol(h, { code, publicKey: base64(newKey()), hubKeySha256: 'ABC' })).toMatchObject({ status: 400, json: { error: 'bad-request' } });
    // The code still works, for the kiosk whose QR names this hub's key.
    expect(await enrol(h, { code, publicKey: base64(newKey()), hubKeySha256: sha256(own) })).toMatchObject({ status: 200 });
  });

  it('refuses an unknown code, an expired code and a revoked key with 403', async () => {
    const h = await hub();
    expect(await enrol(h, { code: 'ABCD-EFGH-JKMN', publicKey: base64(newKey()) })).toMatchObject({ status: 403, json: { error: 'unknown-code' } });

    const yesterday = new EnrollmentService(h.admin.enrollment, () => Date.now() - 2 * 24 * 3600_000);
    const expired = await yesterday.createCode('Cổng chính', 3600_000);
    expect(await enrol(h, { code: expired.code, publicKey: base64(newKey()) })).toMatchObject({ status: 403, json: { error: 'expired-code' } });

    const key = newKey();
    const admin = new EnrollmentService(h.admin.enrollment);
    const first = await enrol(h, { code: (await admin.createCode('Cổng chính')).code, publicKey: base64(key) });
    await admin.revoke(first.json.deviceId as string);
    const again = await enrol(h, { code: (await admin.createCode('Cổng chính')).code, publicKey: base64(key) });
    expect(again).toMatchObject({ status: 403, json: { error: 'revoked-device' } });
  });

  it.each<[string, unknown, string]>([
    ['not JSON', '{"code": ', 'bad-request'],
    ['not an object', '[1, 2]', 'bad-request'],
    ['without a code', { publicKey: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=' }, 'bad-request'],
    ['without a key', { code: 'ABCD-EFGH-JKMN' }, 'bad-request'],
    ['with a key of 31 bytes', { code: 'ABCD-EFGH-JKMN', publicKey: Buffer.alloc(31).toString('base64') }, 'bad-public-key'],
    ['with a key that is not base64', { code: 'ABCD-EFGH-JKMN', publicKey: '!'.repeat(43) + '=' }, 'bad-public-key'],
    ['larger than 4 KiB', { code: 'ABCD-EFGH-JKMN', publicKey: 'A'.repeat(5000) }, 'bad-request'],
  ])('refuses a body %s with 400', async (_label, body, error) => {
    const h = await hub();
    expect(await enrol(h, body)).toMatchObject({ status: 400, json: { error } });
  });

  it('refuses a key that is enrolled already with 409, leaving the kiosk where it was and the code unspent', async () => {
    const h = await hub();
    const service = new EnrollmentService(h.admin.enrollment);
    const key = newKey();
    const first = await enrol(h, { code: (await service.createCode('Chợ Đầm')).code, publicKey: base64(key) });
    expect(first.status).toBe(200);
    const { code } = await service.createCode('Bến xe phía Bắc');
    expect(await enrol(h, { code, publicKey: base64(key) })).toMatchObject({ status: 409, json: { error: 'already-enrolled' } });
    expect(await h.admin.enrollment.findDevice(first.json.deviceId as string)).toMatchObject({ location: 'Chợ Đầm' });
    expect((await enrol(h, { code, publicKey: base64(newKey()) })).status).toBe(200);
  });

  it('limits enrolment attempts per address and in all with 429 and Retry-After, and logs the refusals', async () => {
    const h = await hub({ enrollLimits: { perAddress: { burst: 3, perMinute: 1 }, overall: { burst: 100, perMinute: 100 } } });
    const guesses = [];
    for (let i = 0; i < 4; i += 1) guesses.push(await enrol(h, { code: `GUESS-${i}`, publicKey: base64(newKey()) }));
    expect(guesses.map((g) => g.status)).toEqual([403, 403, 403, 429]);
    expect(guesses[3]?.json).toMatchObject({ error: 'too-many-attempts', message: expect.stringContaining('from this address') as unknown });
    const answer = await fetch(`${h.server.url}/v1/enroll`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(answer.status).toBe(429);
    expect(Number(answer.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(h.logs.some((line) => /enrol: attempt from \S+ refused, too many from this address/.test(line))).toBe(true);

    const busy = await hub({ enrollLimits: { perAddress: { burst: 100, perMinute: 100 }, overall: { burst: 2, perMinute: 1 } } });
    const all = [];
    for (let i = 0; i < 3; i += 1) all.push((await enrol(busy, { code: `GUESS-${i}`, publicKey: base64(newKey()) })).json);
    expect(all[2]).toMatchObject({ error: 'too-many-attempts', message: expect.stringContaining('at this hub') as unknown });
  });

  it('refuses a body that is not sent as JSON, and a GET', async () => {
    const h = await hub();
    expect(await enrol(h, { code: 'x', publicKey: 'y' }, { 'content-type': 'text/plain' })).toMatchObject({ status: 400, json: { error: 'bad-request' } });
    const get = await fetch(`${h.server.url}/v1/enroll`);
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
    expect(await get.json()).toMatchObject({ error: 'method-not-allowed' });
  });
});

describe('signed requests', () => {
  it('refuses a captured request replayed after the hub restarts (chot hub serve, stopped and started again)', async () => {
    const dataDir = tempDataDir('chot-hub-replay-');
    const port = await freePort();
    let serving = await startHubProcess(dataDir, port);
    try {
      const admin = await openHubStorage({ dataDir });
      const { code } = await new EnrollmentService(admin.enrollment).createCode('Chợ Đầm');
      await admin.close();
      const key = newKey();
      const enrolled = await fetch(`${serving.url}/v1/enroll`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ code, publicKey: base64(key) }),
      });
      const { deviceId } = (await enrolled.json()) as { deviceId: string };
      const captured = deviceIdentityFrom(deviceId, key).signRequest('GET', '/v1/status');
      expect((await fetch(`${serving.url}/v1/status`, { headers: captured })).status).toBe(200);
      await serving.stop();
      serving = await startHubProcess(dataDir, port);
      const replayed = await fetch(`${serving.url}/v1/status`, { headers: captured });
      expect(replayed.status).toBe(401);
      expect(await replayed.json()).toMatchObject({ error: 'replayed' });
      expect((await fetch(`${serving.url}/v1/status`, { headers: deviceIdentityFrom(deviceId, key).signRequest('GET', '/v1/status') })).status).toBe(200);
    } finally {
      await serving.stop();
    }
  });

  it('refuses each kind of bad signature with 401 and its code, a revoked kiosk with 403', async () => {
    const h = await hub();
    const kiosk = await h.enrol();
    const url = `${h.server.url}/v1/status`;
    const refusal = async (headers: Record<string, string>): Promise<[number, string]> => {
      const answer = await fetch(url, { headers });
      return [answer.status, ((await answer.json()) as { error: string }).error];
    };
    expect(await refusal({})).toEqual([401, 'unsigned']);
    expect(await refusal(deviceIdentityFrom('k-0000000000000000', newKey()).signRequest('GET', '/v1/status'))).toEqual([401, 'unknown-device']);
    expect(await refusal(deviceIdentityFrom(kiosk.identity.deviceId, newKey()).signRequest('GET', '/v1/status'))).toEqual([401, 'bad-signature']);
    expect(await refusal(kiosk.identity.signRequest('GET', '/v1/rules'))).toEqual([401, 'bad-signature']);

    const stale = await fetch(url, { headers: kiosk.identity.signRequest('GET', '/v1/status', undefined, Date.now() - 10 * 60_000) });
    expect(stale.status).toBe(401);
    const message = (await stale.json()) as { error: string; message: string };
    expect(message.error).toBe('stale-timestamp');
    expect(message.message).toMatch(/clock is 600 s behind the hub's/);

    const once = kiosk.identity.signRequest('GET', '/v1/status');
    expect((await fetch(url, { headers: once })).status).toBe(200);
    expect(await refusal(once)).toEqual([401, 'replayed']);

    await new EnrollmentService(h.admin.enrollment).revoke(kiosk.identity.deviceId);
    expect(await refusal(kiosk.identity.signRequest('GET', '/v1/status'))).toEqual([403, 'revoked']);
    expect(h.logs.some((line) => line.includes(REQUEST_HEADERS.signature) || line.includes(once[REQUEST_HEADERS.signature] as string))).toBe(false);
  });
});

describe('routes', () => {
  it('answers the status: sequence, newest snapshot, hub key, hub clock', async () => {
    // The hub's clock a minute ahead of the kiosk's: within the window, and visible in serverTime.
    const h = await hub({ now: () => Date.now() + 60_000 });
    const kiosk = await h.enrol();
    await h.server.snapshotReady(0);
    const answer = await kiosk.get('/v1/status');
    const status = (await answer.json()) as { serverTime: number; signedTime: unknown };
    expect(status).toEqual({
      seq: 0,
      snapshotSeq: 0,
      hubKeyId: h.server.hubKeyId,
      serverTime: expect.any(Number),
      signedTime: expect.any(Object),
      signedScope: expect.any(Object),
    });
    expect(Math.abs(status.serverTime - Date.now() - 60_000)).toBeLessThan(5_000);
    // The same clock, signed for this kiosk alone: what the kiosk judges its own clock by.
    const keys = hubKeyStoreFromKeys([kiosk.hubPublicKey]);
    expect(checkHubTime(status.signedTime, kiosk.identity.deviceId, keys)).toEqual({
      ok: true,
      time: { kioskId: kiosk.identity.deviceId, issuedAt: status.serverTime, hubKeyId: h.server.hubKeyId },
    });
    expect(checkHubTime(status.signedTime, 'k-0000000000000000', keys)).toEqual({ ok: false, why: 'other-kiosk' });
    const forged = { ...(status.signedTime as SignedHubTime), time: { ...(status.signedTime as SignedHubTime).time, issuedAt: 0 } };
    expect(checkHubTime(forged, kiosk.identity.deviceId, keys)).toEqual({ ok: false, why: 'bad-signature' });
    expect(checkHubTime(status.signedTime, kiosk.identity.deviceId, hubKeyStoreFromKeys([base64(newKey())]))).toEqual({ ok: false, why: 'unknown-key' });
    expect(checkHubTime(undefined, kiosk.identity.deviceId, keys)).toEqual({ ok: false, why: 'absent' });
  });

  it('serves the published rule sets with an ETag over their content, and 304 for it', async () => {
    const h = await hub();
    const kiosk = await h.enrol();
    const answer = await kiosk.get('/v1/rules');
    expect(answer.status).toBe(200);
    const etag = answer.headers.get('etag') as string;
    expect(etag).toMatch(/^"rules-[0-9a-f]{32}"$/);
    const { ruleSets } = (await answer.json()) as { ruleSets: { ruleSet: { id: string }; signature: { keyId: string } }[] };
    expect(ruleSets.length).toBeGreaterThan(0);
    expect(ruleSets[0]?.signature.keyId).toBe(h.server.hubKeyId);
    expect((await kiosk.get('/v1/rules', { 'if-none-match': etag })).status).toBe(304);
  });

  it('answers an unknown path 404, a wrong method 405 and a plain GET of the WebSocket 426, in JSON', async () => {
    const h = await hub();
    const kiosk = await h.enrol();
    const notFound = await fetch(`${h.server.url}/v2/snapshot`);
    expect(notFound.status).toBe(404);
    expect(await notFound.json()).toMatchObject({ error: 'not-found' });
    const wrong = await fetch(`${h.server.url}/v1/delta?since=0`, { method: 'POST' });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('GET');
    expect((await kiosk.get('/v1/notify')).status).toBe(426);
  });

  it('answers a failure of the storage with 500 and a message, and goes on serving', async () => {
    const dataDir = tempDataDir('chot-hub-server-');
    const real = await openHubStorage({ dataDir });
    let failing = false;
    // An open storage (the server builds snapshots in-process then) whose reads can be made to fail.
    const storage: HubStorage = Object.assign(Object.create(real) as HubStorage, {
      currentSeq: () => (failing ? Promise.reject(new Error('database is locked')) : real.currentSeq()),
      close: () => real.close(),
    });
    const h = await hub({ dataDir, storage });
    try {
      const kiosk = await h.enrol();
      await h.server.snapshotReady(0);
      failing = true;
      const answer = await kiosk.get('/v1/status');
      expect(answer.status).toBe(500);
      expect(await answer.json()).toEqual({ error: 'internal', message: 'the hub failed to answer: database is locked' });
      failing = false;
      expect((await kiosk.get('/v1/status')).status).toBe(200);
      expect((await kiosk.get('/v1/snapshot')).status).toBe(200);
      // Built on the main thread too (no location for a worker to open).
      expect((await kiosk.get('/v1/delta?since=0')).status).toBe(200);
    } finally {
      await h.close();
      hubs.splice(hubs.indexOf(h), 1);
      await real.close();
    }
  });
});
