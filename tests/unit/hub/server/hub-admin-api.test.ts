import { get } from 'node:http';
import { describe, expect, it } from 'vitest';
import { runHubTrace } from '../../../../cli/commands/hub-trace.js';
import { createAdminToken } from '../../../../hub/admin/admin-tokens.js';
import type { HubStorageLocation } from '../../../../hub/storage/open-hub-storage.js';
import { kioskChain } from '../../../support/entry-fixtures.js';
import { F0, plantOutbreak, PLANTED } from '../entry-store-fixtures.js';
import { hubsOnBothStores, type TestHub } from './hub-test-kit.js';

// A real server, never a mock: a private cluster for this file (tests/support/postgres.ts).
const hubs = hubsOnBothStores();

const DAY = 24 * 3600_000;
const PERIOD = `id=${F0}&from=2021-10-20&to=2021-10-20T23:59`;
const CLI_PERIOD = ['--id', F0, '--from', '2021-10-20', '--to', '2021-10-20T23:59'];

/** A hub serving the planted outbreak, with a clock the test moves (token expiry). */
async function outbreakHub(location?: HubStorageLocation): Promise<TestHub & { clock: { now: number } }> {
  const clock = { now: Date.parse('2026-01-01T00:00:00Z') };
  const h = await hubs.start({ now: () => clock.now, ...(location === undefined ? {} : { location }) });
  await plantOutbreak(h.admin);
  return Object.assign(h, { clock });
}

const token = async (h: TestHub & { clock: { now: number } }, name: string, days = 30): Promise<string> =>
  (await createAdminToken(h.admin.adminTokens, name, days, () => h.clock.now)).token;

const adminGet = (h: TestHub, pathWithQuery: string, bearer?: string, headers: Record<string, string> = {}): Promise<Response> =>
  fetch(`${h.server.url}${pathWithQuery}`, { headers: { ...(bearer === undefined ? {} : { authorization: `Bearer ${bearer}` }), ...headers } });

async function cliTrace(location: HubStorageLocation, args: readonly string[]): Promise<string> {
  let out = '';
  const where = 'dataDir' in location ? ['--data', location.dataDir] : ['--pg', location.pgUrl];
  expect(await runHubTrace([...CLI_PERIOD, ...args, ...where], { stdout: { write: (text: string) => (out += text) } })).toBe(0);
  return out;
}

/** A WebSocket upgrade attempt (fetch cannot send one): the status of the hub's refusal. */
function upgradeStatus(h: TestHub, pathWithQuery: string, bearer: string): Promise<number | undefined> {
  return new Promise((resolve, reject) => {
    const request = get(`${h.server.url}${pathWithQuery}`, { headers: { connection: 'Upgrade', upgrade: 'websocket', authorization: `Bearer ${bearer}` } });
    request.on('response', (response) => {
      response.resume();
      resolve(response.statusCode);
    });
    request.on('upgrade', () => reject(new Error('the hub accepted the upgrade')));
    request.on('error', reject);
  });
}

const errorOf = async (response: Response): Promise<{ status: number; error: string; message: string }> => ({
  status: response.status,
  ...((await response.json()) as { error: string; message: string }),
});

