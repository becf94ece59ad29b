import { linesLogger } from '../../../support/memory-logger.js';
import { readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_SOUND_SETTINGS } from '../../../../domain/contract/sound-settings.js';
import { DEFAULT_THEME_SETTINGS } from '../../../../domain/contract/theme-settings.js';
import { startKioskRuntime, type KioskRuntime } from '../../../../main/core/kiosk-runtime.js';
import { enrollKiosk } from '../../../../main/enrollment/enroll-kiosk.js';
import { DEVICE_KEY_FILE } from '../../../../main/hub-client/device-identity.js';
import { chotVersion } from '../../../../main/config/paths.js';
import { decodeKioskReport } from '../../../../domain/sync/kiosk-report.js';
import { REPORT_HEADER } from '../../../../domain/sync/signed-request.js';
import { tempDataDir } from '../../../support/kiosk-process.js';
import { syncBundles } from '../../../support/sync-bundle.js';
import { FACTS_DATABASE_FILE } from '../../../../main/store/facts-database.js';
import { KIOSK_DATABASE_FILE } from '../../../../main/store/kiosk-database.js';
import { sqliteFileState } from '../../../../main/store/sqlite-database.js';
import { people, testHubKey } from '../../../support/sync-fixtures.js';
import { closeAll, fakeHub } from '../sync/sync-harness.js';
import { EnrollmentService } from '../../../../hub/enrollment/enrollment-service.js';
import { startTestHub } from '../../hub/server/hub-test-kit.js';

const key = testHubKey();
const runtimes: KioskRuntime[] = [];
afterEach(async () => {
  for (const runtime of runtimes.splice(0)) await runtime.close();
  await closeAll();
});

async function start(dataDir: string, log: string[] = [], uploadIntervalMs?: number, dbKeyFile?: string): Promise<KioskRuntime> {
  const runtime = await startKioskRuntime({
    dataDir,
    ...(dbKeyFile === undefined ? {} : { dbKeyFile }),
    syncWorkerUrl: (await syncBundles()).workerUrl,
    logger: linesLogger((line) => log.push(line)),
    ...(uploadIntervalMs === undefined ? {} : { uploadIntervalMs }),
  });
  runtimes.push(runtime);
  return runtime;
}

async function until<T>(probe: () => Promise<T | undefined>): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('condition never held');
}

