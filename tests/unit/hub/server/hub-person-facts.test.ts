import { describe, expect, it } from 'vitest';
import { canonicalPersonFacts, type SignedPersonFacts } from '../../../../domain/protocol/person-facts.js';
import { HubClient } from '../../../../main/hub-client/hub-client.js';
import { checkPersonFacts } from '../../../../main/sync/person-facts-check.js';
import { hubKeyStoreFromKeys } from '../../../../main/trust/hub-key-store.js';
import { hubsOnBothStores, type TestHub } from './hub-test-kit.js';

// The route on both stores a hub runs on: the embedded SQLite and a real PostgreSQL (a private cluster for this file).
const hubs = hubsOnBothStores();

const KNOWN = '079195004321';
const UNKNOWN = '001201005678';

describe.each(hubs.stores)('GET /v1/person/:id/facts on %s', (_store, location) => {
  const hubWithPerson = async (): Promise<TestHub> => {
    const pg = location();
    const h = await hubs.start(pg === undefined ? {} : { location: pg });
    await h.importRows('person', [{ id12: KNOWN }]);
    await h.importRows('vaccination', [{ id12: KNOWN, dose: 1, date: '2021-08-01', product: 'EU/1/21/1529' }]);
    return h;
  };

  it("answers a person's facts as the sync carries them, signed for the ID, the kiosk and the instant; an unknown person a signed 'not known'", async () => {
    const h = await hubWithPerson();
    const kiosk = await h.enrol();
    const keys = hubKeyStoreFromKeys([kiosk.hubPublicKey]);
    const answer = await kiosk.get(`/v1/person/${KNOWN}/facts`);
    expect(answer.status).toBe(200);
    // Cacheable by the kiosk only, briefly: a person's health facts, and a later import must reach the gate.
    expect(answer.headers.get('cache-control')).toBe('private, max-age=30');
    const body = (await answer.json()) as SignedPersonFacts;
    expect(body.statement).toMatchObject({ id12: KNOWN, kioskId: kiosk.identity.deviceId, seq: 2 });
    const checked = checkPersonFacts(body, { id12: KNOWN, deviceId: kiosk.identity.deviceId, nowMs: Date.now() }, keys);
    expect(checked).toMatchObject({ ok: true, seq: 2, facts: { doses: [{ dose: 1, date: '2021-08-01', product: 'EU/1/21/1529' }] } });

    const unknown = await kiosk.get(`/v1/person/${UNKNOWN}/facts`);
    expect(unknown.status).toBe(200);
    const notKnown = (await unknown.json()) as SignedPersonFacts;
    expect(notKnown.statement).toMatchObject({ id12: UNKNOWN, facts: null });
    expect(checkPersonFacts(notKnown, { id12: UNKNOWN, deviceId: kiosk.identity.deviceId, nowMs: Date.now() }, keys)).toEqual({
      ok: true,
      facts: undefined,
      seq: 2,
      issuedAt: notKnown.statement.issuedAt,
    });

    // The request log shows neither ID: the digits in the path are masked.
    expect(h.logs.join('\n')).not.toContain(KNOWN);
    expect(h.logs.join('\n')).not.toContain(UNKNOWN);
    expect(h.logs.some((line) => line.includes('GET /v1/person/***/facts 200'))).toBe(true);
  });

  it('an answer cannot be passed off for another ID, another kiosk, later, or changed', async () => {
    const h = await hubWithPerson();
    const kiosk = await h.enrol();
    const other = await h.enrol();
    const keys = hubKeyStoreFromKeys([kiosk.hubPublicKey]);
    const body = (await (await kiosk.get(`/v1/person/${KNOWN}/facts`)).json()) as SignedPersonFacts;
    const now = body.statement.issuedAt;
    const expected = { id12: KNOWN, deviceId: kiosk.identity.deviceId, nowMs: now };
    expect(checkPersonFacts(body, { ...expected, id12: UNKNOWN }, keys)).toEqual({ ok: false, why: 'other-person' });
    expect(checkPersonFacts(body, { ...expected, deviceId: other.identity.deviceId }, keys)).toEqual({ ok: false, why: 'other-kiosk' });
    expect(checkPersonFacts(body, { ...expected, nowMs: now + 10 * 60_000 }, keys)).toEqual({ ok: false, why: 'stale' });
    // "Not known" in place of the facts, or the facts moved onto another ID: the signature no longer holds.
    expect(checkPersonFacts({ ...body, statement: { ...body.statement, facts: null } }, expected, keys)).toEqual({ ok: false, why: 'bad-signature' });
    expect(checkPersonFacts({ ...body, statement: { ...body.statement, id12: UNKNOWN } }, { ...expected, id12: UNKNOWN }, keys)).toEqual({
      ok: false,
      why: 'bad-signature',
    });
    expect(checkPersonFacts(body, expected, hubKeyStoreFromKeys([]))).toEqual({ ok: false, why: 'unknown-key' });
    expect(checkPersonFacts({ statement: body.statement }, expected, keys)).toEqual({ ok: false, why: 'malformed' });
    // The canonical bytes carry every field: a different sequence is a different statement.
    expect(canonicalPersonFacts({ ...body.statement, seq: 3 })).not.toEqual(canonicalPersonFacts(body.statement));
  });

  it('is signed like every kiosk route: unsigned, replayed or malformed requests are refused', async () => {
    const h = await hubWithPerson();
    const kiosk = await h.enrol();
    expect((await fetch(`${h.server.url}/v1/person/${KNOWN}/facts`)).status).toBe(401);
    const path = `/v1/person/${KNOWN}/facts`;
    const headers = kiosk.identity.signRequest('GET', path);
    expect((await fetch(`${h.server.url}${path}`, { headers })).status).toBe(200);
    const replayed = await fetch(`${h.server.url}${path}`, { headers });
    expect(replayed.status).toBe(401);
    expect(await replayed.json()).toMatchObject({ error: 'replayed' });
    expect(await (await kiosk.get('/v1/person/07919500432/facts')).json()).toMatchObject({ error: 'bad-request' });
    expect(await (await kiosk.get('/v1/person/07919500432x/facts')).json()).toMatchObject({ error: 'bad-request' });
    expect((await kiosk.get('/v1/person//facts')).status).toBe(404);
  });

  it('a kiosk asking about more people than a gate does is refused with 429 and a Retry-After, named in the log; other kiosks still get answers', async () => {
    const pg = location();
    const limits = { perDevice: { burst: 3, perMinute: 1 }, overall: { burst: 100, perMinute: 100 } };
    const h = await hubs.start(pg === undefined ? { lookupLimits: limits } : { location: pg, lookupLimits: limits });
    await h.importRows('person', [{ id12: KNOWN }]);
    const walker = await h.enrol();
    const gate = await h.enrol();
    const statuses: number[] = [];
    for (let i = 0; i < 4; i += 1) statuses.push((await walker.get(`/v1/person/00120100${String(1000 + i)}/facts`)).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const refused = await walker.get(`/v1/person/${KNOWN}/facts`);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await refused.json()).toMatchObject({ error: 'too-many-lookups' });
    expect((await gate.get(`/v1/person/${KNOWN}/facts`)).status).toBe(200);
    // Named once, by device, never with the IDs it asked about.
    const warnings = h.logs.filter((line) => line.includes('person lookups: kiosk'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(walker.identity.deviceId);
    expect(h.logs.join('\n')).not.toContain(KNOWN);
  });

  it("is the kiosk's HubClient call, with the path parameter signed as sent", async () => {
    const h = await hubWithPerson();
    const kiosk = await h.enrol();
    const client = new HubClient({ url: h.server.url, identity: kiosk.identity });
    const answer = await client.personFacts(KNOWN);
    expect(
      checkPersonFacts(answer, { id12: KNOWN, deviceId: kiosk.identity.deviceId, nowMs: Date.now() }, hubKeyStoreFromKeys([kiosk.hubPublicKey])),
    ).toMatchObject({
      ok: true,
    });
  });
});
