import { generateKeyPairSync } from 'node:crypto';
import { request } from 'node:http';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import pg from 'pg';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HubNotice } from '../../domain/protocol/hub-bodies.js';
import { ACCESS_LIST } from '../../domain/rules/builtin/access-list.js';
import type { UploadedEntry } from '../../hub/entries/entry-store.js';
import { EnrollmentService } from '../../hub/enrollment/enrollment-service.js';
import { PgHubStorage } from '../../hub/storage/pg-hub-storage.js';
import { deviceIdentityFrom, publicKeyRawOf, type DeviceIdentity } from '../../main/hub-client/device-identity.js';
import { kioskChain } from '../support/entry-fixtures.js';
import { freePort, startHubProcess, type HubProcess } from '../support/hub-process.js';
import { tempDataDir } from '../support/kiosk-process.js';
import { startPostgres, type PostgresCluster } from '../support/postgres.js';
import { runChotAsync } from '../support/run-chot.js';
import { until, waitFor } from '../support/wait-for.js';

/**
 * Three real `chot hub serve --pg URL` processes on one PostgreSQL database and one data
 * directory, as they run behind a load balancer, with kiosks spread over them. Polling is
 * set to a minute (--poll-interval 60), so whatever a process hears within seconds it heard
 * from PostgreSQL's notices. The processes start together on a new data directory: they
 * must agree on one hub key.
 */
const POLL_SECONDS = 60;
const dataDir = tempDataDir('chot-hub-shared-');
let cluster: PostgresCluster;
let pgUrl = '';
let admin: PgHubStorage;
let hubs: HubProcess[] = [];
let kiosks: Kiosk[] = [];
const sockets: WebSocket[] = [];

interface Kiosk {
  readonly identity: DeviceIdentity;
  readonly hubPublicKey: string;
}

beforeAll(async () => {
  cluster = startPostgres();
  pgUrl = cluster.createDatabase();
  const ports = await Promise.all([freePort(), freePort(), freePort()]);
  hubs = await Promise.all(ports.map((port) => startHubProcess(dataDir, port, 60_000, ['--pg', pgUrl, '--poll-interval', String(POLL_SECONDS)])));
  admin = await PgHubStorage.open(pgUrl);
  // One kiosk enrolled at each process.
  kiosks = [];
  for (const hub of hubs) kiosks.push(await enrol(hub));
});

afterAll(async () => {
  for (const socket of sockets.splice(0)) socket.terminate();
  await Promise.all(hubs.map((hub) => hub.stop()));
  await admin?.close();
  cluster?.stop();
});

async function enrol(hub: HubProcess): Promise<Kiosk> {
  const { code } = await new EnrollmentService(admin.enrollment).createCode('Cổng chính');
  const { privateKey } = generateKeyPairSync('ed25519');
  const answer = await fetch(`${hub.url}/v1/enroll`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ code, publicKey: Buffer.from(publicKeyRawOf(privateKey)).toString('base64') }),
  });
  expect(answer.status).toBe(200);
  const { deviceId, hubPublicKey } = (await answer.json()) as { deviceId: string; hubPublicKey: string };
  return { identity: deviceIdentityFrom(deviceId, privateKey), hubPublicKey };
}

/** A kiosk's notify socket on one process, with when each notice arrived. */
function listen(hub: HubProcess, kiosk: Kiosk): { notices: { notice: HubNotice; at: number }[] } {
  const path = '/v1/notify';
  const socket = new WebSocket(`${hub.url.replace('http', 'ws')}${path}`, { headers: kiosk.identity.signRequest('GET', path) });
  sockets.push(socket);
  const notices: { notice: HubNotice; at: number }[] = [];
  socket.on('message', (data) => notices.push({ notice: JSON.parse(String(data)) as HubNotice, at: Date.now() }));
  socket.on('error', () => undefined);
  return { notices };
}

/** When each sequence's notice reached a session of this test's own: the moment of the commit, as near as one can see it. */
async function commitClock(): Promise<{ at: Map<number, number>; close(): Promise<void> }> {
  const client = new pg.Client({ connectionString: pgUrl });
  await client.connect();
  const at = new Map<number, number>();
  client.on('notification', (message) => at.set(Number(message.payload), Date.now()));
  await client.query('LISTEN chot_seq');
  return { at, close: () => client.end() };
}

function importPeople(ids: readonly string[]): Promise<{ status: number | null; stderr: string }> {
  const file = join(dataDir, `person-${process.hrtime.bigint()}.csv`);
  writeFileSync(file, `${['id,old_id,bhxh_number', ...ids.map((id) => `${id},,`)].join('\n')}\n`);
  return runChotAsync(['hub', 'import', '--kind', 'person', file, '--pg', pgUrl]);
}

const ids = (n: number, from: number): string[] => Array.from({ length: n }, (_, i) => `001090${String(from + i).padStart(6, '0')}`);