describe('GET /v1/admin/trace', () => {
  it('answers an admin token with the JSON of chot hub trace, the CSV with format=csv, the contact summary with format=contacts-csv', async () => {
    const h = await outbreakHub();
    const bearer = await token(h, 'so-y-te');
    const json = await adminGet(h, `/v1/admin/trace?${PERIOD}`, bearer);
    expect(json.status).toBe(200);
    expect(json.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(json.headers.get('cache-control')).toBe('no-store');
    const text = await json.text();
    expect(text).toBe(await cliTrace({ dataDir: h.dataDir }, []));
    const parsed = JSON.parse(text) as { places: { at: string; contacts: { at: string; personId: string }[] }[] };
    expect(parsed.places.map((p) => ({ at: p.at, contacts: p.contacts.map((c) => `${c.at.slice(11, 16)} ${c.personId}`) }))).toEqual(PLANTED.expected);

    const csv = await adminGet(h, `/v1/admin/trace?${PERIOD}&window=15m&format=csv`, bearer);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv; charset=utf-8/);
    expect(csv.headers.get('content-disposition')).toBe('attachment; filename="chot-trace.csv"');
    const csvText = await csv.text();
    expect(csvText).toBe(await cliTrace({ dataDir: h.dataDir }, ['--window', '15m', '--format', 'csv']));
    expect(csvText.split('\r\n')).toHaveLength(7);

    // The contact summary alone, each contact once, as chot hub trace gives it.
    const contacts = await adminGet(h, `/v1/admin/trace?${PERIOD}&format=contacts-csv`, bearer);
    expect(contacts.status).toBe(200);
    expect(contacts.headers.get('content-disposition')).toBe('attachment; filename="chot-trace-contacts.csv"');
    const contactsText = await contacts.text();
    expect(contactsText).toBe(await cliTrace({ dataDir: h.dataDir }, ['--format', 'contacts-csv']));
    expect(
      contactsText
        .split('\r\n')
        .slice(1, -1)
        .map((l) => l.split(',')[0]),
    ).toEqual(['002', '003', '004', '005', '008'].map((n) => `"001090000${n}"`));
  });

  it('refuses a request without a token, with an unknown, a revoked or an expired one', async () => {
    const h = await outbreakHub();
    const path = `/v1/admin/trace?${PERIOD}`;
    const none = await adminGet(h, path);
    expect(none.headers.get('www-authenticate')).toBe('Bearer realm="chot-admin"');
    expect(await errorOf(none)).toMatchObject({ status: 401, error: 'admin-unauthenticated', message: expect.stringContaining('Authorization: Bearer') });
    expect(await errorOf(await adminGet(h, path, undefined, { authorization: 'Basic YWRtaW46YWRtaW4=' }))).toMatchObject({
      status: 401,
      error: 'admin-unauthenticated',
    });

    const good = await token(h, 'alice');
    const wrong = `${good.slice(0, -2)}${good.endsWith('AA') ? 'BB' : 'AA'}`;
    const unknown = await adminGet(h, path, wrong);
    expect(unknown.headers.get('www-authenticate')).toBe('Bearer realm="chot-admin", error="invalid_token"');
    expect(await errorOf(unknown)).toMatchObject({ status: 401, error: 'admin-unknown-token' });
    expect(await errorOf(await adminGet(h, path, 'letmein'))).toMatchObject({ status: 401, error: 'admin-unknown-token' });

    // A kiosk's signature is no admin credential.
    const kiosk = await h.enrol();
    expect(await errorOf(await kiosk.get(path))).toMatchObject({ status: 401, error: 'admin-unauthenticated' });

    expect((await adminGet(h, path, good)).status).toBe(200);
    // Revoked by the CLI's store in another connection: refused from the next request.
    await h.admin.adminTokens.revoke('alice', h.clock.now);
    expect(await errorOf(await adminGet(h, path, good))).toMatchObject({
      status: 403,
      error: 'admin-token-revoked',
      message: expect.stringContaining('"alice"'),
    });

    const short = await token(h, 'bob', 1);
    expect((await adminGet(h, path, short)).status).toBe(200);
    h.clock.now += DAY;
    expect(await errorOf(await adminGet(h, path, short))).toMatchObject({
      status: 401,
      error: 'admin-token-expired',
      message: expect.stringContaining('"bob" expired at'),
    });
  });

  it('refuses a bad query with a 400 that says what is wrong, after authentication', async () => {
    const h = await outbreakHub();
    const bearer = await token(h, 'so-y-te');
    const cases: [string, RegExp][] = [
      ['id=12345&from=2021-10-20&to=2021-10-21', /id must be a 12-digit citizen ID/],
      [`id=${F0}&to=2021-10-21`, /from and .*to are needed/],
      [`id=${F0}&from=yesterday&to=2021-10-21`, /from must be an ISO 8601 time/],
      [`id=${F0}&from=2021-10-20&to=20211021x`, /to must be an ISO 8601 time/],
      [`id=${F0}&from=2021-10-21&to=2021-10-20`, /from must not be after/],
      // Impossible dates are refused, not rolled over into the next month.
      [`id=${F0}&from=2021-02-31&to=2021-03-10`, /from must be an ISO 8601 time.*"2021-02-31" is not a real date: February 2021 has 28 days/],
      [`id=${F0}&from=2021-02-01&to=2021-02-29T08:00%2B07:00`, /to must be .*February 2021 has 28 days/],
      [`${PERIOD}&window=25h`, /window must be .* at most 24h/],
      [`${PERIOD}&window=soon`, /window must be a duration/],
      [`${PERIOD}&format=xml`, /format must be json, csv or contacts-csv/],
      [`${PERIOD}&id=${F0}`, /id is given 2 times/],
      [`${PERIOD}&person=1`, /unknown query parameter "person"/],
    ];
    for (const [query, message] of cases) {
      const answer = await errorOf(await adminGet(h, `/v1/admin/trace?${query}`, bearer));
      expect(answer, query).toMatchObject({ status: 400, error: 'bad-request', message: expect.stringMatching(message) });
      // The person's id is never echoed back into a message (messages end up in logs).
      expect(answer.message).not.toContain(F0);
    }
    // Unauthenticated, a bad query is still just unauthenticated: nothing about the query leaks.
    expect(await errorOf(await adminGet(h, '/v1/admin/trace?id=1'))).toMatchObject({ status: 401, error: 'admin-unauthenticated' });
    expect(
      await errorOf(await fetch(`${h.server.url}/v1/admin/trace?${PERIOD}`, { method: 'POST', headers: { authorization: `Bearer ${bearer}` } })),
    ).toMatchObject({ status: 405 });
  });

  it('logs admin requests with the token name, never the token or the person traced', async () => {
    const h = await outbreakHub();
    const bearer = await token(h, 'so-y-te');
    await h.admin.entries.ingest('k-4444444444444444', kioskChain('k-4444444444444444', 2));
    expect((await adminGet(h, `/v1/admin/trace?${PERIOD}&window=15m`, bearer)).status).toBe(200);
    expect((await adminGet(h, `/v1/admin/trace?${PERIOD}`, 'chot-admin-wrong')).status).toBe(401);
    expect((await adminGet(h, `/v1/admin/trace?${PERIOD}&format=xml`, bearer)).status).toBe(400);
    // Mistakes carry the id too: a mistyped path, an unknown parameter, the id in the path, a WebSocket try.
    expect((await adminGet(h, `/v1/admin/Trace?${PERIOD}`, bearer)).status).toBe(404);
    expect((await adminGet(h, `/v1/admin/trace?ID=${F0}&from=2021-10-20&to=2021-10-21`, bearer)).status).toBe(400);
    expect((await adminGet(h, `/v1/admin/trace/${F0}`, bearer)).status).toBe(404);
    expect((await adminGet(h, `/v1/admin/trace?${F0}`, bearer)).status).toBe(400);
    expect(await upgradeStatus(h, `/v1/admin/trace?${PERIOD}`, bearer)).toBe(404);

    const admin = h.logs.filter((line) => line.includes('/v1/admin/'));
    expect(admin).toHaveLength(8);
    expect(admin[0]).toMatch(/ GET \/v1\/admin\/trace\?id=\*\*\*&from=2021-10-20&to=2021-10-20T23%3A59&window=15m 200 \d+ms admin:so-y-te$/);
    expect(admin[1]).toMatch(/ 401 \d+ms -$/);
    expect(admin[2]).toMatch(/&format=xml 400 \d+ms admin:so-y-te$/);
    const everything = h.logs.join('\n');
    for (const secret of [F0, bearer, bearer.slice('chot-admin-'.length), 'chot-admin-wrong']) expect(everything).not.toContain(secret);
  });
});

describe('GET /v1/admin/trace on PostgreSQL', () => {
  it('answers the same as chot hub trace --pg', async () => {
    const location = { pgUrl: hubs.pgUrl() };
    const h = await outbreakHub(location);
    const bearer = await token(h, 'so-y-te');
    const answer = await adminGet(h, `/v1/admin/trace?${PERIOD}&window=15m`, bearer);
    expect(answer.status).toBe(200);
    expect(await answer.text()).toBe(await cliTrace(location, ['--window', '15m']));
    await h.admin.adminTokens.revoke('so-y-te', h.clock.now);
    expect((await adminGet(h, `/v1/admin/trace?${PERIOD}`, bearer)).status).toBe(403);
  });
});
