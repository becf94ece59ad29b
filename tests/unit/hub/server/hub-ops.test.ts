import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { createAdminToken } from '../../../../hub/admin/admin-tokens.js';
import type { HubStorage } from '../../../../hub/storage/hub-storage.js';
import { openHubStorage, type HubStorageLocation } from '../../../../hub/storage/open-hub-storage.js';
import type { UploadedEntry } from '../../../../domain/entries/entry-upload.js';
import { kioskChain } from '../../../support/entry-fixtures.js';
import { tempDataDir } from '../../../support/kiosk-process.js';
import { parsePrometheusText, sampleValue, type ParsedFamily } from '../../../support/prometheus-text.js';
import { hubsOnBothStores, people, type TestHub, type TestKiosk } from './hub-test-kit.js';

// A real PostgreSQL for the second engine, never a mock (tests/support/postgres.ts).
const hubs = hubsOnBothStores();

const ENGINES: readonly { readonly name: string; readonly location: () => HubStorageLocation }[] = [
  { name: 'SQLite', location: () => ({ dataDir: tempDataDir('chot-hub-ops-') }) },
  { name: 'PostgreSQL', location: () => ({ pgUrl: hubs.pgUrl() }) },
];

async function hub(location: HubStorageLocation, storage?: HubStorage): Promise<TestHub> {
  const dataDir = 'dataDir' in location ? location.dataDir : tempDataDir('chot-hub-ops-');
  return hubs.start({ dataDir, location, ...(storage === undefined ? {} : { storage }) });
}

async function scrape(h: TestHub, token: string): Promise<{ text: string; families: Map<string, ParsedFamily> }> {
  const response = await fetch(`${h.server.url}/metrics`, { headers: { authorization: `Bearer ${token}` } });
  expect(response.status, response.status === 200 ? '' : await response.text()).toBe(200);
  expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
  const text = await response.text();
  return { text, families: parsePrometheusText(text) };
}

function upload(h: TestHub, kiosk: TestKiosk, entries: readonly UploadedEntry[]): Promise<Response> {
  const body = gzipSync(JSON.stringify({ entries }));
  return fetch(`${h.server.url}/v1/entries`, {
    method: 'POST',
    body: new Uint8Array(body),
    headers: { 'content-type': 'application/json', 'content-encoding': 'gzip', ...kiosk.identity.signRequest('POST', '/v1/entries', body) },
  });
}

