import { createServer, request as httpRequest, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectKioskContract } from '../support/kiosk-contract.js';
import { startKioskProcess, tempDataDir, type KioskProcess } from '../support/kiosk-process.js';
import { freePort, startHubProcess, type HubProcess } from '../support/hub-process.js';
import { runChotAsync, verifyLines } from '../support/run-chot.js';
import { chotOk, enrolmentCode, importHubCsv, importTwoPeopleToday, waitFor } from '../support/hub-cli-steps.js';

/**
 * Hub-to-kiosk sync through the binaries, as an operator runs them: `chot hub import` → `chot hub
 * serve` → `chot hub enroll-code` → `chot enroll` → `chot sync` / `chot start` → verdicts.
 */
const AT = '2021-10-20T08:00:00+07:00';
const GREEN = '056089001234';
const PARTIAL = '079195004321';
const TESTED = '001201005678';

const colours = (kioskDir: string, ids: readonly string[]): unknown[] => verifyLines(['--data-dir', kioskDir, '--at', AT], ids).map((line) => line.color);
const requests = async (hub: HubProcess, route: string): Promise<number> =>
  (await hub.log()).split('\n').filter((line) => line.includes(` GET ${route}`)).length;

describe('hub → kiosk through the CLI', () => {
  const hubDir = tempDataDir('chot-e2e-hub-');
  const kioskDir = tempDataDir('chot-e2e-kiosk-');
  let hub: HubProcess;

  beforeAll(async () => {
    importHubCsv(hubDir, 'person', ['id,old_id,bhxh_number', `${GREEN},,`, `${PARTIAL},,`, `${TESTED},,`]);
    importHubCsv(hubDir, 'vaccination', [
      'id,dose,date,product',
      `${GREEN},1,2021-08-01,Pfizer`,
      `${GREEN},2,2021-09-01,Comirnaty`,
      `${PARTIAL},1,2021-10-01,AstraZeneca`,
    ]);
    hub = await startHubProcess(hubDir, await freePort());
  });
  afterAll(async () => {
    await hub.stop();
  });

  it('enrols the kiosk, pins the hub key, syncs a snapshot then only deltas, and decides on the synced facts', async () => {
    const hubKey = chotOk(['hub', 'public-key', '--data', hubDir]).trim();
    const enrolled = chotOk(['enroll', '--hub', hub.url, '--code', enrolmentCode(hubDir, 'Chợ Đầm — cổng 2'), '--hub-key', hubKey, '--data-dir', kioskDir]);
    expect(enrolled).toContain('Chợ Đầm — cổng 2');

    const first = chotOk(['sync', '--data-dir', kioskDir]);
    expect(first).toMatch(/applied snapshot at sequence 2: 3 people/);
    expect(first).toMatch(/data complete up to sequence 2 \(current\)/);
    expect(colours(kioskDir, [GREEN, PARTIAL, TESTED])).toEqual(['green', 'yellow', 'red']);

    // A test result arrives at the hub: the next sync is a delta of one person.
    importHubCsv(hubDir, 'test', ['id,taken_at,kind,result', `${TESTED},2021-10-19T09:00:00+07:00,pcr,negative`]);
    const second = chotOk(['sync', '--data-dir', kioskDir]);
    expect(second).toMatch(/applied delta to sequence 3: 1 people changed/);
    expect(second).not.toMatch(/snapshot/);
    expect(colours(kioskDir, [GREEN, PARTIAL, TESTED])).toEqual(['green', 'yellow', 'yellow']);
    expect(await requests(hub, '/v1/snapshot')).toBe(1);

    const third = chotOk(['sync', '--data-dir', kioskDir]);
    expect(third).toMatch(/no new data/);
  });

  it('refuses a chunk with one flipped byte on the way, applies nothing, and says why', async () => {
    // A proxy that forwards everything (the request signatures stay valid) and flips one
    // byte in every sync download: what a broken cache or a meddler on the network does.
    importHubCsv(hubDir, 'recovery', ['id,recovered_on', `${PARTIAL},2021-06-01`]);
    const proxy = await flippingProxy(hub.port);
    try {
      // Not spawnSync: this process serves the proxy.
      const run = await runChotAsync(['sync', '--data-dir', kioskDir, '--hub', `http://127.0.0.1:${(proxy.address() as { port: number }).port}`]);
      expect(run.status).toBe(1);
      expect(run.stderr).toMatch(/\(sync\.(signature|malformed)\)/);
      expect(run.stderr).toMatch(/the kiosk keeps its data: sequence 3/);
      expect(colours(kioskDir, [PARTIAL])).toEqual(['yellow']);
    } finally {
      proxy.close();
    }
    // Straight from the hub, the same delta applies.
    expect(chotOk(['sync', '--data-dir', kioskDir])).toMatch(/applied delta to sequence 4/);
    expect(colours(kioskDir, [PARTIAL])).toEqual(['green']);
  });
});

