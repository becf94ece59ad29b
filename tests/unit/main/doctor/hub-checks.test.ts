import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { enrollKiosk } from '../../../../main/enrollment/enroll-kiosk.js';
import { saveHubConfig } from '../../../../main/hub-client/hub-config.js';
import { DOCTOR_HUB_TIMEOUT_MS, enrolmentCheck, hubReachabilityChecks } from '../../../../main/doctor/hub-checks.js';
import { HUB_KEYS_FILE } from '../../../../main/trust/kiosk-trust.js';
import { FakeHub } from '../../../support/fake-hub.js';
import { testHubKey } from '../../../support/sync-fixtures.js';

/** The doctor's hub checks: enrolment files, the hub reachable with its key pinned, the clock against the hub's. */
let dataDir: string;
let hub: FakeHub | undefined;

beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'chot-doctor-hub-'));
});
afterEach(async () => {
  await hub?.close();
  hub = undefined;
  rmSync(dataDir, { recursive: true, force: true });
});

async function enrolled(): Promise<FakeHub> {
  hub = await FakeHub.start({ key: testHubKey() });
  await enrollKiosk({ dataDir, hubUrl: hub.url, code: await hub.createCode() });
  return hub;
}

async function checksAt(now: () => number, timeoutMs?: number): Promise<Awaited<ReturnType<typeof hubReachabilityChecks>>> {
  const enrolment = enrolmentCheck(dataDir);
  if (enrolment.hub === undefined) throw new Error(`not enrolled: ${enrolment.check.en}`);
  return hubReachabilityChecks(dataDir, enrolment.hub, enrolment.keys, { now, ...(timeoutMs === undefined ? {} : { timeoutMs }) });
}

describe('enrolment', () => {
  it('WARNs a kiosk with no hub.json: not enrolled', () => {
    expect(enrolmentCheck(dataDir).check).toMatchObject({ id: 'hub.enrolment', status: 'warn', en: 'Not enrolled with a hub (no hub.json)' });
  });

  it('FAILs a hub.json without the device key or pinned hub key', () => {
    saveHubConfig(dataDir, { url: 'http://127.0.0.1:9', deviceId: 'k-1', location: 'Chợ', enrolledAt: '2026-12-01T00:00:00Z' });
    const { check, hub } = enrolmentCheck(dataDir);
    expect(check).toMatchObject({ status: 'fail', en: 'Enrolment incomplete: no device key' });
    expect(hub).toBeUndefined();
  });

  it('FAILs a hub.json that is not JSON', () => {
    writeFileSync(join(dataDir, 'hub.json'), '{');
    expect(enrolmentCheck(dataDir).check).toMatchObject({ status: 'fail', en: 'The enrolment files are damaged' });
  });

  it('is OK for an enrolled kiosk', async () => {
    const fake = await enrolled();
    expect(enrolmentCheck(dataDir).check).toMatchObject({ status: 'ok', detail: { url: `${fake.url}/`, pinnedKeys: fake.keyId } });
  });
});

describe('the hub reachable, its key pinned, the clock against it', () => {
  it('is OK when the hub answers with the pinned key and the clocks agree', async () => {
    const fake = await enrolled();
    const [reachable, clock] = await checksAt(Date.now);
    expect(reachable).toMatchObject({ id: 'hub.reachable', status: 'ok', detail: { hubKeyId: fake.keyId } });
    expect(clock).toMatchObject({ id: 'hub.clock', status: 'ok' });
  });

  it('FAILs a kiosk clock ten minutes behind the hub: the hub refuses its signed requests', async () => {
    await enrolled();
    const checks = await checksAt(() => Date.now() - 10 * 60_000);
    expect(checks).toHaveLength(1);
    expect(checks[0]).toMatchObject({ id: 'hub.clock', status: 'fail', detail: { code: 'stale-timestamp' } });
    expect(checks[0]?.fix?.en).toContain('timedatectl set-ntp true');
  });

  it('WARNs a kiosk clock two minutes ahead, which the hub still accepts, measuring the difference', async () => {
    await enrolled();
    const [reachable, drifted] = await checksAt(() => Date.now() + 2 * 60_000);
    expect(reachable?.status).toBe('ok');
    expect(drifted?.status).toBe('warn');
    expect(drifted?.detail?.skewMs).toBeGreaterThan(90_000);
  });

  it('FAILs a hub that signs with a key the kiosk has not pinned', async () => {
    await enrolled();
    writeFileSync(join(dataDir, HUB_KEYS_FILE), JSON.stringify([testHubKey().publicKeyBase64]));
    const [reachable] = await checksAt(Date.now);
    expect(reachable).toMatchObject({ id: 'hub.reachable', status: 'fail' });
  });

  it('FAILs a hub that refuses this device (revoked or unknown): it will never sync as it stands', async () => {
    const fake = await enrolled();
    fake.fail('status', { kind: 'error', error: 'unknown-device' });
    const checks = await checksAt(Date.now);
    expect(checks).toHaveLength(1);
    expect(checks[0]).toMatchObject({ id: 'hub.reachable', status: 'fail', detail: { code: 'unknown-device' } });
    expect(checks[0]?.fix?.en).toContain('chot enroll');
  });

  it('WARNs a hub on a closed port (a gate works offline), without a clock line', async () => {
    const fake = await enrolled();
    await fake.close();
    hub = undefined;
    const checks = await checksAt(Date.now);
    expect(checks).toHaveLength(1);
    expect(checks[0]).toMatchObject({ id: 'hub.reachable', status: 'warn' });
  });

  it('gives up on a hub that accepts but never answers, after the timeout', async () => {
    await enrolled();
    const silent: Server = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as { port: number }).port;
    try {
      const enrolment = enrolmentCheck(dataDir);
      const checks = await hubReachabilityChecks(dataDir, { ...enrolment.hub!, url: `http://127.0.0.1:${port}` }, enrolment.keys, {
        now: Date.now,
        timeoutMs: 300,
      });
      expect(checks[0]).toMatchObject({ status: 'warn', detail: { problem: expect.stringContaining('no answer from the hub') } });
    } finally {
      silent.close();
    }
    expect(DOCTOR_HUB_TIMEOUT_MS).toBeLessThanOrEqual(3000);
  });
});