describe.each(ENGINES)('GET /v1/health and GET /metrics on $name', ({ location }) => {
  it('health answers without credentials: up, storage reachable, the sequence, and nothing else', async () => {
    const h = await hub(location());
    expect((await fetch(`${h.server.url}/v1/health`)).status).toBe(200);
    await h.importRows('person', people(3));
    const response = await fetch(`${h.server.url}/v1/health`);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await response.json()).toEqual({ status: 'ok', storage: true, seq: 1 });
  });

  it('/metrics counts a kiosk that only syncs (signed requests, no upload) as seen, at once', async () => {
    const h = await hub(location());
    const token = (await createAdminToken(h.admin.adminTokens, 'prometheus', 30, Date.now)).token;
    const within = (families: Map<string, ParsedFamily>, family: string, bucket: string): number | undefined =>
      sampleValue(families, family, family, { within: bucket });
    const kiosk = await h.enrol();
    const before = await scrape(h, token);
    expect(within(before.families, 'chot_hub_kiosks_by_last_seen', 'never')).toBe(1);
    expect(before.families.get('chot_hub_kiosks_by_last_seen')?.type).toBe('gauge');
    // Its sync: status and rules, nothing to upload. Scraped right after: no wait for a periodic flush.
    expect((await kiosk.get('/v1/status')).status).toBe(200);
    expect((await kiosk.get('/v1/rules')).status).toBe(200);
    const after = await scrape(h, token);
    expect(within(after.families, 'chot_hub_kiosks_by_last_seen', '5m')).toBe(1);
    expect(within(after.families, 'chot_hub_kiosks_by_last_seen', 'never')).toBe(0);
    expect(within(after.families, 'chot_hub_kiosks_by_last_upload', 'never')).toBe(1);
    expect(after.text).not.toContain(kiosk.identity.deviceId);
  });

  it('/metrics is parsed by a strict text-format parser, and its counters and storage gauges move with what happens', async () => {
    const h = await hub(location());
    const token = (await createAdminToken(h.admin.adminTokens, 'prometheus', 30, Date.now)).token;
    const before = await scrape(h, token);
    const kioskGauge = (families: Map<string, ParsedFamily>, state: string): number | undefined =>
      sampleValue(families, 'chot_hub_enrolled_kiosks', 'chot_hub_enrolled_kiosks', { state });
    const lastUpload = (families: Map<string, ParsedFamily>, within: string): number | undefined =>
      sampleValue(families, 'chot_hub_kiosks_by_last_upload', 'chot_hub_kiosks_by_last_upload', { within });
    expect(kioskGauge(before.families, 'active')).toBe(0);
    expect(before.families.get('chot_hub_requests_total')?.type).toBe('counter');
    expect(before.families.get('chot_hub_request_duration_seconds')?.type).toBe('histogram');

    const kiosk = await h.enrol();
    await h.importRows('person', people(5));
    await h.server.snapshotReady(1);
    const enrolled = await scrape(h, token);
    expect(kioskGauge(enrolled.families, 'active')).toBe(1);
    expect(lastUpload(enrolled.families, 'never')).toBe(1);
    expect(sampleValue(enrolled.families, 'chot_hub_sequence', 'chot_hub_sequence', {})).toBe(1);
    expect(sampleValue(enrolled.families, 'chot_hub_people', 'chot_hub_people', {})).toBe(5);
    expect(sampleValue(enrolled.families, 'chot_hub_snapshot_build_seconds', 'chot_hub_snapshot_build_seconds_count', {})).toBeGreaterThanOrEqual(1);

    const statusCount = (families: Map<string, ParsedFamily>): number =>
      sampleValue(families, 'chot_hub_requests_total', 'chot_hub_requests_total', { route: 'status', status: '200' }) ?? 0;
    const statusLatency = (families: Map<string, ParsedFamily>): number =>
      sampleValue(families, 'chot_hub_request_duration_seconds', 'chot_hub_request_duration_seconds_count', { route: 'status' }) ?? 0;
    for (let i = 0; i < 3; i++) expect((await kiosk.get('/v1/status')).status).toBe(200);
    expect((await fetch(`${h.server.url}/v1/status`)).status).toBe(401);
    expect((await fetch(`${h.server.url}/no/such/123456789012`)).status).toBe(404);
    const entries = kioskChain(kiosk.identity.deviceId, 4, () => ({ at: new Date().toISOString(), location: 'Cổng chính' }));
    expect((await upload(h, kiosk, entries)).status).toBe(200);
    // The same batch again (a receipt lost on the way): every entry a duplicate.
    expect((await upload(h, kiosk, entries)).status).toBe(200);

    const after = await scrape(h, token);
    expect(statusCount(after.families) - statusCount(enrolled.families)).toBe(3);
    expect(statusLatency(after.families) - statusLatency(enrolled.families)).toBe(4);
    expect(sampleValue(after.families, 'chot_hub_requests_total', 'chot_hub_requests_total', { route: 'status', status: '401' })).toBe(1);
    expect(sampleValue(after.families, 'chot_hub_requests_total', 'chot_hub_requests_total', { route: 'unknown', status: '404' })).toBe(1);
    expect(sampleValue(after.families, 'chot_hub_requests_total', 'chot_hub_requests_total', { route: 'entries', status: '200' })).toBe(2);
    expect(sampleValue(after.families, 'chot_hub_entries_ingested_total', 'chot_hub_entries_ingested_total', { result: 'accepted' })).toBe(4);
    expect(sampleValue(after.families, 'chot_hub_entries_ingested_total', 'chot_hub_entries_ingested_total', { result: 'duplicate' })).toBe(4);
    expect(sampleValue(after.families, 'chot_hub_ingest_duration_seconds', 'chot_hub_ingest_duration_seconds_count', {})).toBe(2);
    expect(lastUpload(after.families, '5m')).toBe(1);
    expect(lastUpload(after.families, 'never')).toBe(0);
    // The scrapes before this one were counted too, under their route.
    expect(sampleValue(after.families, 'chot_hub_requests_total', 'chot_hub_requests_total', { route: 'metrics', status: '200' })).toBe(2);

    // Aggregates only: no kiosk's id, no person's, nothing of the path a client sent.
    expect(after.text).not.toContain(kiosk.identity.deviceId);
    expect(after.text).not.toContain(people(1)[0]?.id12 as string);
    expect(after.text).not.toContain('123456789012');

    await h.admin.enrollment.revokeDevice(kiosk.identity.deviceId);
    const revoked = await scrape(h, token);
    expect([kioskGauge(revoked.families, 'active'), kioskGauge(revoked.families, 'revoked')]).toEqual([0, 1]);
  });

  it('/metrics needs an admin token: without one it is refused like the admin API', async () => {
    const h = await hub(location());
    const kiosk = await h.enrol();
    expect((await fetch(`${h.server.url}/metrics`)).status).toBe(401);
    // A kiosk's signature is not an admin token.
    expect((await kiosk.get('/metrics')).status).toBe(401);
    expect((await fetch(`${h.server.url}/metrics`, { headers: { authorization: 'Bearer chot-admin-nope' } })).status).toBe(401);
    // With a token, a query it does not take is refused, as on the admin API.
    const token = (await createAdminToken(h.admin.adminTokens, 'prometheus', 30, Date.now)).token;
    const filtered = await fetch(`${h.server.url}/metrics?name=chot_hub_people`, { headers: { authorization: `Bearer ${token}` } });
    expect(filtered.status).toBe(400);
    expect(await filtered.json()).toMatchObject({ error: 'bad-request' });
  });
});

