import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { KioskEvent } from '../../../../domain/contract/kiosk-events.js';
import type { KioskSetup } from '../../../../domain/contract/kiosk-setup.js';
import { formatEnrollmentQr } from '../../../../domain/enrollment/enrollment-qr.js';
import { NO_COLOUR_HEADLINES } from '../../../../domain/verdict/verdict.js';
import { startKioskRuntime, type KioskRuntime } from '../../../../main/core/kiosk-runtime.js';
import { demoCards } from '../../../../main/demo/demo-people.js';
import { enrollKiosk } from '../../../../main/enrollment/enroll-kiosk.js';
import { DEVICE_ID_FILE, DEVICE_KEY_FILE } from '../../../../main/hub-client/device-identity.js';
import { HUB_CONFIG_FILE, loadHubConfig } from '../../../../main/hub-client/hub-config.js';
import { StaffPinStore } from '../../../../main/staff/staff-pin-store.js';
import { readPinnedHubKeys } from '../../../../main/trust/hub-keys-file.js';
import { tempDataDir } from '../../../support/kiosk-process.js';
import { linesLogger } from '../../../support/memory-logger.js';
import { syncBundles } from '../../../support/sync-bundle.js';
import { people, testHubKey, type TestHubKey } from '../../../support/sync-fixtures.js';
import { closeAll, fakeHub } from '../sync/sync-harness.js';

const key = testHubKey();
const stranger = testHubKey();
const sha256Of = (hubKey: TestHubKey): string => createHash('sha256').update(Buffer.from(hubKey.publicKeyBase64, 'base64')).digest('hex');
const WEDGE = { kind: 'wedge', deviceId: 'keyboard' } as const;

interface Kiosk {
  readonly runtime: KioskRuntime;
  readonly dataDir: string;
  readonly log: string[];
  readonly setups: KioskSetup[];
}

const runtimes: KioskRuntime[] = [];
afterEach(async () => {
  for (const runtime of runtimes.splice(0)) await runtime.close();
  await closeAll();
});

async function startKiosk(options: { dataDir?: string; staffPins?: StaffPinStore } = {}): Promise<Kiosk> {
  const dataDir = options.dataDir ?? tempDataDir('chot-enrol-scan-');
  const log: string[] = [];
  const runtime = await startKioskRuntime({
    dataDir,
    syncWorkerUrl: (await syncBundles()).workerUrl,
    logger: linesLogger((line) => log.push(line)),
    syncIntervalMs: 200,
    uploadIntervalMs: 200,
    ...(options.staffPins === undefined ? {} : { staffPins: options.staffPins }),
  });
  runtimes.push(runtime);
  const setups: KioskSetup[] = [];
  runtime.core.onEvent((event: KioskEvent) => {
    if (event.name === 'setup') setups.push(event.setup);
  });
  return { runtime, dataDir, log, setups };
}

async function until<T>(probe: () => Promise<T | undefined>): Promise<T> {
  for (let i = 0; i < 300; i++) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('condition never held');
}

function expectNothingKept(dataDir: string): void {
  expect(existsSync(join(dataDir, DEVICE_KEY_FILE))).toBe(false);
  expect(existsSync(join(dataDir, DEVICE_ID_FILE))).toBe(false);
  expect(existsSync(join(dataDir, HUB_CONFIG_FILE))).toBe(false);
  expect(readPinnedHubKeys(dataDir)).toEqual([]);
}