describe('hub processes sharing one PostgreSQL', () => {
  it('share one hub key, made by whichever of them started first', () => {
    expect(new Set(kiosks.map((k) => k.hubPublicKey)).size).toBe(1);
  });

  it('refuse a signed request replayed to another process', async () => {
    const kiosk = kiosks[0] as Kiosk;
    const headers = kiosk.identity.signRequest('GET', '/v1/status');
    expect((await fetch(`${hubs[0]?.url}/v1/status`, { headers })).status).toBe(200);
    for (const hub of hubs.slice(1)) {
      const replayed = await fetch(`${hub.url}/v1/status`, { headers });
      expect(replayed.status).toBe(401);
      expect(await replayed.json()).toMatchObject({ error: 'replayed' });
    }
    // The kiosk itself, with a fresh signature, is served by every process.
    for (const hub of hubs) expect((await fetch(`${hub.url}/v1/status`, { headers: kiosk.identity.signRequest('GET', '/v1/status') })).status).toBe(200);
  });

  it('announce an import made by `chot hub import` on every process’s kiosk sockets within 1 s of the commit', async () => {
    const clock = await commitClock();
    try {
      const listeners = hubs.map((hub, i) => listen(hub, kiosks[i] as Kiosk));
      const seqsHeard = (i: number): number[] => (listeners[i]?.notices ?? []).flatMap(({ notice }) => (notice.type === 'seq' ? [notice.seq] : []));
      await until(() => hubs.every((_, i) => seqsHeard(i).length === 1), 'every socket’s first notice');
      const start = await admin.currentSeq();
      // The first from an empty hub, the second with a delta to build before announcing.
      for (const [n, seq] of [
        [200, start + 1],
        [50, start + 2],
        [50, start + 3],
      ] as const) {
        const run = await importPeople(ids(n, seq * 1000));
        expect(run.status, run.stderr).toBe(0);
        await waitFor(`every process to announce sequence ${seq}`, () =>
          hubs.every((_, i) => seqsHeard(i).includes(seq)) && clock.at.has(seq) ? true : undefined,
        );
        const committed = clock.at.get(seq) as number;
        const delays = listeners.map(({ notices }) => (notices.find(({ notice }) => notice.type === 'seq' && notice.seq === seq)?.at as number) - committed);
        for (const delay of delays) expect(delay, `sequence ${seq}: notice delays after the commit ${delays.join(', ')} ms`).toBeLessThan(1000);
      }
    } finally {
      await clock.close();
    }
  });

  it('build snapshots each in a cache directory of its own, so none deletes what another built', async () => {
    const seq = await admin.currentSeq();
    const cacheRoot = join(dataDir, 'cache', 'snapshots');
    const own = hubs.map((hub) => join(cacheRoot, `${hostname().replace(/[^A-Za-z0-9._-]/g, '_')}-${hub.port}`));
    await waitFor('every process’s snapshot of the last sequence', () =>
      own.every((dir) => existsSync(join(dir, `snapshot-${seq}.json`))) ? true : undefined,
    );
    expect(readdirSync(cacheRoot).sort()).toEqual(own.map((dir) => basename(dir)).sort());
    for (const [i, hub] of hubs.entries()) {
      const snapshot = await fetch(`${hub.url}/v1/snapshot`, { headers: (kiosks[i] as Kiosk).identity.signRequest('GET', '/v1/snapshot') });
      expect(snapshot.status).toBe(200);
      expect(snapshot.headers.get('x-chot-seq')).toBe(String(seq));
      await snapshot.arrayBuffer();
    }
  });

  it('announce a rule set published with `chot hub rules publish --pg` on every process’s sockets', async () => {
    const listeners = hubs.map((hub, i) => listen(hub, kiosks[i] as Kiosk));
    const etags = (i: number): string[] => (listeners[i]?.notices ?? []).flatMap(({ notice }) => (notice.type === 'rules' ? [notice.etag] : []));
    await until(() => hubs.every((_, i) => etags(i).length === 1), 'every socket’s first rules notice');
    const run = await runChotAsync(['hub', 'rules', 'publish', '--builtin', ACCESS_LIST.id, '--data', dataDir, '--pg', pgUrl]);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/announced to the hub processes/);
    // Well within the minute between looks at the folder: only the notice can have told them.
    await until(() => hubs.every((_, i) => etags(i).length === 2), 'every process to announce the new rule set', (POLL_SECONDS * 1000) / 3);
    const served = await fetch(`${hubs[0]?.url}/v1/rules`, { headers: (kiosks[0] as Kiosk).identity.signRequest('GET', '/v1/rules') });
    for (let i = 0; i < hubs.length; i += 1) expect(etags(i)[1]).toBe(served.headers.get('etag'));
  });

  it('lose nothing when a process is SIGKILLed mid-upload: the kiosk retries on another, and every entry is at the hub once', async () => {
    const kiosk = kiosks[1] as Kiosk;
    const chain = kioskChain(kiosk.identity.deviceId, 15_000, () => ({ at: new Date().toISOString() }));
    const batches = [chain.slice(0, 5_000), chain.slice(5_000, 10_000), chain.slice(10_000)];
    const [first, second, third] = hubs as [HubProcess, HubProcess, HubProcess];

    // Killed while the body is still arriving.
    const cut = uploadInHalves(second, kiosk, batches[0] as UploadedEntry[]);
    const outcome = cut.answer.then(
      (status) => `answered ${status}`,
      () => 'failed',
    );
    await cut.halfSent;
    await kill(second);
    expect(await outcome).toBe('failed');
    expect(await receiptThrough(third, kiosk, batches[0] as UploadedEntry[])).toBe(5_000);

    // Killed inside its ingest transaction (PostgreSQL shows it writing the entries).
    const watcher = await pgSession();
    try {
      const inFlight = upload(third, kiosk, batches[1] as UploadedEntry[]).then(
        (response) => `answered ${response.status}`,
        () => 'failed',
      );
      await waitFor(
        'an ingest transaction writing the entries',
        async () => ((await watcher.query("SELECT 1 FROM pg_stat_activity WHERE backend_xid IS NOT NULL AND query ~* 'entry'")).rowCount ?? 0) > 0 || undefined,
        30_000,
        1,
      );
      await kill(third);
      expect(await inFlight).toBe('failed');
    } finally {
      await watcher.end();
    }
    // The kiosk holds no receipt for it: it retries the batch on the process left, twice
    // even (a receipt lost on the way), then sends the next one.
    expect(await receiptThrough(first, kiosk, batches[1] as UploadedEntry[])).toBe(10_000);
    expect(await receiptThrough(first, kiosk, batches[1] as UploadedEntry[])).toBe(10_000);
    expect(await receiptThrough(first, kiosk, batches[2] as UploadedEntry[])).toBe(15_000);

    const stored = await pgSession();
    try {
      const rows = await stored.query<{ seq: string; hash: string; problem: string | null }>(
        'SELECT seq, hash, problem FROM entry WHERE kiosk_id = $1 ORDER BY seq',
        [kiosk.identity.deviceId],
      );
      expect(rows.rowCount).toBe(chain.length);
      const mismatched = rows.rows.filter((row, i) => Number(row.seq) !== i + 1 || row.hash !== chain[i]?.hash || row.problem !== null);
      expect(mismatched).toEqual([]);
      expect((await stored.query('SELECT 1 FROM entry_conflict WHERE kiosk_id = $1', [kiosk.identity.deviceId])).rowCount).toBe(0);
    } finally {
      await stored.end();
    }
  });
});