describe('GET /v1/health when the storage fails', () => {
  /** The hub's own storage, whose sequence query the test makes fail or hang. */
  async function withStorage(fault: { mode: 'up' | 'failing' | 'hanging' }): Promise<TestHub> {
    const location = { dataDir: tempDataDir('chot-hub-ops-') };
    const real = await openHubStorage(location);
    hubs.closeAfterHubs(real);
    const storage = new Proxy(real, {
      get(target, property) {
        if (property === 'currentSeq' && fault.mode === 'failing') return () => Promise.reject(new Error('the database is down'));
        if (property === 'currentSeq' && fault.mode === 'hanging') return () => new Promise<number>(() => undefined);
        const value: unknown = Reflect.get(target, property, target);
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
    });
    return hub(location, storage);
  }

  it('is 503 "storage-unreachable" when the storage refuses, and 200 again once it answers', async () => {
    const fault = { mode: 'up' as 'up' | 'failing' | 'hanging' };
    const h = await withStorage(fault);
    expect((await fetch(`${h.server.url}/v1/health`)).status).toBe(200);
    fault.mode = 'failing';
    const down = await fetch(`${h.server.url}/v1/health`);
    expect(down.status).toBe(503);
    expect(await down.json()).toEqual({ status: 'storage-unreachable', storage: false, seq: null });
    fault.mode = 'up';
    expect((await fetch(`${h.server.url}/v1/health`)).status).toBe(200);
  });

  it('is 503 when the storage does not answer in time, rather than hanging the probe', async () => {
    const fault = { mode: 'up' as 'up' | 'failing' | 'hanging' };
    // Up while the server starts (it reads the sequence before listening), then silent.
    const h = await withStorage(fault);
    fault.mode = 'hanging';
    const down = await fetch(`${h.server.url}/v1/health`);
    expect(down.status).toBe(503);
    expect(await down.json()).toMatchObject({ status: 'storage-unreachable' });
  });
});
