import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadHubConfig, type HubConfig } from '../../main/hub-client/hub-config.js';
import { seedSqliteHub } from '../support/hub-seed.js';
import { freePort, startHubProcess, type HubProcess } from '../support/hub-process.js';
import { connectKioskContract } from '../support/kiosk-contract.js';
import { startKioskProcess, tempDataDir, type KioskProcess } from '../support/kiosk-process.js';
import { enrolmentCode } from '../support/hub-cli-steps.js';
import { runChot } from '../support/run-chot.js';
import {
  appendInChild,
  bundleAppendChild,
  hubEntryState,
  hubIngestInProgress,
  kioskLogState,
  kioskReceiptThrough,
  LineWatcher,
  waitFor,
  type KioskLogState,
} from '../support/upload-kill.js';

/**
 * No entry lost or doubled by a crash, with real processes: the kiosk SIGKILLed while appending to its
 * entry log and while uploading it (`chot start`), the hub (`chot hub serve`, SQLite)
 * SIGKILLed while ingesting. Afterwards no acknowledged entry is missing, and the hub holds
 * every entry of the kiosk's log exactly once, unflagged, without conflicts, each with the
 * kiosk's own hash; the kiosk holds a signed receipt through the last one.
 */
const BACKLOG = 60_000; // 30 batches of 2 000: an upload of several seconds, long enough to kill into
const SCANS = ['056089001234|225123456|Nguyễn Văn An|15031989|Nam|Số 1 Trần Phú|10072021', '096200000001|381234567|Phạm Minh Đức|01012000|Nam|Cà Mau|01012024'];

const hubDir = tempDataDir('chot-upload-kill-hub-');
const kioskDirs = [tempDataDir('chot-upload-kill-kiosk-a-'), tempDataDir('chot-upload-kill-kiosk-b-')] as const;
let hub: HubProcess;
let port = 0;
let childScript = '';
let kiosks: HubConfig[] = [];
const running: KioskProcess[] = [];

/** A random batch early in the upload (of 30), so the kills land at different points. */
const someEarlyBatch = (): number => 1 + Math.floor(Math.random() * 6);

/** The hub's log lines of an upload it answered with a receipt, for one kiosk. */
const uploadsAnswered = (kioskId: string): RegExp => new RegExp(` POST /v1/entries 200 \\d+ms ${kioskId}$`);

function enrol(kioskDir: string, location: string): HubConfig {
  const code = enrolmentCode(hubDir, location);
  const enrolled = runChot(['enroll', '--hub', hub.url, '--code', code, '--data-dir', kioskDir]);
  expect(enrolled.status, enrolled.stderr).toBe(0);
  const config = loadHubConfig(kioskDir);
  if (config === undefined) throw new Error(`chot enroll wrote no hub.json in ${kioskDir}`);
  return config;
}

async function startKiosk(dataDir: string): Promise<KioskProcess> {
  // A kiosk uploads at once when it starts; 1 s between runs then picks up the scans made meanwhile.
  const kiosk = await startKioskProcess({ dataDir, extraArgs: ['--upload-interval', '1'] });
  running.push(kiosk);
  return kiosk;
}