function uploadBody(entries: readonly UploadedEntry[]): Buffer {
  return gzipSync(JSON.stringify({ entries }));
}

function upload(hub: HubProcess, kiosk: Kiosk, entries: readonly UploadedEntry[]): Promise<Response> {
  const body = uploadBody(entries);
  return fetch(`${hub.url}/v1/entries`, {
    method: 'POST',
    body: new Uint8Array(body),
    headers: { 'content-type': 'application/json', 'content-encoding': 'gzip', ...kiosk.identity.signRequest('POST', '/v1/entries', body) },
  });
}

/** Uploads a batch and returns the contiguous sequence its signed receipt vouches for. */
async function receiptThrough(hub: HubProcess, kiosk: Kiosk, entries: readonly UploadedEntry[]): Promise<number> {
  const response = await upload(hub, kiosk, entries);
  expect(response.status).toBe(200);
  return ((await response.json()) as { receipt: { contiguousSeq: number } }).receipt.contiguousSeq;
}

/** An upload whose first half is sent (`halfSent`) and whose second half never is. */
function uploadInHalves(hub: HubProcess, kiosk: Kiosk, entries: readonly UploadedEntry[]): { halfSent: Promise<void>; answer: Promise<number> } {
  const body = uploadBody(entries);
  const headers = {
    'content-type': 'application/json',
    'content-encoding': 'gzip',
    'content-length': String(body.length),
    ...kiosk.identity.signRequest('POST', '/v1/entries', body),
  };
  let halfSent: () => void = () => undefined;
  const sent = new Promise<void>((resolve) => (halfSent = resolve));
  const answer = new Promise<number>((resolve, reject) => {
    const req = request(`${hub.url}/v1/entries`, { method: 'POST', headers }, (response) => resolve(response.statusCode ?? 0));
    req.on('error', reject);
    req.write(body.subarray(0, body.length >> 1), () => halfSent());
  });
  return { halfSent: sent, answer };
}

function kill(hub: HubProcess): Promise<void> {
  const { child } = hub;
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

async function pgSession(): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: pgUrl });
  await client.connect();
  return client;
}
