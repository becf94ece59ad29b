import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeKioskReport, type KioskReport } from '../../../domain/sync/kiosk-report.js';
import { chotInProcess } from '../../support/chot-in-process.js';
import { tempDataDir } from '../../support/kiosk-process.js';
import { startTestHub, type TestHub } from './server/hub-test-kit.js';

const DAY = 24 * 3600_000;
const REPORT: KioskReport = {
  seq: 3,
  syncedAt: Date.now() - 2 * 3600_000,
  backlog: 57,
  ruleSet: { id: 'cao-bang-phase-3', version: '2021-11-15' },
  app: '0.1.0',
  flags: ['device-fault'],
};

const hubs: TestHub[] = [];
afterEach(async () => {
  await Promise.all(hubs.splice(0).map((h) => h.close()));
});

/** A hub with one kiosk that reported through the real server, one enrolled long ago and never heard from, and one revoked. */
async function hubWithKiosks(): Promise<{ dataDir: string; reporting: string; silent: string; revoked: string }> {
  const dataDir = tempDataDir('chot-hub-devices-');
  const hub = await startTestHub({ dataDir });
  hubs.push(hub);
  const kiosk = await hub.enrol();
  const signed = kiosk.identity.signRequest('GET', '/v1/status', undefined, Date.now(), encodeKioskReport(REPORT));
  expect((await fetch(`${hub.server.url}/v1/status`, { headers: signed })).status).toBe(200);
  const add = async (deviceId: string, location: string): Promise<void> => {
    await hub.admin.enrollment.saveDevice({
      deviceId,
      publicKeyRaw: new Uint8Array(randomBytes(32)),
      location,
      revoked: false,
      enrolledAt: Date.now() - 30 * DAY,
    });
  };
  // A location as an operator might have typed it, with a terminal escape inside: printed escaped.
  await add('k-silent', 'Trạm y tế xã\u001b[2J Quảng Hòa');
  await add('k-revoked', 'Cổng cũ');
  await hub.admin.enrollment.revokeDevice('k-revoked');
  // Closing the server writes the sightings it gathered (device-sightings.ts).
  await hub.close();
  hubs.splice(hubs.indexOf(hub), 1);
  return { dataDir, reporting: kiosk.identity.deviceId, silent: 'k-silent', revoked: 'k-revoked' };
}

describe('chot hub devices', () => {
  it('shows each kiosk’s last sighting and report, marks the silent one, and escapes what it prints', async () => {
    const { dataDir, reporting } = await hubWithKiosks();
    const run = await chotInProcess('hub', 'devices', '--data', dataDir);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^DEVICE\s+STATUS\s+LAST SEEN\s+DATA AGE\s+BACKLOG\s+RULE SET\s+APP\s+FLAGS\s+LOCATION$/);
    const row = (id: string): string[] => (lines.find((line) => line.startsWith(id)) ?? '').split(/ {2,}/);
    expect(row(reporting)).toEqual([
      reporting,
      'active',
      expect.stringMatching(/^\d+s ago$/),
      '2h',
      '57',
      'cao-bang-phase-3@2021-11-15',
      '0.1.0',
      'device-fault',
      'Cổng chính',
    ]);
    expect(row('k-silent')).toEqual(['k-silent', 'active', 'never', '-', '-', '-', '-', 'silent', 'Trạm y tế xã\\x1b[2J Quảng Hòa']);
    expect(row('k-revoked')).toEqual(['k-revoked', 'revoked', 'never', '-', '-', '-', '-', '-', 'Cổng cũ']);
    expect(run.stdout).not.toContain('\u001b');
    expect(lines.at(-1)).toBe('1 of 2 active kiosks heard from within 7d; 1 silent');
  });

  it('--json gives the same with exact times; --silent-after sets the threshold', async () => {
    const { dataDir, reporting } = await hubWithKiosks();
    const run = await chotInProcess('hub', 'devices', '--json', '--data', dataDir, '--silent-after', '30d');
    expect(run.code).toBe(0);
    const json = JSON.parse(run.stdout) as { silentAfterSeconds: number; devices: Record<string, unknown>[] };
    expect(json.silentAfterSeconds).toBe(30 * 24 * 3600);
    const byId = new Map(json.devices.map((d) => [d.deviceId, d]));
    expect(byId.get(reporting)).toMatchObject({
      status: 'active',
      silent: false,
      location: 'Cổng chính',
      lastSeenAt: expect.stringMatching(/\+07:00$/),
      dataSeq: 3,
      backlog: 57,
      dataAgeSeconds: expect.any(Number),
      ruleSet: { id: 'cao-bang-phase-3', version: '2021-11-15' },
      appVersion: '0.1.0',
      flags: ['device-fault'],
    });
    expect(byId.get('k-silent')).toMatchObject({ silent: true, lastSeenAt: null, backlog: null, flags: [] });
    // Revoked kiosks are refused, not silent.
    expect(byId.get('k-revoked')).toMatchObject({ status: 'revoked', silent: false });
  });

  it('an older kiosk (no report) is seen, with no report columns', async () => {
    const dataDir = tempDataDir('chot-hub-devices-');
    const hub = await startTestHub({ dataDir });
    hubs.push(hub);
    const kiosk = await hub.enrol();
    expect((await kiosk.get('/v1/status')).status).toBe(200);
    await hub.close();
    hubs.splice(0);
    const run = await chotInProcess('hub', 'devices', '--json', '--data', dataDir);
    const [device] = (JSON.parse(run.stdout) as { devices: Record<string, unknown>[] }).devices;
    expect(device).toMatchObject({ silent: false, lastSeenAt: expect.any(String), reportedAt: null, backlog: null, ruleSet: null });
  });

  it.each([
    [['--silent-after', '7'], /--silent-after must be a whole number of s, m, h or d/],
    [['--silent-after', '30s'], /at least a minute/],
    [['extra'], /does not take positional arguments/],
  ])('refuses %j with exit code 2', async (args, message) => {
    const run = await chotInProcess('hub', 'devices', ...args, '--data', tempDataDir('chot-hub-devices-'));
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
  });

  it('says so when --data names no hub', async () => {
    const dataDir = tempDataDir('chot-hub-devices-');
    const run = await chotInProcess('hub', 'devices', '--data', dataDir);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`no hub database at ${join(dataDir, 'hub.sqlite')}`);
  });
});