function kill(target: { child: KioskProcess['child'] }): Promise<void> {
  const { child } = target;
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

/** The log has entries 1…n, no holes, its chain intact, and every acknowledged entry with the hash it was acknowledged with. */
function expectIntactLog(log: KioskLogState, acks: ReadonlyMap<number, string>): void {
  expect(log.verify).toMatchObject({ ok: true, entries: log.maxSeq });
  expect(log.rows.size).toBe(log.maxSeq);
  const missing = [...acks].filter(([seq, hash]) => log.rows.get(seq) !== hash).map(([seq]) => seq);
  expect(missing, 'acknowledged entries missing or changed').toEqual([]);
}

/** The hub holds exactly the kiosk's log: the same count, every (seq, hash) equal, a complete chain, nothing flagged or in conflict. */
function expectHubHoldsExactly(kioskDir: string, kioskId: string): number {
  const log = kioskLogState(kioskDir);
  expect(log.verify.ok).toBe(true);
  const n = log.maxSeq;
  const atHub = hubEntryState(hubDir, kioskId);
  expect(atHub.count).toBe(n);
  expect(atHub.chain).toEqual({ contiguous_seq: n, max_seq: n, flagged_entries: 0, conflicts: 0 });
  expect(atHub.conflictRows).toBe(0);
  expect(atHub.problemRows).toBe(0);
  // A loop, not toEqual on two maps of 60 000: a failure names the first entries that differ.
  const differing = [...log.rows].filter(([seq, hash]) => atHub.rows.get(seq) !== hash).map(([seq]) => seq);
  expect(differing.slice(0, 10), `${differing.length} entries differ at the hub`).toEqual([]);
  expect(log.receiptThrough).toBe(n);
  return n;
}

/** Polls the hub's database until its chain for the kiosk reaches `n`; a timeout says where the chain stopped. */
async function hubReaches(kioskId: string, n: number): Promise<void> {
  try {
    await waitFor(
      `the hub to hold entries 1–${n} of ${kioskId}`,
      () => ((hubEntryState(hubDir, kioskId, false).chain?.contiguous_seq ?? 0) >= n ? true : undefined),
      60_000,
    );
  } catch (error) {
    const { count, chain, conflictRows } = hubEntryState(hubDir, kioskId, false);
    throw new Error(`${(error as Error).message}: it holds ${count} entries, chain ${JSON.stringify(chain)}, ${conflictRows} conflicts`, { cause: error });
  }
}

beforeAll(async () => {
  // A few people, so the kiosk's own sync (beside the upload) is over in a moment.
  await seedSqliteHub(hubDir, 100);
  port = await freePort();
  hub = await startHubProcess(hubDir, port);
  kiosks = [enrol(kioskDirs[0], 'Chợ Đầm — cổng Bắc'), enrol(kioskDirs[1], 'Bến xe Phía Nam')];
  childScript = await bundleAppendChild();
}, 60_000);

afterAll(async () => {
  for (const kiosk of running) await kiosk.stop();
  await hub.stop();
  // Only directories this file made: childScript is '' if the set-up failed before bundling it.
  for (const dir of [hubDir, ...kioskDirs, ...(childScript === '' ? [] : [dirname(childScript)])]) rmSync(dir, { recursive: true, force: true });
});

describe('SIGKILL during appends, uploads and ingest: no acknowledged entry lost, none duplicated at the hub', () => {
  it('kiosk killed while appending: every acknowledged entry survives, 1…n without holes, the chain intact', async () => {
    const [dataDir] = kioskDirs;
    const { deviceId: kioskId, location } = kiosks[0] as HubConfig;
    const acked = new Map<number, string>();
    for (let round = 0; round < 4; round++) {
      // Killed at a random point: between 300 and 700 acknowledged appends into the round.
      const run = await appendInChild(childScript, { dataDir, kioskId, location, killAfterAcks: 300 + Math.floor(Math.random() * 400) });
      expect(run.killed).toBe(true);
      for (const [seq, hash] of run.acks) acked.set(seq, hash);
      const log = kioskLogState(dataDir);
      expectIntactLog(log, acked);
      // At most the one entry committed between the last ack and the kill is unacknowledged.
      expect(log.maxSeq - Math.max(...acked.keys())).toBeLessThanOrEqual(1);
    }
  }, 60_000);

  it('kiosk killed during an upload: after a restart the hub holds every entry once', async () => {
    const [dataDir] = kioskDirs;
    const { deviceId: kioskId, location } = kiosks[0] as HubConfig;
    // The killed rounds' entries, then a backlog the upload takes many batches over.
    await appendInChild(childScript, { dataDir, kioskId, location, fill: true, count: BACKLOG - kioskLogState(dataDir).maxSeq });
    const backlog = kioskLogState(dataDir).maxSeq;
    expect(backlog).toBe(BACKLOG);

    const answered = new LineWatcher(hub.child.stderr as NonNullable<HubProcess['child']['stderr']>, uploadsAnswered(kioskId));
    const first = await startKiosk(dataDir);
    // The kiosk sends its next batch as soon as a receipt is in: one is in flight at the kill.
    await answered.atLeast(someEarlyBatch());
    await kill(first);
    const killed = hubEntryState(hubDir, kioskId, false);
    const killedAt = killed.chain?.contiguous_seq ?? 0;
    expect(killedAt, 'the kiosk was killed mid-upload').toBeGreaterThan(0);
    expect(killedAt).toBeLessThan(backlog);
    expect(killed.count).toBe(killedAt);
    // The kiosk never holds a receipt for more than the hub has; it may lack the last one.
    const receiptAtKill = kioskReceiptThrough(dataDir);
    expect(receiptAtKill).toBeLessThanOrEqual(killedAt);
    const answeredBefore = answered.count;

    const second = await startKiosk(dataDir);
    // Scans through the kiosk's own path while it uploads: acknowledged (a verdict), then uploaded too.
    const contract = await connectKioskContract(second.url);
    const scanned: number[] = [];
    try {
      for (const text of SCANS) scanned.push((await contract.api.submitScan({ source: { kind: 'wedge', deviceId: 'keyboard' }, text })).entrySeq);
    } finally {
      contract.close();
    }
    expect(scanned.every((seq) => seq > backlog)).toBe(true);
    // They were decided while the backlog was still going up (each batch takes the hub ~150 ms).
    expect(hubEntryState(hubDir, kioskId, false).chain?.contiguous_seq ?? 0).toBeLessThan(backlog);
    const n = backlog + SCANS.length;
    await hubReaches(kioskId, n);
    await waitFor('the kiosk to keep the receipt', () => (kioskReceiptThrough(dataDir) >= n ? true : undefined), 30_000);
    await second.stop();
    expect(expectHubHoldsExactly(dataDir, kioskId)).toBe(n);
    // The restarted kiosk went on from its receipt, not from entry 1 (the scans may take a batch of their own).
    expect(answered.count - answeredBefore).toBeLessThanOrEqual(Math.ceil((backlog - receiptAtKill) / 2_000) + 1);
  }, 120_000);

  it('hub killed during ingest: restarted on its port, the running kiosk finishes the upload, every entry once', async () => {
    const [, dataDir] = kioskDirs;
    const { deviceId: kioskId, location } = kiosks[1] as HubConfig;
    await appendInChild(childScript, { dataDir, kioskId, location, fill: true, count: BACKLOG });
    const answered = new LineWatcher(hub.child.stderr as NonNullable<HubProcess['child']['stderr']>, uploadsAnswered(kioskId));
    const kiosk = await startKiosk(dataDir);
    await answered.atLeast(someEarlyBatch());
    // Killed inside an ingest transaction: its batch must vanish whole, and come again.
    await hubIngestInProgress(hubDir);
    await kill(hub);
    const killed = hubEntryState(hubDir, kioskId, false);
    const killedAt = killed.chain?.contiguous_seq ?? 0;
    expect(killedAt, 'the hub was killed mid-upload').toBeGreaterThan(0);
    expect(killedAt).toBeLessThan(BACKLOG);
    // Nothing of the batch being ingested: the hub holds whole batches, in order.
    expect(killed.count).toBe(killedAt);
    expect(killedAt % 2_000).toBe(0);

    hub = await startHubProcess(hubDir, port);
    await hubReaches(kioskId, BACKLOG);
    await waitFor('the kiosk to keep the receipt', () => (kioskReceiptThrough(dataDir) >= BACKLOG ? true : undefined), 30_000);
    // The kiosk noticed the hub gone (its uploader backed off) and went on without a restart.
    expect(kiosk.stderr()).toMatch(/upload (offline|error): /);
    expect(kiosk.child.exitCode).toBeNull();
    await kiosk.stop();
    expect(expectHubHoldsExactly(dataDir, kioskId)).toBe(BACKLOG);
  }, 120_000);
});