describe('chot start syncs continuously, and keeps deciding while the hub is away', () => {
  const hubDir = tempDataDir('chot-e2e-hub-');
  const kioskDir = tempDataDir('chot-e2e-kiosk-');
  let hub: HubProcess;
  let kiosk: KioskProcess;

  beforeAll(async () => {
    // Dated from today: `chot start` decides at the real clock.
    importTwoPeopleToday(hubDir, GREEN, TESTED);
    hub = await startHubProcess(hubDir, await freePort());
    chotOk(['enroll', '--hub', hub.url, '--code', enrolmentCode(hubDir, 'Bệnh viện — cổng A'), '--data-dir', kioskDir]);
    kiosk = await startKioskProcess({ dataDir: kioskDir, extraArgs: ['--sync-interval', '1'] });
  });
  afterAll(async () => {
    await kiosk.stop();
    await hub.stop();
  });

  it('shows its data age growing while offline, still decides, and catches up with a delta when the hub returns', async () => {
    const contract = await connectKioskContract(kiosk.url);
    try {
      const { api } = contract;
      expect((await api.getKioskInfo()).demoCards).toBeUndefined();
      const synced = await waitFor('the first sync', async () => {
        const status = await api.getKioskStatus();
        return status.watermark === 2 && status.sync.state === 'idle' ? status : undefined;
      });
      expect(synced.dataLine.level).toBe('fresh');

      await hub.stop();
      const offline = await waitFor('the kiosk to notice', async () => {
        const status = await api.getKioskStatus();
        return status.sync.state === 'offline' ? status : undefined;
      });
      expect(offline.dataLine.en).toMatch(/hub unreachable/);
      await new Promise((resolve) => setTimeout(resolve, 1500));
      const later = await api.getKioskStatus();
      expect(later.dataAgeMs).toBeGreaterThan(offline.dataAgeMs ?? Infinity);
      expect(later.watermark).toBe(2);
      // Offline first: the gate still decides, on the last data.
      const verdict = await api.submitScan({ source: { kind: 'manual', deviceId: 'staff' }, text: GREEN });
      expect(verdict.outcome).toBe('green');

      // Meanwhile the hub gets new data; it comes back where the kiosk knows it.
      importHubCsv(hubDir, 'test', ['id,taken_at,kind,result', `${TESTED},${new Date(Date.now() - 3600_000).toISOString()},pcr,positive`]);
      hub = await startHubProcess(hubDir, hub.port);
      const caughtUp = await waitFor('the catch-up', async () => {
        const status = await api.getKioskStatus();
        return status.watermark === 3 && status.sync.state === 'idle' ? status : undefined;
      });
      expect(caughtUp.dataAgeMs).toBeLessThan(later.dataAgeMs ?? 0);
      // A delta, not a full resync: the returned hub served no snapshot.
      expect(await requests(hub, '/v1/delta?since=2')).toBeGreaterThanOrEqual(1);
      expect(await requests(hub, '/v1/snapshot')).toBe(0);
      const positive = await api.submitScan({ source: { kind: 'manual', deviceId: 'staff' }, text: TESTED });
      expect(positive.outcome).toBe('red');
    } finally {
      contract.close();
    }
  });
});

/** Forwards to the hub on `hubPort`, flipping one byte in the middle of every sync body. */
async function flippingProxy(hubPort: number): Promise<Server> {
  const server = createServer((incoming, outgoing) => {
    const upstream = httpRequest({ host: '127.0.0.1', port: hubPort, method: incoming.method, path: incoming.url, headers: incoming.headers }, (answer) => {
      const parts: Buffer[] = [];
      answer.on('data', (part: Buffer) => parts.push(part));
      answer.on('end', () => {
        const body = Buffer.concat(parts);
        const middle = Math.floor(body.length / 2);
        if ((answer.headers['content-type'] ?? '').includes('vnd.chot.sync') && body.length > 100)
          body.writeUInt8((body.readUInt8(middle) ^ 0x01) & 0xff, middle);
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        outgoing.end(body);
      });
    });
    upstream.on('error', () => outgoing.destroy());
    incoming.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}