describe('an enrolment QR scanned on the running kiosk', () => {
  it('enrols a demo kiosk, which then syncs and uploads without a restart; no entry, and the code is never logged', { timeout: 40_000 }, async () => {
    const hub = await fakeHub(key);
    const seq = hub.publish(people(20));
    hub.buildSnapshot();
    const [person] = [...people(1)];
    const code = await hub.createCode('Chợ Đầm — cổng 2');
    const kiosk = await startKiosk();
    const { core } = kiosk.runtime;
    expect((await core.getKioskStatus()).sync.state).toBe('demo');

    const answer = await core.submitScan({ source: WEDGE, text: formatEnrollmentQr({ code, hubKeySha256: sha256Of(key), hubUrl: hub.url }) });
    expect(answer).toMatchObject({ outcome: 'none', entrySeq: 0, gate: { open: false }, setup: { phase: 'enrolling', hub: hub.url } });
    await core.setupSettled;

    expect(kiosk.setups).toEqual([{ phase: 'enrolled', hub: `${hub.url}/`, location: 'Chợ Đầm — cổng 2', deviceId: expect.stringMatching(/^k-/) }]);
    expect(loadHubConfig(kiosk.dataDir)).toMatchObject({ location: 'Chợ Đầm — cổng 2' });
    expect(readPinnedHubKeys(kiosk.dataDir)).toEqual([key.publicKeyBase64]);
    expect(kiosk.runtime.enrolled).toBe(true);
    expect((await core.getKioskInfo()).demoCards).toBeUndefined();

    // The sync runs now: the hub's people arrive, and the demo data set is gone.
    await until(async () => ((await core.getKioskStatus()).watermark === seq ? true : undefined));
    const known = await core.submitScan({ source: { kind: 'manual', deviceId: 'staff' }, text: person?.id12 ?? '' });
    expect(known.headline).not.toEqual(NO_COLOUR_HEADLINES['unknown-person']);
    const demo = await core.submitScan({ source: { kind: 'manual', deviceId: 'demo-card' }, text: demoCards()[0]?.qrText ?? '' });
    expect(demo.headline).toEqual(NO_COLOUR_HEADLINES['unknown-person']);
    // The two scans are the kiosk's only entries, logged as the new device and uploaded.
    expect((await core.getTodayStats()).total).toBe(2);
    await until(async () => (hub.count('entries') > 0 ? true : undefined));
    expect(kiosk.log.join('\n')).not.toContain(code);
  });

  it('refuses a hub whose key is not the QR’s, keeping nothing; a device scanner’s QR is pushed to the screen', async () => {
    const hub = await fakeHub(key);
    const code = await hub.createCode();
    const kiosk = await startKiosk();
    const qr = formatEnrollmentQr({ code, hubKeySha256: sha256Of(stranger), hubUrl: hub.url });
    const answer = await kiosk.runtime.core.submitDeviceScan(
      { source: { kind: 'serial', deviceId: 'scanner-1' }, text: qr, at: '' },
      { lane: '1', direction: 'in' },
    );
    expect(answer.setup).toEqual({ phase: 'enrolling', hub: hub.url });
    await kiosk.runtime.core.setupSettled;
    expect(kiosk.setups).toEqual([
      { phase: 'enrolling', hub: hub.url },
      { phase: 'refused', hub: hub.url, reason: expect.objectContaining({ code: 'setup.hub-key-mismatch' }) },
    ]);
    expectNothingKept(kiosk.dataDir);
    expect(kiosk.runtime.enrolled).toBe(false);
    expect((await kiosk.runtime.core.getKioskStatus()).sync.state).toBe('demo');
    expect((await kiosk.runtime.core.getTodayStats()).total).toBe(0);
    // The hub refused before spending the code (the QR named another key): the right QR still enrols.
    await kiosk.runtime.core.submitDeviceScan(
      { source: { kind: 'serial', deviceId: 'scanner-1' }, text: formatEnrollmentQr({ code, hubKeySha256: sha256Of(key), hubUrl: hub.url }), at: '' },
      { lane: '1', direction: 'in' },
    );
    await kiosk.runtime.core.setupSettled;
    expect(kiosk.setups.at(-1)).toMatchObject({ phase: 'enrolled' });
  });

  it('shows a hub it cannot reach as such, keeping nothing', async () => {
    // A port that was free a moment ago: nothing answers there.
    const port = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const { port: free } = server.address() as { port: number };
        server.close(() => resolve(free));
      });
    });
    const kiosk = await startKiosk();
    const hubUrl = `http://127.0.0.1:${port}`;
    await kiosk.runtime.core.submitScan({ source: WEDGE, text: formatEnrollmentQr({ code: 'ABCD-EFGH-JKMN', hubKeySha256: sha256Of(key), hubUrl }) });
    await kiosk.runtime.core.setupSettled;
    expect(kiosk.setups).toEqual([{ phase: 'refused', hub: hubUrl, reason: expect.objectContaining({ code: 'setup.hub-unreachable' }) }]);
    expectNothingKept(kiosk.dataDir);
  });

  it('is refused on a kiosk already enrolled: nothing asked of the hub, nothing changed', async () => {
    const hub = await fakeHub(key);
    const dataDir = tempDataDir('chot-enrol-scan-');
    await enrollKiosk({ dataDir, hubUrl: hub.url, code: await hub.createCode('Cổng 1') });
    const before = readFileSync(join(dataDir, HUB_CONFIG_FILE), 'utf8');
    const kiosk = await startKiosk({ dataDir });
    const answer = await kiosk.runtime.core.submitScan({
      source: WEDGE,
      text: formatEnrollmentQr({ code: await hub.createCode('Cổng 2'), hubKeySha256: sha256Of(key), hubUrl: hub.url }),
    });
    expect(answer).toMatchObject({ entrySeq: 0, setup: { phase: 'refused', location: 'Cổng 1', reason: { code: 'setup.already-enrolled' } } });
    await kiosk.runtime.core.setupSettled;
    expect(hub.count('enroll')).toBe(1);
    expect(readFileSync(join(dataDir, HUB_CONFIG_FILE), 'utf8')).toBe(before);
    expect((await kiosk.runtime.core.getTodayStats()).total).toBe(0);
  });

  it('a double read while enrolling says enrolling again and enrols once', async () => {
    const hub = await fakeHub(key);
    const kiosk = await startKiosk();
    const text = formatEnrollmentQr({ code: await hub.createCode(), hubKeySha256: sha256Of(key), hubUrl: hub.url });
    const [first, second] = await Promise.all([kiosk.runtime.core.submitScan({ source: WEDGE, text }), kiosk.runtime.core.submitScan({ source: WEDGE, text })]);
    expect([first.setup?.phase, second.setup?.phase]).toEqual(['enrolling', 'enrolling']);
    await kiosk.runtime.core.setupSettled;
    expect(kiosk.setups.map((setup) => setup.phase)).toEqual(['enrolled']);
    expect(hub.count('enroll')).toBe(1);
  });

  it('with staff PINs set, needs a staff session', async () => {
    const hub = await fakeHub(key);
    const dataDir = tempDataDir('chot-enrol-scan-');
    const pins = new StaffPinStore(dataDir, { N: 1024, r: 8, p: 1, keyLength: 32 });
    await pins.add('Lan', '246810');
    const kiosk = await startKiosk({ dataDir, staffPins: pins });
    const { core } = kiosk.runtime;
    const text = formatEnrollmentQr({ code: await hub.createCode(), hubKeySha256: sha256Of(key), hubUrl: hub.url });
    expect((await core.submitScan({ source: WEDGE, text })).setup).toMatchObject({ phase: 'refused', reason: { code: 'staff.sign-in-required' } });
    expect(hub.count('enroll')).toBe(0);
    expect(await core.staffSignIn({ pin: '246810' })).toMatchObject({ ok: true });
    expect((await core.submitScan({ source: WEDGE, text })).setup).toMatchObject({ phase: 'enrolling' });
    await core.setupSettled;
    expect(kiosk.setups.at(-1)).toMatchObject({ phase: 'enrolled' });
  });

  it('a damaged enrolment QR is refused as such: no entry, nothing asked of anyone, nothing of it logged', async () => {
    const kiosk = await startKiosk();
    const text = 'CHOT-ENROLL1:SECR-ETSE-CRET:not-a-fingerprint:http://hub.example';
    const answer = await kiosk.runtime.core.submitScan({ source: WEDGE, text });
    expect(answer).toMatchObject({ entrySeq: 0, setup: { phase: 'refused', reason: { code: 'setup.bad-qr' } } });
    expect((await kiosk.runtime.core.getTodayStats()).total).toBe(0);
    expect(kiosk.log.join('\n')).not.toContain('SECR-ETSE-CRET');
  });
});