describe('startKioskRuntime: the core, and its sync when enrolled', () => {
  it('not enrolled: the demo data set, and the status says so', async () => {
    const runtime = await start(tempDataDir('chot-runtime-'));
    expect(runtime.enrolled).toBe(false);
    expect((await runtime.core.getKioskInfo()).demoCards?.length).toBeGreaterThan(0);
    expect((await runtime.core.getKioskStatus()).sync.state).toBe('demo');
  });

  it('hands the sound settings to the renderer in KioskInfo: as given, else the default volume, unmuted', async () => {
    expect((await (await start(tempDataDir('chot-runtime-'))).core.getKioskInfo()).sound).toEqual(DEFAULT_SOUND_SETTINGS);
    const runtime = await startKioskRuntime({
      dataDir: tempDataDir('chot-runtime-'),
      logger: linesLogger(() => undefined),
      sound: { volume: 35, muted: true },
    });
    runtimes.push(runtime);
    expect((await runtime.core.getKioskInfo()).sound).toEqual({ volume: 35, muted: true });
  });

  it('hands the theme settings to the renderer in KioskInfo: as given, else dark', async () => {
    expect((await (await start(tempDataDir('chot-runtime-'))).core.getKioskInfo()).theme).toEqual(DEFAULT_THEME_SETTINGS);
    const theme = { mode: 'auto', dayStartMinute: 330, dayEndMinute: 1140 } as const;
    const runtime = await startKioskRuntime({ dataDir: tempDataDir('chot-runtime-'), logger: linesLogger(() => undefined), theme });
    runtimes.push(runtime);
    expect((await runtime.core.getKioskInfo()).theme).toEqual(theme);
  });

  it('without a logger handed in, logs to <data-dir>/logs/chot.log at the level asked', async () => {
    const dataDir = tempDataDir('chot-runtime-');
    const runtime = await startKioskRuntime({ dataDir, logLevel: 'debug' });
    await runtime.core.submitScan({ source: { kind: 'manual', deviceId: 'staff' }, text: '056089001234' });
    await runtime.close();
    const records = readFileSync(join(dataDir, 'logs', 'chot.log'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(records).toContainEqual(
      expect.objectContaining({
        level: 'debug',
        message: 'scan decided',
        component: 'core',
        entry: 1,
        outcome: 'green',
        credential: 'manual',
        source: 'manual',
      }),
    );
    if (process.platform !== 'win32') expect(statSync(join(dataDir, 'logs')).mode & 0o777).toBe(0o700);
  });

  it('enrolled: no demo data; syncs from the hub at once and reports idle at the hub’s sequence', async () => {
    const hub = await fakeHub(key);
    hub.publish(people(50));
    hub.buildSnapshot();
    const dataDir = tempDataDir('chot-runtime-');
    await enrollKiosk({ dataDir, hubUrl: hub.url, code: await hub.createCode() });
    const runtime = await start(dataDir);
    expect(runtime.enrolled).toBe(true);
    expect((await runtime.core.getKioskInfo()).demoCards).toBeUndefined();
    const status = await until(async () => {
      const now = await runtime.core.getKioskStatus();
      return now.sync.state === 'idle' && now.watermark !== undefined ? now : undefined;
    });
    expect(status).toMatchObject({ watermark: hub.seq, dataLine: { level: 'fresh' } });
    const verdict = await runtime.core.submitScan({ source: { kind: 'manual', deviceId: 'staff' }, text: people(1).next().value?.id12 ?? '' });
    expect(verdict.outcome).not.toBe('none');
  });

  it('enrolled: every request to the hub carries the kiosk’s report, signed with it (the fake hub verifies)', async () => {
    const hub = await fakeHub(key);
    hub.publish(people(20));
    hub.buildSnapshot();
    const dataDir = tempDataDir('chot-runtime-');
    await enrollKiosk({ dataDir, hubUrl: hub.url, code: await hub.createCode() });
    const runtime = await start(dataDir);
    const status = await until(async () => {
      const now = await runtime.core.getKioskStatus();
      return now.sync.state === 'idle' ? now : undefined;
    });
    const signed = hub.requests.filter((r) => r.route !== 'enroll');
    expect(signed.length).toBeGreaterThan(0);
    for (const request of signed) {
      const header = request.headers[REPORT_HEADER];
      expect(typeof header, request.url).toBe('string');
      const decoded = decodeKioskReport(header as string);
      expect(decoded).toMatchObject({ ok: true, report: { ruleSet: status.ruleSet, app: chotVersion() } });
    }
  });

  it('a damaged enrolment does not stop the kiosk: it decides, and the screen says what is wrong', async () => {
    const hub = await fakeHub(key);
    const dataDir = tempDataDir('chot-runtime-');
    await enrollKiosk({ dataDir, hubUrl: hub.url, code: await hub.createCode() });
    rmSync(join(dataDir, DEVICE_KEY_FILE));
    const log: string[] = [];
    const runtime = await start(dataDir, log);
    const status = await runtime.core.getKioskStatus();
    expect(status.sync).toMatchObject({ state: 'error', lastError: { code: 'sync.setup', message: expect.stringContaining('device key') } });
    expect(status.dataLine.vi).toContain('lỗi đồng bộ');
    expect(log.join('\n')).toMatch(/sync cannot start/);
    expect((await runtime.core.submitScan({ source: { kind: 'manual', deviceId: 'staff' }, text: '056089001234' })).outcome).toBe('none');
  });

  it('enrolled, nothing logged yet: the upload says nothing is uploaded, not “entries 1–0”', async () => {
    const hub = await startTestHub();
    try {
      const dataDir = tempDataDir('chot-runtime-');
      const { code } = await new EnrollmentService(hub.admin.enrollment).createCode('Chợ Đầm');
      await enrollKiosk({ dataDir, hubUrl: hub.server.url, code });
      const log: string[] = [];
      await start(dataDir, log, 100);
      const line = await until(async () => log.find((l) => l.startsWith('upload idle')));
      expect(line).toBe('upload idle: nothing uploaded yet component=upload watermark=0');
    } finally {
      await hub.close();
    }
  });

  it('enrolled: uploads every decision to the hub, and the status says when the hub is out of reach', async () => {
    const hub = await startTestHub();
    const dataDir = tempDataDir('chot-runtime-');
    const { code } = await new EnrollmentService(hub.admin.enrollment).createCode('Bến xe phía Bắc');
    const { deviceId } = (await enrollKiosk({ dataDir, hubUrl: hub.server.url, code })).config;
    const log: string[] = [];
    const runtime = await start(dataDir, log, 100);
    for (const id of ['056089001234', '079195004321', '001090000001'])
      await runtime.core.submitScan({ source: { kind: 'manual', deviceId: 'staff' }, text: id });
    const chain = await until(async () => {
      const now = await hub.admin.entries.chain(deviceId);
      return now !== undefined && now.contiguousSeq === 3 ? now : undefined;
    });
    expect(chain).toMatchObject({ maxSeq: 3, flaggedEntries: 0 });
    const places = await hub.admin.entries.trace({ personId: '079195004321', fromMs: 0, toMs: Date.now() + 60_000, windowMs: 0 });
    expect(places.map((p) => p.visit.location)).toEqual(['Bến xe phía Bắc']);
    await until(async () => ((await runtime.core.getKioskStatus()).upload?.pending === 0 ? true : undefined));
    expect(log.join('\n')).toMatch(/upload idle: the hub holds entries 1–3/);
    await hub.close();
    // Another person: the same ID again at once would be a repeat, no entry to upload.
    await runtime.core.submitScan({ source: { kind: 'manual', deviceId: 'staff' }, text: '048078008765' });
    const offline = await until(async () => {
      const status = await runtime.core.getKioskStatus();
      return status.upload?.state === 'offline' ? status : undefined;
    });
    expect(offline.upload).toMatchObject({ pending: 1, lastError: { code: 'unreachable' } });
  });

  it('enrolled and encrypted at rest: syncs into, and uploads from, databases only the key opens', async () => {
    const hub = await startTestHub();
    const dataDir = tempDataDir('chot-runtime-');
    const keyFile = join(tempDataDir('chot-runtime-key-'), 'db.key');
    writeFileSync(keyFile, `${'7e'.repeat(32)}\n`, { mode: 0o600 });
    const { code } = await new EnrollmentService(hub.admin.enrollment).createCode('Chợ Đầm');
    const { deviceId } = (await enrollKiosk({ dataDir, hubUrl: hub.server.url, code })).config;
    const runtime = await start(dataDir, [], 100, keyFile);
    // The sync worker opens the encrypted facts with the key: it reaches the hub, not a locked database.
    const sync = await until(async () => {
      const state = (await runtime.core.getKioskStatus()).sync;
      return state.state === 'syncing' ? undefined : state;
    });
    expect(JSON.stringify(sync)).not.toMatch(/encrypted|sync\.worker|sync\.closed/);
    for (const id of ['056089001234', '079195004321']) await runtime.core.submitScan({ source: { kind: 'manual', deviceId: 'staff' }, text: id });
    const chain = await until(async () => {
      const now = await hub.admin.entries.chain(deviceId);
      return now !== undefined && now.contiguousSeq === 2 ? now : undefined;
    });
    expect(chain).toMatchObject({ maxSeq: 2, flaggedEntries: 0 });
    for (const file of [KIOSK_DATABASE_FILE, FACTS_DATABASE_FILE]) expect(sqliteFileState(join(dataDir, file))).toBe('encrypted');
  });
});
